package dev.shuttle.bench;

import com.google.protobuf.TextFormat;
import dev.shuttle.bench.seed.Request;
import dev.shuttle.bench.seed.Response;
import dev.shuttle.bench.seed.SeedProto;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * The seed's server as a grpc-java user writes it, for the footprint benchmark to hold against
 * Shuttle's {@code examples} SeedServer: the same {@code TestServer/GetRandom} (prints the request
 * as the seed does, answers 10..20), the same extra services (grpc.health.v1 and server
 * reflection v1 and v1alpha, from grpc-services), Netty with its default executor, and a
 * {@code listening on HOST:PORT} line; SIGTERM stops it gracefully (exit 0).
 *
 * <pre>{@code
 * java -cp ... dev.shuttle.bench.GrpcSeedServer 127.0.0.1:8888
 * }</pre>
 */
public final class GrpcSeedServer {
  private GrpcSeedServer() {}

  static final MethodDescriptor<Request, Response> GET_RANDOM =
      MethodDescriptor.<Request, Response>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("TestServer", "GetRandom"))
          .setRequestMarshaller(ProtoUtils.marshaller(Request.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(Response.getDefaultInstance()))
          .build();

  @SuppressWarnings("deprecation") // v1alpha reflection, which the seed serves too for older tools
  public static void main(String[] args) throws IOException, InterruptedException {
    String target = args.length > 0 ? args[0] : "127.0.0.1:8888";
    int colon = target.lastIndexOf(':');
    String host = target.substring(0, colon);
    int port = Integer.parseInt(target.substring(colon + 1));
    // The file descriptor lets reflection describe the service, as protoc-gen-grpc-java's code does.
    ProtoFileDescriptorSupplier schema = SeedProto::getDescriptor;
    ServerServiceDefinition testServer =
        ServerServiceDefinition.builder(
                ServiceDescriptor.newBuilder("TestServer").setSchemaDescriptor(schema).addMethod(GET_RANDOM).build())
            .addMethod(GET_RANDOM, ServerCalls.asyncUnaryCall((request, responses) -> {
              System.out.print(TextFormat.printer().printToString(request) + "\n" + request.getId() + "\n");
              System.out.flush();
              responses.onNext(Response.newBuilder().setRandom(ThreadLocalRandom.current().nextInt(10, 21)).build());
              responses.onCompleted();
            }))
            .build();
    HealthStatusManager health = new HealthStatusManager();
    io.grpc.Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .addService(testServer)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .addService(ProtoReflectionService.newInstance())
            .build()
            .start();
    Signal.handle(new Signal("TERM"), signal -> {
      health.enterTerminalState();
      server.shutdown();
    });
    System.out.println("listening on " + host + ":" + server.getPort());
    System.out.flush();
    if (!server.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS)) {
      server.shutdownNow();
    }
  }
}
