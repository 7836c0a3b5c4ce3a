package dev.shuttle.bench;

import dev.shuttle.bench.proto.Payload;
import dev.shuttle.bench.streaming.DownloadRequest;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The client half of {@code bin/bench-streaming}: one stack's client on one connection to a
 * {@link StreamingBenchServer}, running each scenario it is given, first as a check of what
 * arrives (sizes, contents, counts, status OK), then as a measurement of messages per second.
 *
 * <p>Shuttle's client runs as its users write it: blocking calls, each stream read by a virtual
 * thread of its own, and bidi's sending on another. grpc-java's runs as its fastest: the async
 * stubs on a {@code directExecutor()} channel, sending only while {@code isReady()} and resuming
 * from {@code onReady}, so neither client buffers what flow control has not made room for.
 *
 * <p>It prints one line per check and per measurement for {@link StreamingBench} to read:
 * {@code check TOKEN ok ...} or {@code check TOKEN failed ...}, then {@code result TOKEN MESSAGES
 * NANOS first=MSms stop=MSms end=MSms} (and {@code note TOKEN ...} lines before it) or
 * {@code failed TOKEN ...}. Exit 0 when every scenario passed, 1 otherwise, 2 on a usage
 * error.
 */
public final class StreamingBenchClient {
  static final String USAGE =
      """
      usage: StreamingBenchClient --impl=shuttle|grpc-java --port=N [--tls-ca=FILE]
                                  [--warmup-millis=N] [--duration-millis=N] SCENARIO... [--help]
      Runs each SCENARIO (KIND:SIZE:CALLS, KIND server-streaming or bidi) against a
      StreamingBenchServer on 127.0.0.1:N: a check of what arrives, then the measurement.""";

  enum Impl {
    SHUTTLE("shuttle"),
    GRPC_JAVA("grpc-java");

    final String flag;

    Impl(String flag) {
      this.flag = flag;
    }
  }

  record Options(Impl impl, int port, Path tlsCa, long warmupMillis, long durationMillis,
      List<StreamScenario> scenarios) {}

  /** Gets the messages of one call, on one thread at a time. */
  interface Receiver {
    void received(Payload message);
  }

  /** A call in progress. */
  interface Call {
    /** Cancels the call; it then ends with CANCELLED. */
    void cancel();

    /** "OK", or the code and description it ended with. */
    CompletableFuture<String> end();
  }

  /** One stack's client, on one connection. */
  interface Stack extends AutoCloseable {
    /** Starts {@code Download}; the receiver gets each message. */
    Call download(DownloadRequest request, Receiver receiver);

    /**
     * Starts {@code Echo}: sends what {@code outgoing} gives, as fast as flow control lets, and
     * half-closes when it gives null; the receiver gets each echo.
     */
    Call echo(Supplier<Payload> outgoing, Receiver receiver);

    /**
     * Ends the downloads started with this stop id: whether the server knew it, or null when the
     * call did not complete within {@code deadline}.
     */
    Boolean stop(long stopId, Duration deadline);

    @Override
    void close();
  }

  private StreamingBenchClient() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("streaming-client: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (options == null) {
      out.println(USAGE);
      return 0;
    }
    boolean allPassed = true;
    try (Stack stack = connect(options, out)) {
      for (StreamScenario scenario : options.scenarios()) {
        String check = check(stack, scenario);
        out.println("check " + scenario.token() + " " + check);
        out.flush();
        if (!check.startsWith("ok")) {
          allPassed = false;
          continue;
        }
        try {
          List<String> notes = new ArrayList<>();
          double[] measured = measure(stack, scenario, options, notes);
          for (String note : notes) {
            out.println("note " + scenario.token() + " " + note);
          }
          // The phases after the numbers are for a person reading along: how long the calls took
          // to deliver their first message, the Stop call took, and the calls then took to end.
          out.printf("result %s %d %d first=%dms stop=%dms end=%dms%n", scenario.token(), (long) measured[0],
              (long) measured[1], (long) measured[2], (long) measured[3], (long) measured[4]);
        } catch (IllegalStateException e) {
          out.println("failed " + scenario.token() + " " + e.getMessage());
          allPassed = false;
        }
        out.flush();
      }
    }
    return allPassed ? 0 : 1;
  }

  static Options parse(String[] args) {
    Impl impl = null;
    Integer port = null;
    Path ca = null;
    long warmup = 1000;
    long duration = 3000;
    List<StreamScenario> scenarios = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("-h") || arg.equals("--help")) {
        return null;
      }
      if (!arg.startsWith("--")) {
        scenarios.add(StreamScenario.parse(arg));
        continue;
      }
      int eq = arg.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(arg + " takes a value: " + arg + "=...");
      }
      String name = arg.substring(0, eq);
      String value = arg.substring(eq + 1);
      try {
        switch (name) {
          case "--impl" -> {
            for (Impl i : Impl.values()) {
              if (i.flag.equals(value)) {
                impl = i;
              }
            }
            if (impl == null) {
              throw new IllegalArgumentException("--impl takes shuttle or grpc-java, not " + value);
            }
          }
          case "--port" -> port = Integer.parseInt(value);
          case "--tls-ca" -> ca = Path.of(value);
          case "--warmup-millis" -> warmup = Long.parseLong(value);
          case "--duration-millis" -> duration = Long.parseLong(value);
          default -> throw new IllegalArgumentException("unknown argument " + arg);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " takes a number, got " + value, e);
      }
    }
    if (impl == null || port == null) {
      throw new IllegalArgumentException("--impl and --port are required");
    }
    if (warmup < 0 || duration <= 0) {
      throw new IllegalArgumentException("--warmup-millis must be >= 0 and --duration-millis positive");
    }
    if (ca != null && !Files.isReadable(ca)) {
      throw new IllegalArgumentException("cannot read " + ca);
    }
    return new Options(impl, port, ca, warmup, duration, List.copyOf(scenarios));
  }

  private static Stack connect(Options options, PrintStream out) throws IOException {
    String transport;
    Stack stack;
    if (options.impl() == Impl.SHUTTLE) {
      transport = options.tlsCa() == null ? "cleartext" : "TLS via " + BenchTls.jdkProvider();
      stack = new ShuttleStreamingStack(options.port(), options.tlsCa());
    } else {
      SslContext tls = options.tlsCa() == null ? null : BenchTls.grpcClientContext(options.tlsCa());
      transport = tls == null ? "cleartext" : "TLS via " + BenchTls.grpcProvider(tls);
      stack = new GrpcStreamingStack(options.port(), tls);
    }
    out.println("client: " + options.impl().flag + ", " + transport);
    out.println("client-jvm: " + jvmShape());
    out.flush();
    return stack;
  }

  /** "1 CPU, GC Copy + MarkSweepCompact": what a pinned JVM chose for itself. */
  static String jvmShape() {
    int cpus = Runtime.getRuntime().availableProcessors();
    return cpus + (cpus == 1 ? " CPU" : " CPUs") + ", GC " + String.join(" + ",
        java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
  }

  // ---- checking and measuring ----

  /** How long a call may take to end once it has been told to. */
  private static final Duration END_WAIT = Duration.ofSeconds(30);

  /** Enough messages to see a stream carry on past its windows, and few enough to be quick. */
  static int checkCount(int size) {
    return (int) Math.max(3, Math.min(100, (4L << 20) / Math.max(1, size)));
  }

  /**
   * Every call of the scenario with a known number of messages: each must carry exactly what was
   * sent, in order, and end with OK.
   */
  static String check(Stack stack, StreamScenario scenario) throws InterruptedException {
    // Many calls at once check the sharing of one connection; each needs fewer messages for that.
    int count = scenario.calls() == 1 ? checkCount(scenario.size()) : Math.max(3, checkCount(scenario.size()) / 10);
    List<Call> calls = new ArrayList<>();
    List<Verifier> verifiers = new ArrayList<>();
    for (int c = 0; c < scenario.calls(); c++) {
      if (scenario.kind() == StreamScenario.Kind.SERVER_STREAMING) {
        Payload expected = StreamScenario.downloadPayload(scenario.size());
        Verifier verifier = new Verifier(n -> expected);
        verifiers.add(verifier);
        calls.add(stack.download(
            DownloadRequest.newBuilder().setSize(scenario.size()).setCount(count).build(), verifier));
      } else {
        int size = scenario.size();
        Verifier verifier = new Verifier(n -> StreamScenario.numbered(size, n));
        verifiers.add(verifier);
        int[] sent = {0};
        // The supplier runs on one sending thread (or grpc-java's serialized callbacks).
        calls.add(stack.echo(() -> sent[0] < count ? StreamScenario.numbered(size, sent[0]++) : null, verifier));
      }
    }
    for (int c = 0; c < calls.size(); c++) {
      String end = await(calls.get(c));
      Verifier v = verifiers.get(c);
      if (!end.equals("OK")) {
        return "failed: call " + c + " ended " + end;
      }
      if (v.problem != null) {
        return "failed: call " + c + ": " + v.problem;
      }
      if (v.received != count) {
        return "failed: call " + c + " got " + v.received + " messages, not " + count;
      }
    }
    return String.format("ok (%d messages of %d B%s, contents as sent, status OK)", count,
        scenario.size(), scenario.calls() == 1 ? "" : " on each of " + scenario.calls() + " calls");
  }

  /** Compares each message with the one expected at its position. */
  private static final class Verifier implements Receiver {
    private final java.util.function.IntFunction<Payload> expected;
    volatile int received;
    volatile String problem;

    Verifier(java.util.function.IntFunction<Payload> expected) {
      this.expected = expected;
    }

    @Override
    public void received(Payload message) {
      int n = received;
      if (problem == null && !message.equals(expected.apply(n))) {
        problem = "message " + n + " (" + message.getBody().size() + " B) is not the one sent";
      }
      received = n + 1;
    }
  }

  /** Counts one call's messages and checks each one's size; written by one thread at a time. */
  private static final class Counter implements Receiver {
    private final int size;
    final CountDownLatch first = new CountDownLatch(1);
    volatile long messages;
    volatile String problem;

    Counter(int size) {
      this.size = size;
    }

    @Override
    public void received(Payload message) {
      if (message.getBody().size() != size && problem == null) {
        problem = "a message of " + message.getBody().size() + " B, not " + size;
      }
      if (messages++ == 0) { // one writer: the call's receiving thread
        first.countDown();
      }
    }
  }

  /**
   * How long the Stop call that ends a measured download may take: 2 to 5 s, twice the measured
   * duration. It takes milliseconds unless something starves it, which the run then notes.
   */
  static Duration stopWait(Options options) {
    return Duration.ofMillis(Math.max(2000, Math.min(5000, 2 * options.durationMillis())));
  }

  /** How long a measurement waits for a message: each call's first, and one in the window. */
  private static final Duration MESSAGE_WAIT = Duration.ofSeconds(30);

  private static final AtomicLong STOP_IDS = new AtomicLong(ProcessHandle.current().pid() << 20);

  /**
   * Starts the scenario's calls with no end of messages, counts from the end of the warm-up for
   * the duration, then ends them: downloads by a Stop call naming their stop id, echoes by the
   * client's half-close. Both must then end OK. Returns {messages, nanoseconds, then milliseconds:
   * to the first message, for the Stop call, from it to the end}.
   */
  static double[] measure(Stack stack, StreamScenario scenario, Options options, List<String> notes)
      throws InterruptedException {
    List<Counter> counters = new ArrayList<>();
    List<Call> calls = new ArrayList<>();
    Payload message = StreamScenario.downloadPayload(scenario.size());
    Stopper stopper = new Stopper();
    long stopId = STOP_IDS.incrementAndGet();
    DownloadRequest download = DownloadRequest.newBuilder()
        .setSize(scenario.size())
        .setCount(Long.MAX_VALUE)
        .setStopId(stopId)
        .build();
    for (int c = 0; c < scenario.calls(); c++) {
      Counter counter = new Counter(scenario.size());
      counters.add(counter);
      if (scenario.kind() == StreamScenario.Kind.SERVER_STREAMING) {
        calls.add(stack.download(download, counter));
      } else {
        calls.add(stack.echo(() -> stopper.stopped ? null : message, counter));
      }
    }
    // The clock starts once every call delivers: how long a stack takes to get going is a
    // latency, not a rate, and would otherwise eat into short runs.
    long started = System.nanoTime();
    long firstDeadline = started + MESSAGE_WAIT.toNanos();
    for (int c = 0; c < counters.size(); c++) {
      long left = firstDeadline - System.nanoTime();
      if (!counters.get(c).first.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        stopper.stopped = true;
        stack.stop(stopId, stopWait(options));
        calls.forEach(Call::cancel);
        throw new IllegalStateException("call " + c + " delivered nothing within " + MESSAGE_WAIT.toSeconds() + " s");
      }
    }
    long firstMillis = (System.nanoTime() - started) / 1_000_000;
    Thread.sleep(options.warmupMillis());
    long before = total(counters);
    long start = System.nanoTime();
    Thread.sleep(options.durationMillis());
    // The window closes no earlier than the duration and not before a message has arrived in it:
    // on a loaded machine either stack can stall longer than a short window, and a stall is part
    // of the rate, not the end of the run.
    long stallDeadline = System.nanoTime() + MESSAGE_WAIT.toNanos();
    while (total(counters) == before && System.nanoTime() - stallDeadline < 0) {
      Thread.sleep(5);
    }
    long after = total(counters);
    long nanos = System.nanoTime() - start;
    boolean endedEarly = calls.stream().anyMatch(c -> c.end().isDone());

    long stopping = System.nanoTime();
    stopper.stopped = true;
    boolean cancelled = false;
    if (scenario.kind() == StreamScenario.Kind.SERVER_STREAMING) {
      Boolean known = stack.stop(stopId, stopWait(options));
      if (known == null) {
        // The numbers are taken; only the ending is late. Say so, and end the calls another way.
        notes.add("the Stop call took over " + stopWait(options).toMillis() + " ms while the downloads ran;"
            + " they were cancelled");
        calls.forEach(Call::cancel);
        cancelled = true;
      } else if (!known) {
        calls.forEach(Call::cancel);
        throw new IllegalStateException("the server did not know the downloads' stop id");
      }
    }
    long stopped = System.nanoTime();
    for (int c = 0; c < calls.size(); c++) {
      String end = await(calls.get(c));
      if (!end.equals("OK") && !(cancelled && end.startsWith("CANCELLED"))) {
        throw new IllegalStateException("call " + c + " ended " + end + " after the measurement, not OK");
      }
      if (counters.get(c).problem != null) {
        throw new IllegalStateException("call " + c + ": " + counters.get(c).problem);
      }
    }
    if (endedEarly) {
      throw new IllegalStateException("a call ended before the measurement did");
    }
    if (after - before <= 0) {
      throw new IllegalStateException("no message arrived within " + MESSAGE_WAIT.toSeconds() + " s of measuring");
    }
    return new double[] {after - before, nanos, firstMillis, (stopped - stopping) / 1_000_000,
        (System.nanoTime() - stopped) / 1_000_000};
  }

  private static final class Stopper {
    volatile boolean stopped;
  }

  private static long total(List<Counter> counters) {
    long sum = 0;
    for (Counter c : counters) {
      sum += c.messages;
    }
    return sum;
  }

  private static String await(Call call) throws InterruptedException {
    try {
      return call.end().get(END_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      call.cancel();
      return "(not ended within " + END_WAIT.toSeconds() + " s)";
    } catch (ExecutionException e) {
      return String.valueOf(e.getCause());
    }
  }
}
