package dev.shuttle;

import java.util.Objects;

/**
 * One RPC method: its kind, its full name ({@code package.Service/Method}) and how its messages
 * are encoded. Generated code holds one constant per method.
 *
 * <pre>{@code
 * MethodDescriptor<Request, Response> getRandom = MethodDescriptor.of(
 *     MethodType.UNARY, "TestServer", "GetRandom", requestMarshaller, responseMarshaller);
 * }</pre>
 */
public final class MethodDescriptor<Req, Resp> {
  private final MethodType type;
  private final String serviceName;
  private final String methodName;
  private final String fullName;
  private final String path;
  private final Marshaller<Req> requestMarshaller;
  private final Marshaller<Resp> responseMarshaller;

  private MethodDescriptor(
      MethodType type,
      String serviceName,
      String methodName,
      Marshaller<Req> requestMarshaller,
      Marshaller<Resp> responseMarshaller) {
    this.type = Objects.requireNonNull(type, "type");
    this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
    this.methodName = Objects.requireNonNull(methodName, "methodName");
    this.fullName = serviceName + "/" + methodName;
    this.path = "/" + fullName;
    this.requestMarshaller = Objects.requireNonNull(requestMarshaller, "requestMarshaller");
    this.responseMarshaller = Objects.requireNonNull(responseMarshaller, "responseMarshaller");
  }

  /**
   * @param serviceName the fully qualified service name, e.g. {@code helloworld.Greeter}
   * @param methodName the method name as in the {@code .proto}, e.g. {@code SayHello}
   */
  public static <Req, Resp> MethodDescriptor<Req, Resp> of(
      MethodType type,
      String serviceName,
      String methodName,
      Marshaller<Req> requestMarshaller,
      Marshaller<Resp> responseMarshaller) {
    return new MethodDescriptor<>(type, serviceName, methodName, requestMarshaller, responseMarshaller);
  }

  public MethodType type() {
    return type;
  }

  public String serviceName() {
    return serviceName;
  }

  public String methodName() {
    return methodName;
  }

  /** {@code package.Service/Method}. */
  public String fullName() {
    return fullName;
  }

  /** The HTTP/2 {@code :path}: {@code /package.Service/Method}. */
  public String path() {
    return path;
  }

  public Marshaller<Req> requestMarshaller() {
    return requestMarshaller;
  }

  public Marshaller<Resp> responseMarshaller() {
    return responseMarshaller;
  }

  @Override
  public String toString() {
    return type + " " + fullName;
  }
}
