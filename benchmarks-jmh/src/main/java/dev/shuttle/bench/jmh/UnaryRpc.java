package dev.shuttle.bench.jmh;

import dev.shuttle.Channel;
import dev.shuttle.Server;
import dev.shuttle.ServerContext;
import dev.shuttle.bench.helloworld.GreeterClient;
import dev.shuttle.bench.helloworld.GreeterService;
import dev.shuttle.bench.helloworld.HelloReply;
import dev.shuttle.bench.helloworld.HelloRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One blocking unary {@code SayHello} (100-byte name) over loopback TCP to a server in the same
 * JVM, so that {@code -prof gc}'s {@code gc.alloc.rate.norm} is what one RPC allocates on both
 * sides together, every thread included: Shuttle's client and server with their defaults, against
 * grpc-java's blocking stub and its Netty server with {@code directExecutor()} and with its
 * default executor.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UnaryRpc {
  @Benchmark
  public HelloReply shuttle(ShuttleStack stack) {
    return stack.client.sayHello(Workload.REQUEST);
  }

  @Benchmark
  public HelloReply grpcJavaDirectExecutor(GrpcDirect stack) {
    return stack.call();
  }

  @Benchmark
  public HelloReply grpcJavaDefaultExecutor(GrpcDefault stack) {
    return stack.call();
  }

  /** Shuttle's server and client, defaults throughout. */
  @State(Scope.Benchmark)
  public static class ShuttleStack {
    Server server;
    Channel channel;
    GreeterClient client;

    @Setup(Level.Trial)
    public void start() throws IOException {
      server = Server.builder().listen("127.0.0.1", 0).service(new GreeterService() {
        @Override
        public HelloReply sayHello(HelloRequest request, ServerContext context) {
          return HelloReply.newBuilder().setMessage("Hello " + request.getName()).build();
        }
      }).start();
      channel = Channel.plaintext("127.0.0.1:" + server.port());
      client = GreeterClient.of(channel);
      check(client.sayHello(Workload.REQUEST));
    }

    @TearDown(Level.Trial)
    public void stop() {
      channel.shutdownNow();
      server.close();
    }
  }

  @State(Scope.Benchmark)
  public static class GrpcDirect extends GrpcStack {
    public GrpcDirect() {
      super(true);
    }
  }

  @State(Scope.Benchmark)
  public static class GrpcDefault extends GrpcStack {
    public GrpcDefault() {
      super(false);
    }
  }

  /** grpc-java's Netty server and channel; the blocking stub's call. */
  public abstract static class GrpcStack {
    static final MethodDescriptor<HelloRequest, HelloReply> SAY_HELLO =
        MethodDescriptor.<HelloRequest, HelloReply>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("helloworld.Greeter", "SayHello"))
            .setRequestMarshaller(ProtoUtils.marshaller(HelloRequest.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(HelloReply.getDefaultInstance()))
            .build();

    private final boolean direct;
    io.grpc.Server server;
    ManagedChannel channel;

    GrpcStack(boolean direct) {
      this.direct = direct;
    }

    @Setup(Level.Trial)
    public void start() throws IOException {
      ServerServiceDefinition service = ServerServiceDefinition.builder("helloworld.Greeter")
          .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall((HelloRequest request, io.grpc.stub.StreamObserver<HelloReply> out) -> {
            out.onNext(HelloReply.newBuilder().setMessage("Hello " + request.getName()).build());
            out.onCompleted();
          }))
          .build();
      NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service);
      if (direct) {
        builder.directExecutor();
      }
      server = builder.build().start();
      channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
      check(call());
    }

    HelloReply call() {
      return ClientCalls.blockingUnaryCall(channel, SAY_HELLO, CallOptions.DEFAULT, Workload.REQUEST);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static void check(HelloReply reply) {
    if (!reply.getMessage().equals(Workload.REPLY.getMessage())) {
      throw new IllegalStateException("wrong reply: " + reply.getMessage());
    }
  }
}
