package dev.shuttle.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.shuttle.compiler.RpcNaming.Names;
import dev.shuttle.compiler.RpcNaming.Rpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RpcNamingTest {
  private static List<Names> unary(String... rpcNames) {
    List<Rpc> rpcs = new ArrayList<>();
    for (String name : rpcNames) {
      rpcs.add(new Rpc(name, true));
    }
    return RpcNaming.assign(rpcs, Set.of());
  }

  private static Names only(String rpcName) {
    return unary(rpcName).get(0);
  }

  @Test
  void plainNames() {
    assertEquals(new Names("getRandom", "getRandomAsync", "GET_RANDOM"), only("GetRandom"));
  }

  @Test
  void streamingRpcsHaveNoAsyncVariant() {
    Names names = RpcNaming.assign(List.of(new Rpc("Watch", false)), Set.of()).get(0);
    assertEquals("watch", names.method());
    assertNull(names.asyncMethod());
  }

  @Test
  void keywordsAndLiteralsGetAnUnderscore() {
    assertEquals("class_", only("Class").method());
    assertEquals("default_", only("Default").method());
    assertEquals("new_", only("New").method());
    assertEquals("true_", only("True").method());
    assertEquals("null_", only("Null").method());
    // Legal, but `yield(x)` cannot be called unqualified.
    assertEquals("yield_", only("Yield").method());
    // Contextual keywords that are fine as method names stay as they are.
    assertEquals("record", only("Record").method());
    assertEquals("var", only("Var").method());
  }

  @Test
  void asyncVariantsComeFromTheNaturalName() {
    Names names = only("Class");
    assertEquals("class_", names.method());
    assertEquals("classAsync", names.asyncMethod());
    assertEquals("CLASS", names.constant());
  }

  @Test
  void objectMethodsGetAnUnderscore() {
    for (String rpc : new String[] {"GetClass", "HashCode", "Equals", "Clone", "ToString", "Notify", "NotifyAll", "Wait", "Finalize"}) {
      String method = only(rpc).method();
      assertEquals(JavaIdentifiers.lowerCamel(rpc) + "_", method, rpc);
    }
  }

  @Test
  void membersOfTheGeneratedClassesGetAnUnderscore() {
    assertEquals("bindService_", only("BindService").method());
    assertEquals("of_", only("Of").method());
    assertEquals("withOptions_", only("WithOptions").method());
    assertEquals("withTimeout_", only("WithTimeout").method());
    assertEquals("withMetadata_", only("WithMetadata").method());
  }

  @Test
  void anRpcKeepsItsNameBeforeAnotherRpcsAsyncVariant() {
    List<Names> names = unary("GetRandom", "GetRandomAsync");
    assertEquals(new Names("getRandom", "getRandomAsync_", "GET_RANDOM"), names.get(0));
    assertEquals(new Names("getRandomAsync", "getRandomAsyncAsync", "GET_RANDOM_ASYNC"), names.get(1));
    // The same whichever is declared first.
    List<Names> reversed = unary("GetRandomAsync", "GetRandom");
    assertEquals(names.get(1), reversed.get(0));
    assertEquals(names.get(0), reversed.get(1));
  }

  @Test
  void rpcsThatConvertAlikeAreNumberedByUnderscoresInDeclarationOrder() {
    List<Names> names = unary("GetRandom", "get_random", "getRandom");
    assertEquals("getRandom", names.get(0).method());
    assertEquals("getRandom_", names.get(1).method());
    assertEquals("getRandom__", names.get(2).method());
    assertEquals("GET_RANDOM", names.get(0).constant());
    assertEquals("GET_RANDOM_", names.get(1).constant());
    assertEquals("GET_RANDOM__", names.get(2).constant());
  }

  @Test
  void constantsAvoidServiceNameAndPackageRoots() {
    assertEquals("SERVICE_NAME_", only("ServiceName").constant());
    assertEquals("serviceName", only("ServiceName").method());
    Names names = RpcNaming.assign(List.of(new Rpc("Com", true)), Set.of("COM", "dev", "java")).get(0);
    assertEquals("COM_", names.constant());
  }
}
