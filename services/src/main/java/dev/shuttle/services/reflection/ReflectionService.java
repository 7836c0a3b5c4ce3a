package dev.shuttle.services.reflection;

import dev.shuttle.BidiStreamingHandler;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.Server;
import dev.shuttle.ServerContext;
import dev.shuttle.ServiceDefinition;
import dev.shuttle.StreamSink;
import dev.shuttle.StreamSource;
import dev.shuttle.protobuf.ProtoMarshaller;
import dev.shuttle.services.reflection.v1.ServerReflectionRequest;
import dev.shuttle.services.reflection.v1.ServerReflectionResponse;
import java.util.List;
import java.util.function.Supplier;

/**
 * gRPC server reflection ({@code grpc.reflection.v1.ServerReflection}, and the older
 * {@code grpc.reflection.v1alpha.ServerReflection} that many clients still ask first): tells a
 * client such as {@code grpcurl} which services the server serves and sends it their
 * {@code .proto} files as descriptors, so it can call them without having the files.
 * Register both next to your services:
 *
 * <pre>{@code
 * Server server = Server.builder()
 *     .listen("127.0.0.1", 50051)
 *     .service(new Greeter())
 *     .service(ReflectionService.v1()).service(ReflectionService.v1alpha())
 *     .start();
 * }</pre>
 *
 * <p>It describes whatever the server it runs in serves ({@link Server#services()}), itself
 * included: a generated service's file and every file it imports, found by file name, by the
 * full name of anything they declare (service, method, message, nested message, field, enum,
 * enum value, extension) or by extension number. Each answer carries the file and all its
 * dependencies, each once. A service built by hand with no descriptor is listed by name only.
 * A request it cannot answer (an unknown file or symbol, say) gets an {@code ErrorResponse} with
 * the status code ({@code NOT_FOUND}, {@code INVALID_ARGUMENT}), and the stream carries on.
 */
public final class ReflectionService {
  private static final String V1ALPHA_SERVICE = "grpc.reflection.v1alpha.ServerReflection";

  /** v1alpha's messages are v1's, field for field, so one implementation reads and answers both. */
  private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1ALPHA_INFO =
      MethodDescriptor.of(
          MethodType.BIDI_STREAMING,
          V1ALPHA_SERVICE,
          "ServerReflectionInfo",
          ProtoMarshaller.of(ServerReflectionRequest.getDefaultInstance()),
          ProtoMarshaller.of(ServerReflectionResponse.getDefaultInstance()));

  private ReflectionService() {}

  /** {@code grpc.reflection.v1.ServerReflection}, the current version. */
  public static ServiceDefinition v1() {
    return new V1().bindService();
  }

  /** {@code grpc.reflection.v1alpha.ServerReflection}, deprecated but still what some clients ask. */
  public static ServiceDefinition v1alpha() {
    V1alpha v1alpha = new V1alpha();
    return ServiceDefinition.builder(V1ALPHA_SERVICE).bidiStreaming(V1ALPHA_INFO, v1alpha).schemaDescriptor(v1alpha).build();
  }

  /** v1alpha's handler and schema: a class, where method references would be classes spun as a server starts. */
  private static final class V1alpha
      implements BidiStreamingHandler<ServerReflectionRequest, ServerReflectionResponse>, Supplier<Object> {
    @Override
    public void handle(
        StreamSource<ServerReflectionRequest> requests,
        StreamSink<ServerReflectionResponse> responses,
        ServerContext context) {
      serve(requests, responses, context);
    }

    @Override
    @SuppressWarnings("deprecation") // the whole v1alpha file is, and we serve it all the same
    public Object get() {
      return dev.shuttle.services.reflection.v1alpha.ServerReflectionProto.getDescriptor()
          .findServiceByName("ServerReflection");
    }
  }

  private static void serve(
      StreamSource<ServerReflectionRequest> requests,
      StreamSink<ServerReflectionResponse> responses,
      ServerContext context) {
    ReflectionResponder responder = null;
    for (ServerReflectionRequest request : requests) {
      if (responder == null) {
        // The server's services are fixed once it runs: one index serves the whole stream.
        responder = new ReflectionResponder(DescriptorIndex.of(servicesOf(context)));
      }
      responses.send(responder.answer(request));
    }
  }

  private static List<ServiceDefinition> servicesOf(ServerContext context) {
    Server server = context.server();
    return server == null ? List.of() : server.services();
  }

  private static final class V1 extends dev.shuttle.services.reflection.v1.ServerReflectionService {
    @Override
    public void serverReflectionInfo(
        StreamSource<ServerReflectionRequest> requests,
        StreamSink<ServerReflectionResponse> responses,
        ServerContext context) {
      serve(requests, responses, context);
    }
  }
}
