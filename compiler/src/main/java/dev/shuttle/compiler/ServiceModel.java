package dev.shuttle.compiler;

import java.util.List;

/**
 * Everything the emitters need to write one service's classes, with every name already chosen:
 * emitting is then a plain walk over it.
 *
 * @param sourceFile the {@code .proto} file, as protoc names it
 * @param javaPackage the Java package of the generated classes; "" for the default package
 * @param fullName {@code package.Service}, without a leading dot; just the name without a package
 * @param protoName the service's name in its file, without the package
 * @param outerClass canonical name of the file's outer class, whose {@code getDescriptor()} holds
 *     the service's descriptor
 * @param serviceClass simple name of the server-side base class
 * @param clientClass simple name of the client class
 * @param comment the service's comment in the {@code .proto}, or ""
 * @param deprecated whether the service is marked {@code deprecated}
 * @param usesDeprecatedTypes whether a request or response class, or the file's outer class, is
 *     deprecated, so that the generated classes must not warn about using it
 */
record ServiceModel(
    String sourceFile,
    String javaPackage,
    String fullName,
    String protoName,
    String outerClass,
    String serviceClass,
    String clientClass,
    String comment,
    boolean deprecated,
    boolean usesDeprecatedTypes,
    List<Rpc> rpcs,
    LocalNames locals) {

  /**
   * One rpc.
   *
   * @param protoName the rpc's name in the {@code .proto}, as sent on the wire
   * @param requestType canonical Java name of the request class
   * @param responseType canonical Java name of the response class
   * @param asyncMethod the client's future-returning variant; {@code null} unless unary
   * @param constant the name of the method descriptor constant
   */
  record Rpc(
      String protoName,
      RpcKind kind,
      String requestType,
      String responseType,
      String method,
      String asyncMethod,
      String constant,
      String comment,
      boolean deprecated) {}

  /** {@code package.Service/Method}, as in the descriptor and in error messages. */
  String fullMethodName(Rpc rpc) {
    return fullName + "/" + rpc.protoName();
  }
}
