package dev.shuttle.bench;

import dev.shuttle.Channel;
import dev.shuttle.ClientInterceptor;
import dev.shuttle.Server;
import dev.shuttle.ServerContext;
import dev.shuttle.ServerInterceptor;
import dev.shuttle.bench.proto.BenchClient;
import dev.shuttle.bench.proto.BenchService;
import dev.shuttle.bench.proto.Payload;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The servers and clients under test, behind two small interfaces so that every pair, including
 * the cross pairs, is driven by the same measuring code.
 */
final class Endpoints {
  private Endpoints() {}

  /** A started echo server. */
  interface EchoServer extends AutoCloseable {
    int port();

    @Override
    void close();
  }

  /** A client bound to one server; {@link #call} blocks the calling thread until the response. */
  interface EchoClient extends AutoCloseable {
    Payload call(Payload request);

    @Override
    void close();
  }

  enum ServerKind {
    SHUTTLE("Shuttle"),
    SHUTTLE_INTERCEPTED("Shuttle (one interceptor)"),
    GRPC_DEFAULT_EXECUTOR("grpc-java (default executor)"),
    GRPC_DIRECT_EXECUTOR("grpc-java (directExecutor)");

    final String label;

    ServerKind(String label) {
      this.label = label;
    }

    EchoServer start() throws IOException {
      return switch (this) {
        case SHUTTLE -> startShuttle(false);
        case SHUTTLE_INTERCEPTED -> startShuttle(true);
        case GRPC_DEFAULT_EXECUTOR -> startGrpc(false);
        case GRPC_DIRECT_EXECUTOR -> startGrpc(true);
      };
    }
  }

  enum ClientKind {
    SHUTTLE("Shuttle"),
    SHUTTLE_INTERCEPTED("Shuttle (one interceptor)"),
    GRPC("grpc-java");

    final String label;

    ClientKind(String label) {
      this.label = label;
    }

    EchoClient connect(int port) {
      return switch (this) {
        case SHUTTLE -> shuttleClient(port, false);
        case SHUTTLE_INTERCEPTED -> shuttleClient(port, true);
        case GRPC -> grpcClient(port);
      };
    }
  }

  // ---- Shuttle ----

  private static final class ShuttleEcho extends BenchService {
    @Override
    public Payload unary(Payload request, ServerContext context) {
      return request;
    }
  }

  /** An interceptor that only passes the call on: what the interceptor path itself costs. */
  private static final ServerInterceptor PASS_ON_SERVER = (requests, responses, context, next) ->
      next.proceed(requests, responses, context);

  private static final ClientInterceptor PASS_ON_CLIENT = (method, options, next) -> next.newCall(options);

  private static EchoServer startShuttle(boolean intercepted) throws IOException {
    // Port 0: every pair gets a fresh server on a port of its own, so no pair inherits another's
    // connection state.
    Server.Builder builder = Server.builder().listen("127.0.0.1", 0).service(new ShuttleEcho());
    if (intercepted) {
      builder.intercept(PASS_ON_SERVER);
    }
    Server server = builder.start();
    return new EchoServer() {
      @Override
      public int port() {
        return server.port();
      }

      @Override
      public void close() {
        server.close();
      }
    };
  }

  private static EchoClient shuttleClient(int port, boolean intercepted) {
    Channel channel = Channel.plaintext("127.0.0.1:" + port);
    BenchClient client = BenchClient.of(intercepted ? channel.withInterceptors(PASS_ON_CLIENT) : channel);
    return new EchoClient() {
      @Override
      public Payload call(Payload request) {
        return client.unary(request);
      }

      @Override
      public void close() {
        channel.close();
      }
    };
  }

  // ---- grpc-java ----

  /** Built by hand over the protoc message, so that protoc-gen-grpc-java is not needed. */
  static final MethodDescriptor<Payload, Payload> GRPC_UNARY =
      MethodDescriptor.<Payload, Payload>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("shuttle.bench.Bench", "Unary"))
          .setRequestMarshaller(ProtoUtils.marshaller(Payload.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(Payload.getDefaultInstance()))
          .build();

  private static EchoServer startGrpc(boolean direct) throws IOException {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("shuttle.bench.Bench")
            .addMethod(
                GRPC_UNARY,
                ServerCalls.asyncUnaryCall(
                    (Payload request, StreamObserver<Payload> responses) -> {
                      responses.onNext(request);
                      responses.onCompleted();
                    }))
            .build();
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service);
    if (direct) {
      // Handlers on the event loop: no hand-off to the shared cached pool. This is grpc-java's
      // fastest configuration for non-blocking handlers such as this echo.
      builder.directExecutor();
    }
    io.grpc.Server server = builder.build().start();
    return new EchoServer() {
      @Override
      public int port() {
        return server.getPort();
      }

      @Override
      public void close() {
        server.shutdown();
        try {
          if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          server.shutdownNow();
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  private static EchoClient grpcClient(int port) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    return new EchoClient() {
      @Override
      public Payload call(Payload request) {
        // The blocking call runs its callbacks on the caller's thread (a ThreadlessExecutor), so
        // the channel's own executor plays no part and both clients block their caller alike.
        return ClientCalls.blockingUnaryCall(channel, GRPC_UNARY, CallOptions.DEFAULT, request);
      }

      @Override
      public void close() {
        channel.shutdown();
        try {
          if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          channel.shutdownNow();
          Thread.currentThread().interrupt();
        }
      }
    };
  }
}
