package dev.shuttle.compilertests;

import static dev.shuttle.compilertests.Signatures.assertSignature;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Empty;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.compilertests.kitchen.ClashClient_;
import dev.shuttle.compilertests.kitchen.ClashService;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Service Clash in kitchen.proto: rpc names Java cannot take as they are. */
class ClashTest {
  @Test
  void serviceMethodNames() {
    assertEquals(
        List.of(
            "bindService", "bindService_", "class_", "default_", "equals_", "getClass_", "getRandom", "getRandomAsync",
            "getRandom_", "hashCode_", "new_", "notify_", "of_", "options_", "serviceName", "toString_", "true_", "wait_",
            "withDeadline_", "withTimeout_", "yield_"),
        Signatures.publicMethodNames(ClashService.class));
  }

  @Test
  void clientMethodNames() {
    assertEquals(
        List.of(
            "bindServiceAsync", "bindService_", "classAsync", "class_", "defaultAsync", "default_", "equalsAsync",
            "equals_", "getClassAsync", "getClass_", "getRandom", "getRandomAsync", "getRandomAsyncAsync",
            "getRandomAsync_", "getRandomAsync__", "getRandom_", "hashCodeAsync", "hashCode_", "newAsync", "new_",
            "notify_", "of", "of_", "options", "optionsAsync", "options_", "serviceName", "serviceNameAsync",
            "toStringAsync", "toString_", "trueAsync", "true_", "wait_", "withCompression", "withDeadline",
            "withDeadlineAsync", "withDeadline_", "withInterceptors", "withMetadata", "withOptions", "withResponseMetadata",
            "withTimeout", "withTimeoutAsync", "withTimeout_", "yieldAsync", "yield_"),
        Signatures.publicMethodNames(ClashClient_.class));
  }

  @Test
  void theAsyncVariantOfGetRandomYieldsToTheRpcGetRandomAsync() {
    String empty = "com.google.protobuf.Empty";
    String future = "java.util.concurrent.CompletableFuture<" + empty + ">";
    assertSignature("public " + empty + " getRandomAsync(" + empty + ")", ClashClient_.class, "getRandomAsync");
    assertSignature("public " + future + " getRandomAsync_(" + empty + ")", ClashClient_.class, "getRandomAsync_");
    assertSignature("public " + future + " getRandomAsyncAsync(" + empty + ")", ClashClient_.class, "getRandomAsyncAsync");
  }

  @Test
  void constantsAreUpperSnakeAndUnique() throws ReflectiveOperationException {
    assertEquals("shuttle.test.kitchen.Clash", ClashService.SERVICE_NAME);
    assertEquals("ServiceName", descriptor("SERVICE_NAME_").methodName());
    assertEquals("GetRandom", descriptor("GET_RANDOM").methodName());
    assertEquals("get_random", descriptor("GET_RANDOM_").methodName());
    assertEquals("GetRandomAsync", descriptor("GET_RANDOM_ASYNC").methodName());
    assertEquals("Class", descriptor("CLASS").methodName());
    assertEquals("GetClass", descriptor("GET_CLASS").methodName());
  }

  private static MethodDescriptor<?, ?> descriptor(String constant) throws ReflectiveOperationException {
    return (MethodDescriptor<?, ?>) ClashService.class.getField(constant).get(null);
  }

  @Test
  void renamedMethodsStillServeTheirRpc() {
    ClashService service = new ClashService() {};
    StatusException e = assertThrows(StatusException.class, () -> service.class_(Empty.getDefaultInstance(), null));
    assertEquals(Status.Code.UNIMPLEMENTED, e.code());
    assertEquals("Method shuttle.test.kitchen.Clash/Class is unimplemented", e.status().description());
    assertEquals(20, service.bindService().methods().size());
  }
}
