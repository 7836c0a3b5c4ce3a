package dev.shuttle.bench;

import dev.shuttle.Server;
import dev.shuttle.ServerContext;
import dev.shuttle.bench.GreeterServer.Impl;
import dev.shuttle.bench.helloworld.GreeterService;
import dev.shuttle.bench.helloworld.HelloReply;
import dev.shuttle.bench.helloworld.HelloRequest;
import dev.shuttle.bench.proto.BenchService;
import dev.shuttle.bench.proto.Payload;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The server side of {@code bin/bench-ping-pong}: {@code helloworld.Greeter/SayHello} and the
 * {@code shuttle.bench.Bench/Unary} echo on one port of 127.0.0.1, from Shuttle with its defaults
 * or from grpc-java's Netty server (default executor, or directExecutor).
 *
 * <p>Usage: {@code PingPongServer --impl=shuttle|grpc-java|grpc-java-direct}. Prints
 * {@code listening on 127.0.0.1:PORT} when ready and stops when its stdin ends, so that it never
 * outlives the benchmark that started it.
 */
final class PingPongServer {
  private PingPongServer() {}

  public static void main(String[] args) throws Exception {
    Impl impl = Impl.SHUTTLE;
    for (String arg : args) {
      if (arg.startsWith("--impl=")) {
        impl = Impl.of(arg.substring("--impl=".length()));
      } else {
        System.err.println("ping-pong-server: unknown argument " + arg);
        System.exit(2);
      }
    }
    Runnable stop;
    int port;
    if (impl == Impl.SHUTTLE) {
      Server server = Server.builder().listen("127.0.0.1", 0)
          .service(new ShuttleGreeter()).service(new ShuttleEcho()).start();
      port = server.port();
      stop = () -> {
        server.shutdown();
        try {
          if (!server.awaitTermination(Duration.ofSeconds(5))) {
            server.shutdownNow();
          }
        } catch (InterruptedException e) {
          server.shutdownNow();
        }
      };
    } else {
      io.grpc.Server server = startGrpc(impl == Impl.GRPC_JAVA_DIRECT);
      port = server.getPort();
      stop = () -> {
        server.shutdown();
        try {
          if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow();
          }
        } catch (InterruptedException e) {
          server.shutdownNow();
        }
      };
    }
    System.out.println("ping-pong-server: listening on 127.0.0.1:" + port + " (" + impl.flag + ")");
    System.out.flush();
    InputStream in = System.in;
    while (in.read() >= 0) {
      // nothing is expected on stdin; its end is the signal to stop
    }
    stop.run();
    System.exit(0);
  }

  private static final class ShuttleGreeter extends GreeterService {
    @Override
    public HelloReply sayHello(HelloRequest request, ServerContext context) {
      return HelloReply.newBuilder().setMessage(GreeterServer.greeting(request.getName())).build();
    }
  }

  private static final class ShuttleEcho extends BenchService {
    @Override
    public Payload unary(Payload request, ServerContext context) {
      return request;
    }
  }

  private static io.grpc.Server startGrpc(boolean direct) throws IOException {
    ServerServiceDefinition greeter = ServerServiceDefinition.builder("helloworld.Greeter")
        .addMethod(GrpcMethods.SAY_HELLO, ServerCalls.asyncUnaryCall(
            (HelloRequest request, StreamObserver<HelloReply> responses) -> {
              responses.onNext(HelloReply.newBuilder().setMessage(GreeterServer.greeting(request.getName())).build());
              responses.onCompleted();
            }))
        .build();
    ServerServiceDefinition echo = ServerServiceDefinition.builder("shuttle.bench.Bench")
        .addMethod(Endpoints.GRPC_UNARY, ServerCalls.asyncUnaryCall(
            (Payload request, StreamObserver<Payload> responses) -> {
              responses.onNext(request);
              responses.onCompleted();
            }))
        .build();
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(greeter).addService(echo);
    if (direct) {
      builder.directExecutor(); // handlers on the event loop: grpc-java's best for handlers that never block
    }
    return builder.build().start();
  }
}
