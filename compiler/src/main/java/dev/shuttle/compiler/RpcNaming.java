package dev.shuttle.compiler;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Chooses the Java names of a service's rpcs: one method name, used both in the service base
 * class and in the client so that the two read alike, an extra {@code ...Async} name for unary
 * rpcs (client only), and a constant name for each method descriptor.
 *
 * <p>Each name is the rpc name in lowerCamelCase (methods) or UPPER_SNAKE_CASE (constants), with
 * a trailing {@code _} added, repeatedly, while it is a Java keyword or literal, {@code yield}, a
 * method of {@link Object}, a member the generated classes declare themselves, or a name given
 * earlier. Names are given in this order: the methods of all rpcs in declaration order, then the
 * async variants in declaration order, so an rpc keeps its natural name before a generated
 * variant does ({@code GetRandomAsync} stays {@code getRandomAsync}; the async variant of {@code
 * GetRandom} becomes {@code getRandomAsync_}).
 */
final class RpcNaming {

  /** Methods and constants the generated classes declare whatever the rpcs are. */
  static final Set<String> GENERATED_METHODS =
      Set.of(
          "bindService", "of", "withOptions", "withTimeout", "withMetadata", "withDeadline", "withCompression",
          "withResponseMetadata", "withInterceptors", "options");

  static final String SERVICE_NAME_CONSTANT = "SERVICE_NAME";

  /**
   * The names of one rpc.
   *
   * @param asyncMethod the client's future-returning variant; {@code null} unless unary
   */
  record Names(String method, String asyncMethod, String constant) {}

  /** An rpc as far as naming goes: its name in the {@code .proto} and whether it is unary. */
  record Rpc(String protoName, boolean unary) {}

  private RpcNaming() {}

  /**
   * Names a service's rpcs, given in declaration order.
   *
   * @param reservedVariables names no constant may take: the first segments of the packages the
   *     generated code refers to, which a same-named field would hide
   */
  static List<Names> assign(List<Rpc> rpcs, Set<String> reservedVariables) {
    UniqueNames methods =
        UniqueNames.reserving(
            name ->
                JavaIdentifiers.AWKWARD_METHOD_NAMES.contains(name)
                    || JavaIdentifiers.OBJECT_METHODS.contains(name)
                    || GENERATED_METHODS.contains(name));
    UniqueNames constants = UniqueNames.reserving(reservedVariables::contains);
    constants.take(SERVICE_NAME_CONSTANT);

    List<String> methodNames = new ArrayList<>(rpcs.size());
    List<String> constantNames = new ArrayList<>(rpcs.size());
    for (Rpc rpc : rpcs) {
      methodNames.add(methods.claim(JavaIdentifiers.lowerCamel(rpc.protoName())));
      constantNames.add(constants.claim(JavaIdentifiers.upperSnake(rpc.protoName())));
    }
    List<Names> result = new ArrayList<>(rpcs.size());
    for (int i = 0; i < rpcs.size(); i++) {
      Rpc rpc = rpcs.get(i);
      // From the natural name, not the claimed one: rpc Wait gives wait_ but waitAsync.
      String async = rpc.unary() ? methods.claim(JavaIdentifiers.lowerCamel(rpc.protoName()) + "Async") : null;
      result.add(new Names(methodNames.get(i), async, constantNames.get(i)));
    }
    return result;
  }
}
