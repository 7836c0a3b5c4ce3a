package dev.shuttle.bench;

import dev.shuttle.bench.helloworld.HelloReply;
import dev.shuttle.bench.helloworld.HelloRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load client of {@code bin/bench-latency}: the same client drives every server, so only the
 * server differs between rows. It runs as a JVM of its own (pinned to a CPU of its own by
 * {@link LatencyBench}) and takes commands on stdin, answering each with one line on stdout:
 *
 * <pre>
 * check                                    one verified SayHello on every connection
 * closed OUTSTANDING WARMUP_MS DURATION_MS closed loop: OUTSTANDING calls in flight per connection
 * open RATE WARMUP_MS DURATION_MS          open loop: RATE calls/s started on a fixed schedule
 * </pre>
 *
 * <p>It is a minimal HTTP/2 client in the manner of h2load ({@link H2Connection}): one thread,
 * every connection on one selector, requests as pre-encoded frames, each response still checked
 * in full. A gRPC stack would be the bottleneck instead of the server: grpc-java's async Netty
 * client with {@code directExecutor()}, on one CPU, reached well under half of the rate h2load
 * reaches against Shuttle's server on the same machine, where this client reaches about h2load's. With {@code --spin} the thread polls
 * the selector instead of sleeping in it, so it neither starts a scheduled call late nor picks a
 * response up late (the selector's own timeout has millisecond granularity); that is for a client
 * with a CPU to itself.
 *
 * <p>Open loop: call {@code i} is due at {@code start + i / RATE}, round-robin over the
 * connections, whatever happened to the calls before it, and its latency is measured from when it
 * was due, not from when it was sent: a server that stalls is charged for every call that queued
 * behind the stall (no coordinated omission). At most {@value #MAX_IN_FLIGHT} calls are in flight;
 * a call that could not be sent before the run ended counts as {@code unsent}, and the time it
 * waited (a lower bound of its latency) is recorded. The answer also gives the client's own lag,
 * how late it handed the measured calls to their connections (p99 and max): small when the
 * client kept to its schedule; it grows when the client's CPU is short or the in-flight limit
 * holds calls back.
 */
final class LoadClient implements AutoCloseable {
  static final String PATH = "/helloworld.Greeter/SayHello";

  /** Open loop: calls in flight at most; past it the schedule waits (and is charged for it). */
  static final int MAX_IN_FLIGHT = 4096;

  /** How long calls still in flight at the end of a run may take before they count as errors. */
  private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Selector selector;
  private final List<H2Connection> connections = new ArrayList<>();
  private final boolean spin;
  private Run run;
  /** Set when a run ended with calls still out: their answers would land in the next run. */
  private String broken;

  LoadClient(int port, int connectionCount, boolean spin) throws IOException {
    this.spin = spin;
    selector = Selector.open();
    byte[] request = GrpcBench.grpcFrame(HelloRequest.newBuilder().setName(GrpcBench.NAME).build().toByteArray());
    byte[] response = GrpcBench.grpcFrame(
        HelloReply.newBuilder().setMessage(GreeterServer.greeting(GrpcBench.NAME)).build().toByteArray());
    try {
      for (int i = 0; i < connectionCount; i++) {
        int index = i;
        connections.add(new H2Connection(selector, port, PATH, request, response,
            (tag, ok) -> run.done(index, tag, ok)));
      }
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  public static void main(String[] args) throws Exception {
    int port = -1;
    int connections = 4;
    boolean spin = false;
    for (String arg : args) {
      if (arg.startsWith("--port=")) {
        port = Integer.parseInt(arg.substring("--port=".length()));
      } else if (arg.startsWith("--connections=")) {
        connections = Integer.parseInt(arg.substring("--connections=".length()));
      } else if (arg.equals("--spin")) {
        spin = true;
      } else {
        System.err.println("load-client: unknown argument " + arg);
        System.exit(2);
      }
    }
    if (port <= 0 || connections <= 0) {
      System.err.println("usage: LoadClient --port=N [--connections=N] [--spin]");
      System.exit(2);
    }
    try (LoadClient client = new LoadClient(port, connections, spin)) {
      commandLoop(client, System.out);
    }
  }

  /** Answers commands until stdin ends; a failed command answers {@code error ...} and the loop goes on. */
  private static void commandLoop(LoadClient client, PrintStream out) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      String answer;
      try {
        answer = JvmProcess.RESULT + client.execute(line.strip().split("\\s+"));
      } catch (IOException | RuntimeException e) {
        answer = JvmProcess.ERROR + e.getMessage();
        e.printStackTrace();
      }
      out.println(answer.replace('\n', ' '));
      out.flush();
    }
  }

  /** Runs one command line, split into words, and returns its answer (without the {@code result } prefix). */
  String execute(String[] command) throws IOException {
    if (broken != null) {
      throw new IOException("the client is unusable: " + broken);
    }
    Run r = switch (command[0]) {
      case "check" -> new Check();
      case "closed" -> new ClosedLoop(Integer.parseInt(command[1]), millis(command[2]), millis(command[3]));
      case "open" -> new OpenLoop(Double.parseDouble(command[1]), millis(command[2]), millis(command[3]));
      default -> throw new IllegalArgumentException("unknown command " + command[0]);
    };
    return drive(r);
  }

  private static long millis(String value) {
    return TimeUnit.MILLISECONDS.toNanos(Long.parseLong(value));
  }

  /** One measurement, driven by {@link #drive} on this one thread. */
  private abstract static class Run {
    /** Called every time round the loop: start what is due. */
    abstract void tick(long now);

    /** A call on connection {@code connection} ended. */
    abstract void done(int connection, long tag, boolean ok);

    /** When the loop must look again at the latest, if nothing arrives (for a sleeping selector). */
    abstract long wakeAt(long now);

    /** The answer once the run is over, else null. */
    abstract String result();

    /** The longest the run may take. */
    abstract long timeoutNanos();
  }

  /** The loop: tick, flush every connection, then handle whatever the sockets have. */
  private String drive(Run r) throws IOException {
    run = r;
    long deadline = System.nanoTime() + r.timeoutNanos();
    while (true) {
      long now = System.nanoTime();
      r.tick(now);
      String result = r.result();
      if (result != null) {
        return result;
      }
      if (now - deadline > 0) {
        broken = "a run did not end within " + TimeUnit.NANOSECONDS.toSeconds(r.timeoutNanos()) + " s";
        throw new IOException(broken);
      }
      for (int i = 0; i < connections.size(); i++) {
        H2Connection c = connections.get(i);
        c.flush();
        if (c.failure() != null) {
          broken = "connection " + i + ": " + c.failure();
          throw new IOException(broken);
        }
      }
      // The Consumer forms of select allocate nothing per round, unlike iterating selectedKeys.
      if (spin) {
        selector.selectNow(LoadClient::handle);
      } else {
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(r.wakeAt(now) - now));
        selector.select(LoadClient::handle, Math.min(millis, 100));
      }
    }
  }

  private static void handle(SelectionKey key) {
    H2Connection c = (H2Connection) key.attachment();
    if (key.isValid() && key.isReadable()) {
      c.onReadable();
    }
    if (key.isValid() && key.isWritable()) {
      c.flush();
    }
  }

  /** Waits for every connection's SETTINGS, then makes one call on each; all must succeed. */
  private final class Check extends Run {
    private boolean started;
    private int pending;
    private int failed;

    @Override
    void tick(long now) {
      if (!started && connections.stream().allMatch(H2Connection::ready)) {
        started = true;
        pending = connections.size();
        for (H2Connection c : connections) {
          c.start(now);
        }
      }
    }

    @Override
    void done(int connection, long tag, boolean ok) {
      pending--;
      if (!ok) {
        failed++;
      }
    }

    @Override
    long wakeAt(long now) {
      return now + TimeUnit.MILLISECONDS.toNanos(10);
    }

    @Override
    String result() {
      if (!started || pending > 0) {
        return null;
      }
      return failed == 0
          ? "ok (grpc-status 0, name echoed)"
          : "failed: " + failed + " of " + connections.size() + " calls without grpc-status 0 and the greeting";
    }

    @Override
    long timeoutNanos() {
      return TimeUnit.SECONDS.toNanos(30);
    }
  }

  /**
   * Each connection keeps its number of calls in flight; every completion starts the next call.
   * Counted and recorded: calls that complete inside the measured window, latency from their start.
   */
  private final class ClosedLoop extends Run {
    private final int perConnection;
    private final long warmupNanos;
    private final long durationNanos;
    private final Histogram latencies = Latencies.newHistogram();
    private boolean started;
    private long windowStart;
    private long windowEnd;
    private long completed;
    private long errors;
    private int inFlight;

    ClosedLoop(int perConnection, long warmupNanos, long durationNanos) {
      this.perConnection = perConnection;
      this.warmupNanos = warmupNanos;
      this.durationNanos = durationNanos;
    }

    @Override
    void tick(long now) {
      if (!started) {
        started = true;
        windowStart = now + warmupNanos;
        windowEnd = windowStart + durationNanos;
        for (H2Connection c : connections) {
          for (int i = 0; i < perConnection; i++) {
            inFlight++;
            c.start(now);
          }
        }
      }
    }

    @Override
    void done(int connection, long start, boolean ok) {
      long now = System.nanoTime();
      inFlight--;
      if (!ok) {
        errors++;
      } else if (now - windowStart >= 0 && now - windowEnd < 0) {
        completed++;
        Latencies.record(latencies, now - start);
      }
      if (now - windowEnd < 0) {
        inFlight++;
        connections.get(connection).start(now);
      }
    }

    @Override
    long wakeAt(long now) {
      return started ? windowEnd : now;
    }

    @Override
    String result() {
      if (!started || inFlight > 0) {
        return null;
      }
      return String.format(Locale.ROOT, "rate=%.1f errors=%d %s",
          completed / (durationNanos / 1e9), errors, Latencies.of(latencies).fields());
    }

    @Override
    long timeoutNanos() {
      return warmupNanos + durationNanos + DRAIN_NANOS;
    }
  }

  /**
   * Calls on a fixed schedule: every time round the loop, the calls now due are started. Recorded:
   * calls due inside the measured window, latency from when they were due; counted as achieved:
   * calls that completed inside the window.
   */
  private final class OpenLoop extends Run {
    private final double rate;
    private final double periodNanos;
    private final long warmupNanos;
    private final long durationNanos;
    private final long total;
    private final Histogram latencies = Latencies.newHistogram();
    /** How late each measured call was handed to its connection: the client's own delay. */
    private final Histogram lag = Latencies.newHistogram();
    private boolean started;
    private long start;
    private long windowStart;
    private long windowEnd;
    private long next;
    private int inFlight;
    private boolean stopped;
    private long stoppedAt;
    private String result;
    private long completedInWindow;
    private long errors;
    private long unsent;

    OpenLoop(double rate, long warmupNanos, long durationNanos) {
      if (!(rate > 0)) {
        throw new IllegalArgumentException("the rate must be positive, got " + rate);
      }
      this.rate = rate;
      this.periodNanos = 1e9 / rate;
      this.warmupNanos = warmupNanos;
      this.durationNanos = durationNanos;
      this.total = (long) Math.ceil((warmupNanos + durationNanos) / periodNanos);
    }

    private long due(long i) {
      return start + (long) (i * periodNanos);
    }

    @Override
    void tick(long now) {
      if (!started) {
        started = true;
        start = now;
        windowStart = start + warmupNanos;
        windowEnd = windowStart + durationNanos;
      }
      if (stopped) {
        if (result == null && now - stoppedAt > DRAIN_NANOS) {
          errors += inFlight;
          broken = inFlight + " calls still unanswered " + TimeUnit.NANOSECONDS.toSeconds(DRAIN_NANOS)
              + " s after an open-loop run";
          finish();
        }
        return;
      }
      while (next < total && inFlight < MAX_IN_FLIGHT && due(next) - now <= 0) {
        long due = due(next);
        inFlight++;
        connections.get((int) (next % connections.size())).start(due);
        if (due - windowStart >= 0) {
          Latencies.record(lag, now - due);
        }
        next++;
      }
      if (next < total && now - windowEnd >= 0) {
        // The schedule fell behind for good (MAX_IN_FLIGHT reached): what was never sent is
        // charged the time it has waited so far.
        for (long i = next; i < total; i++) {
          long due = due(i);
          if (due - windowStart >= 0) {
            unsent++;
            Latencies.record(latencies, now - due);
          }
        }
        next = total;
      }
      if (next == total) {
        stopped = true;
        stoppedAt = now;
        if (inFlight == 0) {
          finish();
        }
      }
    }

    @Override
    void done(int connection, long due, boolean ok) {
      long now = System.nanoTime();
      inFlight--;
      if (!ok) {
        errors++;
      } else {
        if (now - windowStart >= 0 && now - windowEnd < 0) {
          completedInWindow++;
        }
        if (due - windowStart >= 0) {
          Latencies.record(latencies, now - due);
        }
      }
      if (stopped && inFlight == 0 && result == null) {
        finish();
      }
    }

    private void finish() {
      Latencies late = Latencies.of(lag);
      result = String.format(Locale.ROOT, "offered=%.1f achieved=%.1f errors=%d unsent=%d lag99=%.1f lagmax=%.1f %s",
          rate, completedInWindow / (durationNanos / 1e9), errors, unsent, late.p99(), late.max(),
          Latencies.of(latencies).fields());
    }

    @Override
    long wakeAt(long now) {
      return !started || stopped ? now + TimeUnit.MILLISECONDS.toNanos(10) : due(next);
    }

    @Override
    String result() {
      return result;
    }

    @Override
    long timeoutNanos() {
      return warmupNanos + durationNanos + 2 * DRAIN_NANOS;
    }
  }

  @Override
  public void close() {
    for (H2Connection c : connections) {
      c.close();
    }
    try {
      selector.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
