package dev.shuttle.bench;

import com.google.protobuf.ByteString;
import dev.shuttle.Channel;
import dev.shuttle.bench.helloworld.GreeterClient;
import dev.shuttle.bench.helloworld.HelloReply;
import dev.shuttle.bench.helloworld.HelloRequest;
import dev.shuttle.bench.proto.BenchClient;
import dev.shuttle.bench.proto.Payload;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;

/**
 * The client side of {@code bin/bench-ping-pong}: one connection, one call at a time, every call's
 * latency in an HdrHistogram. Runs as a JVM of its own and answers commands on stdin with one line
 * on stdout each:
 *
 * <pre>
 * check                             one verified call of each message
 * run MESSAGE WARMUP_MS DURATION_MS calls back to back; MESSAGE: greeter, or an echo size in bytes
 * </pre>
 *
 * <p>Each stack calls the way it is fastest at this: Shuttle's blocking client from a virtual
 * thread (its design: the caller parks, the connection's reader wakes it); grpc-java's async
 * client with {@code directExecutor()}, each response handled and the next call started on the
 * Netty event loop, with no thread hand-off at all (the shape of gRPC's own Java ping-pong
 * scenario).
 */
final class PingPongClient {
  private PingPongClient() {}

  /** The message of one measurement: the Greeter's 100-byte name, or a Bench echo of N bytes. */
  record Message(String name, HelloRequest hello, Payload payload) {
    static Message of(String name) {
      if (name.equals("greeter")) {
        return new Message(name, HelloRequest.newBuilder().setName(GrpcBench.NAME).build(), null);
      }
      int size = Integer.parseInt(name);
      return new Message(name, null, Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])).build());
    }
  }

  /** One stack's client: calls back to back until {@code endNanos}, recording each call. */
  interface Caller extends AutoCloseable {
    /** Returns the calls that answered correctly; a wrong answer or a failure is an exception. */
    long run(Message message, long endNanos, Histogram latencies) throws Exception;

    @Override
    void close();
  }

  public static void main(String[] args) throws Exception {
    int port = -1;
    String client = null;
    for (String arg : args) {
      if (arg.startsWith("--port=")) {
        port = Integer.parseInt(arg.substring("--port=".length()));
      } else if (arg.startsWith("--client=")) {
        client = arg.substring("--client=".length());
      } else {
        System.err.println("ping-pong-client: unknown argument " + arg);
        System.exit(2);
      }
    }
    if (port <= 0 || !("shuttle".equals(client) || "grpc-java".equals(client))) {
      System.err.println("usage: PingPongClient --port=N --client=shuttle|grpc-java");
      System.exit(2);
    }
    try (Caller caller = client.equals("shuttle") ? new ShuttleCaller(port) : new GrpcCaller(port)) {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String answer;
        try {
          answer = JvmProcess.RESULT + execute(caller, line.strip().split("\\s+"));
        } catch (Exception e) {
          answer = JvmProcess.ERROR + e;
          e.printStackTrace();
        }
        System.out.println(answer.replace('\n', ' '));
        System.out.flush();
      }
    }
    System.exit(0);
  }

  private static String execute(Caller caller, String[] command) throws Exception {
    switch (command[0]) {
      case "check" -> {
        for (String name : command.length > 1 ? command[1].split(",") : new String[] {"greeter"}) {
          caller.run(Message.of(name), System.nanoTime(), Latencies.newHistogram()); // one call at least
        }
        return "ok (grpc-status 0, answers verified)";
      }
      case "run" -> {
        Message message = Message.of(command[1]);
        long warmup = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(command[2]));
        long duration = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(command[3]));
        caller.run(message, System.nanoTime() + warmup, Latencies.newHistogram());
        Histogram latencies = Latencies.newHistogram();
        long start = System.nanoTime();
        long calls = caller.run(message, start + duration, latencies);
        double seconds = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "rate=%.1f %s", calls / seconds, Latencies.of(latencies).fields());
      }
      default -> throw new IllegalArgumentException("unknown command " + command[0]);
    }
  }

  private static void verify(Message message, Object reply) {
    boolean right = message.hello() != null
        ? ((HelloReply) reply).getMessage().equals(GreeterServer.greeting(GrpcBench.NAME))
        : ((Payload) reply).getBody().size() == message.payload().getBody().size();
    if (!right) {
      throw new IllegalStateException("wrong answer to " + message.name());
    }
  }

  /** Shuttle's blocking client, called from one virtual thread. */
  private static final class ShuttleCaller implements Caller {
    private final Channel channel;
    private final GreeterClient greeter;
    private final BenchClient bench;

    ShuttleCaller(int port) {
      channel = Channel.plaintext("127.0.0.1:" + port);
      greeter = GreeterClient.of(channel);
      bench = BenchClient.of(channel);
    }

    @Override
    public long run(Message message, long endNanos, Histogram latencies) throws Exception {
      long[] calls = new long[1];
      Throwable[] failure = new Throwable[1];
      Thread caller = Thread.ofVirtual().name("ping-pong-caller").start(() -> {
        try {
          do {
            long start = System.nanoTime();
            Object reply = message.hello() != null ? greeter.sayHello(message.hello()) : bench.unary(message.payload());
            long end = System.nanoTime();
            verify(message, reply);
            Latencies.record(latencies, end - start);
            calls[0]++;
          } while (System.nanoTime() - endNanos < 0);
        } catch (RuntimeException e) {
          failure[0] = e;
        }
      });
      caller.join();
      if (failure[0] != null) {
        throw new ExecutionException(failure[0]);
      }
      return calls[0];
    }

    @Override
    public void close() {
      channel.close();
    }
  }

  /** grpc-java's async client with directExecutor: the next call starts from the previous one's callback. */
  private static final class GrpcCaller implements Caller {
    private final ManagedChannel channel;

    GrpcCaller(int port) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor().build();
    }

    @Override
    public long run(Message message, long endNanos, Histogram latencies) throws Exception {
      CompletableFuture<Long> done = new CompletableFuture<>();
      if (message.hello() != null) {
        new Chain<>(GrpcMethods.SAY_HELLO, message.hello(), reply -> isRight(message, reply), endNanos, latencies, done).next();
      } else {
        new Chain<>(Endpoints.GRPC_UNARY, message.payload(), reply -> isRight(message, reply), endNanos, latencies, done).next();
      }
      return done.get(TimeUnit.NANOSECONDS.toSeconds(Math.max(0, endNanos - System.nanoTime())) + 60, TimeUnit.SECONDS);
    }

    private static boolean isRight(Message message, Object reply) {
      try {
        verify(message, reply);
        return true;
      } catch (IllegalStateException e) {
        return false;
      }
    }

    /** One call at a time: each completion records the call and starts the next until the end. */
    private final class Chain<Req, Resp> implements StreamObserver<Resp> {
      private final MethodDescriptor<Req, Resp> method;
      private final Req request;
      private final Predicate<Resp> check;
      private final long endNanos;
      private final Histogram latencies;
      private final CompletableFuture<Long> done;
      private long calls;
      private long start;
      private boolean right;

      Chain(MethodDescriptor<Req, Resp> method, Req request, Predicate<Resp> check, long endNanos,
          Histogram latencies, CompletableFuture<Long> done) {
        this.method = method;
        this.request = request;
        this.check = check;
        this.endNanos = endNanos;
        this.latencies = latencies;
        this.done = done;
      }

      void next() {
        right = false;
        start = System.nanoTime();
        ClientCalls.asyncUnaryCall(channel.newCall(method, CallOptions.DEFAULT), request, this);
      }

      @Override
      public void onNext(Resp reply) {
        right = check.test(reply);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        long end = System.nanoTime();
        if (!right) {
          done.completeExceptionally(new IllegalStateException("wrong answer"));
          return;
        }
        Latencies.record(latencies, end - start);
        calls++;
        if (end - endNanos < 0) {
          next();
        } else {
          done.complete(calls);
        }
      }
    }

    @Override
    public void close() {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
