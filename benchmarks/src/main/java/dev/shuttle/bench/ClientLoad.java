package dev.shuttle.bench;

import dev.shuttle.Channel;
import dev.shuttle.bench.helloworld.GreeterClient;
import dev.shuttle.bench.helloworld.HelloReply;
import dev.shuttle.bench.helloworld.HelloRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One client stack making closed-loop unary calls: the client half of {@link ClientBench}, run as
 * a JVM of its own (pinned to the client's CPU) so that each stack is measured alone, with its own
 * JIT and heap.
 *
 * <p>First 16 callers on virtual threads, then 16 on platform threads, call for the warm-up time
 * each, unmeasured. Then for each setting ({@code threads:callers}, e.g. {@code virtual:16}) it
 * starts that many callers on virtual or platform threads, each calling {@code SayHello} in a
 * loop and checking the reply. After the warm-up it prints {@code begin THREADS CALLERS}; after
 * the measured interval (at least 100 calls long) {@code result THREADS CALLERS CALLS NANOS P50
 * P99 P999 MAX CPU SWITCHES} (latencies and CPU in nanoseconds, CPU and context switches being
 * this process's), or {@code failed THREADS CALLERS REASON}.
 */
final class ClientLoad {
  /** The client stacks, as {@code --client} names them. */
  enum Kind {
    SHUTTLE("shuttle", "Shuttle"),
    GRPC_BLOCKING("grpc-blocking", "grpc-java (blocking stub)"),
    GRPC_FUTURE("grpc-future", "grpc-java (future stub, directExecutor)");

    final String flag;
    final String label;

    Kind(String flag, String label) {
      this.flag = flag;
      this.label = label;
    }

    static Kind of(String flag) {
      for (Kind kind : values()) {
        if (kind.flag.equals(flag)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown client " + flag);
    }
  }

  /** A call that blocks its thread until the reply. */
  interface Caller extends AutoCloseable {
    HelloReply call(HelloRequest request) throws Exception;

    @Override
    void close();
  }

  /** grpc-java's side of SayHello, built by hand over the protoc messages. */
  static final MethodDescriptor<HelloRequest, HelloReply> GRPC_SAY_HELLO =
      MethodDescriptor.<HelloRequest, HelloReply>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("helloworld.Greeter", "SayHello"))
          .setRequestMarshaller(ProtoUtils.marshaller(HelloRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(HelloReply.getDefaultInstance()))
          .build();

  static Caller connect(Kind kind, int port) {
    return switch (kind) {
      case SHUTTLE -> {
        Channel channel = Channel.plaintext("127.0.0.1:" + port);
        GreeterClient client = GreeterClient.of(channel);
        yield new Caller() {
          @Override
          public HelloReply call(HelloRequest request) {
            return client.sayHello(request);
          }

          @Override
          public void close() {
            channel.shutdownNow();
          }
        };
      }
      case GRPC_BLOCKING -> {
        // The blocking stub runs the call's callbacks on the caller's thread (a
        // ThreadlessExecutor): the channel's executor plays no part.
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        yield grpcCaller(channel, request ->
            ClientCalls.blockingUnaryCall(channel, GRPC_SAY_HELLO, CallOptions.DEFAULT, request));
      }
      case GRPC_FUTURE -> {
        // directExecutor: the response completes the future on the event loop, no hop to a pool;
        // grpc-java's fastest setting for callers that only wait.
        ManagedChannel channel =
            NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor().build();
        yield grpcCaller(channel, request ->
            ClientCalls.futureUnaryCall(channel.newCall(GRPC_SAY_HELLO, CallOptions.DEFAULT), request).get());
      }
    };
  }

  private interface GrpcCall {
    HelloReply call(HelloRequest request) throws Exception;
  }

  private static Caller grpcCaller(ManagedChannel channel, GrpcCall call) {
    return new Caller() {
      @Override
      public HelloReply call(HelloRequest request) throws Exception {
        return call.call(request);
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
    };
  }

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private ClientLoad() {}

  /**
   * Context switches of every thread of this process so far (Linux; -1 elsewhere): a thread
   * that parks and is woken costs two, which is the cost of a hand-off between threads.
   */
  static long contextSwitches() {
    long sum = 0;
    try (var tasks = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc/self/task"))) {
      for (java.nio.file.Path task : tasks) {
        try {
          for (String line : java.nio.file.Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
              sum += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
          }
        } catch (java.io.IOException e) {
          // a thread that ended meanwhile
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
    return sum;
  }

  public static void main(String[] argv) throws Exception {
    int status;
    try {
      status = run(argv, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("client-load: " + e.getMessage());
      status = 2;
    }
    System.out.flush();
    // Leftover transport threads of either stack must not keep this JVM alive.
    System.exit(status);
  }

  static int run(String[] argv, PrintStream out) throws Exception {
    Args args = Args.parse(argv, Set.of(), Set.of("--port", "--client", "--settings", "--warmup-millis", "--duration-millis"));
    int port = args.intAtLeast("--port", 0, 1);
    Kind kind = Kind.of(args.get("--client", "shuttle"));
    long warmupNanos = TimeUnit.MILLISECONDS.toNanos(args.intAtLeast("--warmup-millis", 2000, 0));
    long durationNanos = TimeUnit.MILLISECONDS.toNanos(args.intAtLeast("--duration-millis", 5000, 1));
    HelloRequest request = HelloRequest.newBuilder().setName(GrpcBench.NAME).build();
    String expected = GreeterServer.greeting(GrpcBench.NAME);
    boolean anyFailed = false;
    try (Caller caller = connect(kind, port)) {
      // Before the first measured setting: both caller kinds, so that what each one runs is
      // compiled and the JIT's threads are quiet by the time anything is measured.
      for (boolean virtual : new boolean[] {true, false}) {
        try {
          new Run(caller, request, expected, virtual, 16).measure(warmupNanos, 0, () -> {});
        } catch (Exception e) {
          out.println("failed " + (virtual ? "virtual" : "platform") + " 16 warm-up: " + String.valueOf(e).replace('\n', ' '));
          return 1;
        }
      }
      for (String setting : args.get("--settings", "virtual:1").split(",")) {
        String[] parts = setting.split(":");
        boolean virtual = parts[0].equals("virtual");
        int callers = Integer.parseInt(parts[1]);
        String what = parts[0] + " " + callers;
        System.gc(); // what the previous setting left on the heap is not this one's to collect
        try {
          Run run = new Run(caller, request, expected, virtual, callers);
          run.measure(warmupNanos, durationNanos, () -> {
            out.println("begin " + what);
            out.flush();
          });
          Histogram h = run.histogram;
          out.printf(Locale.ROOT, "result %s %d %d %d %d %d %d %d %d%n", what, h.getTotalCount(), run.measuredNanos,
              h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(),
              run.cpuNanos, run.switches);
        } catch (Exception e) {
          anyFailed = true;
          out.println("failed " + what + " " + String.valueOf(e).replace('\n', ' '));
        }
        out.flush();
      }
    }
    return anyFailed ? 1 : 0;
  }

  /** One setting: its callers, and what they measured. */
  private static final class Run {
    private static final int WARMUP = 0;
    private static final int MEASURING = 1;
    private static final int STOPPED = 2;
    private static final int MIN_CALLS = 100;

    private final Caller caller;
    private final HelloRequest request;
    private final String expected;
    private final boolean virtual;
    private final int callers;
    private volatile int phase = WARMUP;
    private volatile Exception failure;
    /** Calls recorded so far, so that a measurement goes on until it has a few. */
    private final java.util.concurrent.atomic.LongAdder recorded = new java.util.concurrent.atomic.LongAdder();
    final Histogram histogram = newHistogram();
    long measuredNanos;
    long cpuNanos;
    long switches;

    Run(Caller caller, HelloRequest request, String expected, boolean virtual, int callers) {
      this.caller = caller;
      this.request = request;
      this.expected = expected;
      this.virtual = virtual;
      this.callers = callers;
    }

    /** Nanoseconds, up to a minute, three significant digits. */
    static Histogram newHistogram() {
      return new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    }

    void measure(long warmupNanos, long durationNanos, Runnable onBegin) throws Exception {
      List<Thread> threads = new ArrayList<>();
      List<Histogram> histograms = new ArrayList<>();
      Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon();
      for (int i = 0; i < callers; i++) {
        Histogram own = newHistogram();
        histograms.add(own);
        threads.add(builder.name("caller-" + i).start(() -> loop(own)));
      }
      sleepUnlessFailed(warmupNanos);
      long cpuStart = OS.getProcessCpuTime();
      long switchesStart = contextSwitches();
      long start = System.nanoTime();
      phase = MEASURING;
      onBegin.run();
      sleepUnlessFailed(durationNanos);
      // A machine busy with other work can stall the callers for longer than a short (smoke)
      // interval: a few calls more make a measurement that means something.
      long cap = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (durationNanos > 0 && recorded.sum() < MIN_CALLS && failure == null && System.nanoTime() - cap < 0) {
        sleepUnlessFailed(TimeUnit.MILLISECONDS.toNanos(10));
      }
      phase = STOPPED;
      measuredNanos = System.nanoTime() - start;
      cpuNanos = OS.getProcessCpuTime() - cpuStart;
      switches = contextSwitches() - switchesStart;
      for (Thread t : threads) {
        if (!t.join(java.time.Duration.ofSeconds(30))) {
          throw new IllegalStateException("a caller is stuck in a call");
        }
      }
      if (failure != null) {
        throw failure;
      }
      for (Histogram own : histograms) {
        histogram.add(own);
      }
    }

    private void sleepUnlessFailed(long nanos) throws InterruptedException {
      long end = System.nanoTime() + nanos;
      long left;
      while (failure == null && (left = end - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      }
    }

    private void loop(Histogram own) {
      try {
        int p;
        while ((p = phase) != STOPPED && failure == null) {
          long start = System.nanoTime();
          HelloReply reply = caller.call(request);
          long elapsed = System.nanoTime() - start;
          if (!reply.getMessage().equals(expected)) {
            throw new IllegalStateException("wrong reply");
          }
          if (p == MEASURING && phase == MEASURING) {
            own.recordValue(Math.min(elapsed, own.getHighestTrackableValue()));
            recorded.increment();
          }
        }
      } catch (Exception e) {
        failure = e;
        phase = STOPPED;
      }
    }
  }
}
