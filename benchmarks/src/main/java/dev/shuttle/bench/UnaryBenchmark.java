package dev.shuttle.bench;

import com.google.protobuf.ByteString;
import dev.shuttle.bench.Endpoints.ClientKind;
import dev.shuttle.bench.Endpoints.EchoClient;
import dev.shuttle.bench.Endpoints.EchoServer;
import dev.shuttle.bench.Endpoints.ServerKind;
import dev.shuttle.bench.Measure.Latency;
import dev.shuttle.bench.Measure.Throughput;
import dev.shuttle.bench.proto.Payload;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Shuttle against grpc-java on unary echo calls, in one run, printing tables with ratios.
 *
 * <p>Client and server of a pair share this JVM (no second process to start or to coordinate),
 * talking over loopback TCP. Pairs run one at a time, each with a fresh server on its own port,
 * with a GC before every measurement. Progress goes to stderr, the tables to stdout.
 *
 * <p>Usage: {@code UnaryBenchmark [--duration-seconds N] [--warmup-seconds N]
 * [--latency-calls N] [--only shuttle|grpc] [--no-cross] [--interceptors]}
 */
public final class UnaryBenchmark {
  private static final int[] SIZES = {16, 16 * 1024};
  private static final int[] CONCURRENCY = {1, 16, 64};
  /** Concurrency of the untimed warmup each pair gets before its first measurement. */
  private static final int PAIR_WARMUP_CONCURRENCY = 16;

  record Pair(ClientKind client, ServerKind server) {
    String label() {
      return client.label + " -> " + server.label;
    }
  }

  private static final Pair SHUTTLE = new Pair(ClientKind.SHUTTLE, ServerKind.SHUTTLE);
  private static final Pair GRPC_DEFAULT = new Pair(ClientKind.GRPC, ServerKind.GRPC_DEFAULT_EXECUTOR);
  private static final Pair GRPC_DIRECT = new Pair(ClientKind.GRPC, ServerKind.GRPC_DIRECT_EXECUTOR);
  private static final Pair SHUTTLE_TO_GRPC = new Pair(ClientKind.SHUTTLE, ServerKind.GRPC_DEFAULT_EXECUTOR);
  private static final Pair GRPC_TO_SHUTTLE = new Pair(ClientKind.GRPC, ServerKind.SHUTTLE);
  private static final Pair SHUTTLE_INTERCEPTED =
      new Pair(ClientKind.SHUTTLE_INTERCEPTED, ServerKind.SHUTTLE_INTERCEPTED);

  record Options(
      double durationSeconds, double warmupSeconds, int latencyCalls, String only, boolean cross, boolean interceptors) {}

  private final Options options;
  private final PrintStream progress = System.err;
  // Keyed by pair, then payload size (and concurrency); a missing entry is a failed run.
  private final Map<Pair, Map<Integer, Latency>> latencies = new LinkedHashMap<>();
  private final Map<Pair, Map<Integer, Map<Integer, Throughput>>> throughputs = new LinkedHashMap<>();
  private boolean anyFailed;

  private UnaryBenchmark(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(usage());
      return;
    }
    UnaryBenchmark bench = new UnaryBenchmark(options);
    bench.run();
    bench.print(System.out);
    // Leftover transport threads of either stack must not keep the JVM alive after the report.
    System.exit(bench.anyFailed ? 1 : 0);
  }

  private static String usage() {
    return """
        usage: bench-unary [--duration-seconds N] [--warmup-seconds N] [--latency-calls N]
                           [--only shuttle|grpc] [--no-cross] [--interceptors]
          --duration-seconds N  measured interval of each throughput run (default 2)
          --warmup-seconds N    untimed calls before each measurement (default 1)
          --latency-calls N     timed sequential calls per latency run (default 5000)
          --only shuttle|grpc   run only Shuttle -> Shuttle, or only the grpc-java pairs
          --no-cross            skip the cross pairs (Shuttle -> grpc-java, grpc-java -> Shuttle)
          --interceptors        also run Shuttle -> Shuttle with one pass-through interceptor on
                                each side, to show what the interceptor path costs per call""";
  }

  static Options parse(String[] argv) {
    Args args = Args.parse(argv, Set.of("--help", "--no-cross", "--interceptors"),
        Set.of("--duration-seconds", "--warmup-seconds", "--latency-calls", "--only"));
    if (args.has("--help")) {
      return null;
    }
    String only = args.get("--only", null);
    if (only != null && !only.equals("shuttle") && !only.equals("grpc")) {
      throw new IllegalArgumentException("--only takes shuttle or grpc, not " + only);
    }
    return new Options(positive("--duration-seconds", args.get("--duration-seconds", "2")),
        nonNegative("--warmup-seconds", args.get("--warmup-seconds", "1")),
        args.intAtLeast("--latency-calls", 5000, 1), only, !args.has("--no-cross"), args.has("--interceptors"));
  }

  private static double positive(String name, String value) {
    double d = nonNegative(name, value);
    if (d <= 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return d;
  }

  private static double nonNegative(String name, String value) {
    try {
      double d = Double.parseDouble(value);
      if (!(d >= 0) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(name + " must be a finite number >= 0: " + value);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number: " + value, e);
    }
  }

  private List<Pair> pairs() {
    List<Pair> pairs = new ArrayList<>();
    if (!"grpc".equals(options.only())) {
      pairs.add(SHUTTLE);
      if (options.interceptors()) {
        pairs.add(SHUTTLE_INTERCEPTED);
      }
    }
    if (!"shuttle".equals(options.only())) {
      pairs.add(GRPC_DEFAULT);
      pairs.add(GRPC_DIRECT);
    }
    if (options.only() == null && options.cross()) {
      pairs.add(SHUTTLE_TO_GRPC);
      pairs.add(GRPC_TO_SHUTTLE);
    }
    return pairs;
  }

  private void run() throws InterruptedException {
    long warmupNanos = (long) (options.warmupSeconds() * 1e9);
    long durationNanos = (long) (options.durationSeconds() * 1e9);
    for (Pair pair : pairs()) {
      latencies.put(pair, new LinkedHashMap<>());
      throughputs.put(pair, new LinkedHashMap<>());
      quiesce();
      progress.printf("== %s%n", pair.label());
      try (EchoServer server = pair.server().start();
          EchoClient client = pair.client().connect(server.port())) {
        // The first pair otherwise pays for class loading and most JIT compilation in its first
        // measurement; every pair gets the same untimed run at each size first.
        for (int size : SIZES) {
          progress.printf("  warmup %s%n", sizeLabel(size));
          Measure.throughput(client, payload(size), PAIR_WARMUP_CONCURRENCY, warmupNanos, 100_000_000L);
        }
        for (int size : SIZES) {
          Payload request = payload(size);
          quiesce();
          progress.printf("  latency %s, %d calls%n", sizeLabel(size), options.latencyCalls());
          Latency latency = Measure.latency(client, request, warmupNanos, options.latencyCalls());
          latencies.get(pair).put(size, latency);
          progress.printf(
              Locale.ROOT, "    mean %.1f us, p50 %.1f us, p99 %.1f us%n",
              latency.meanMicros(), latency.p50Micros(), latency.p99Micros());
          Map<Integer, Throughput> bySize = new LinkedHashMap<>();
          throughputs.get(pair).put(size, bySize);
          for (int concurrency : CONCURRENCY) {
            quiesce();
            progress.printf("  throughput %s, concurrency %d%n", sizeLabel(size), concurrency);
            Throughput t = Measure.throughput(client, request, concurrency, warmupNanos, durationNanos);
            bySize.put(concurrency, t);
            progress.printf(
                Locale.ROOT, "    %.0f calls/s, %.1f us CPU/call, %.1f KiB/call%n",
                t.callsPerSecond(), t.cpuMicrosPerCall(), t.allocKibPerCall());
          }
        }
      } catch (Exception e) {
        // One broken pair must not cost the others' numbers; its cells print as "failed".
        anyFailed = true;
        progress.printf("  FAILED: %s%n", e);
        e.printStackTrace(progress);
      }
    }
  }

  /** Garbage of the previous run collected now, rather than by a pause inside the next one. */
  private static void quiesce() throws InterruptedException {
    System.gc();
    Thread.sleep(100);
  }

  private static Payload payload(int size) {
    byte[] body = new byte[size];
    // Random bytes: no stage of either stack can profit from a compressible body.
    new Random(size).nextBytes(body);
    return Payload.newBuilder().setBody(ByteString.copyFrom(body)).build();
  }

  private static String sizeLabel(int size) {
    return size >= 1024 ? size / 1024 + " KiB" : size + " B";
  }

  // ---- report ----

  private void print(PrintStream out) {
    out.println();
    out.printf(
        Locale.ROOT,
        "Shuttle vs grpc-java %s, unary echo over loopback, client and server in one JVM (%s, %d cores)%n",
        grpcVersion(), Runtime.version(), Runtime.getRuntime().availableProcessors());
    out.printf(
        Locale.ROOT,
        "warmup %.1f s per measurement (plus %.1f s per size per pair), throughput measured over %.1f s, "
            + "latency over %d calls%n",
        options.warmupSeconds(), options.warmupSeconds(), options.durationSeconds(), options.latencyCalls());
    out.println(
        "callers: virtual threads for both clients (grpc-java: blocking calls, ClientCalls.blockingUnaryCall);"
            + " one channel/connection per pair");
    out.println("servers: Shuttle default (virtual thread per call); grpc-java Netty, default executor and directExecutor");
    out.println("pairs ran one at a time, in the order listed, each with a fresh server on its own port");
    out.println("every ratio is oriented so that >1 means Shuttle is better; n/a when a side was not run");
    for (int size : SIZES) {
      printLatency(out, size);
      printThroughput(out, size);
      printCost(out, size);
    }
  }

  private void printLatency(PrintStream out, int size) {
    out.printf(
        "%n== Sequential latency, %s payload: microseconds per call, lower is better;"
            + " ratio = grpc-java / Shuttle ==%n",
        sizeLabel(size));
    Table table = new Table(List.of("mean", "p50", "p99"));
    List<Function<Latency, Double>> columns =
        List.of(Latency::meanMicros, Latency::p50Micros, Latency::p99Micros);
    for (Pair pair : latencies.keySet()) {
      Latency l = latencies.get(pair).get(size);
      table.row(pair.label(), columns.stream().map(c -> l == null ? "failed" : fmt(c.apply(l), 1)).toList());
    }
    for (Pair baseline : List.of(GRPC_DEFAULT, GRPC_DIRECT)) {
      table.row(
          ratioLabel(baseline),
          columns.stream().map(c -> ratio(latency(baseline, size, c), latency(SHUTTLE, size, c))).toList());
    }
    table.print(out);
  }

  private void printThroughput(PrintStream out, int size) {
    out.printf(
        "%n== Throughput, %s payload: calls per second, higher is better;"
            + " ratio = Shuttle / grpc-java ==%n",
        sizeLabel(size));
    Table table = new Table(concurrencyHeaders(""));
    for (Pair pair : throughputs.keySet()) {
      List<String> cells = new ArrayList<>();
      for (int c : CONCURRENCY) {
        Double v = throughput(pair, size, c, Throughput::callsPerSecond);
        cells.add(v == null ? "failed" : fmt(v, 0));
      }
      table.row(pair.label(), cells);
    }
    for (Pair baseline : List.of(GRPC_DEFAULT, GRPC_DIRECT)) {
      List<String> cells = new ArrayList<>();
      for (int c : CONCURRENCY) {
        cells.add(
            ratio(throughput(SHUTTLE, size, c, Throughput::callsPerSecond),
                throughput(baseline, size, c, Throughput::callsPerSecond)));
      }
      table.row(ratioLabel(baseline), cells);
    }
    table.print(out);
  }

  private void printCost(PrintStream out, int size) {
    out.printf(
        "%n== Cost per call in the throughput runs, %s payload: process CPU microseconds and KiB allocated,"
            + " client and server together, lower is better; ratio = grpc-java / Shuttle ==%n",
        sizeLabel(size));
    List<String> headers = new ArrayList<>(concurrencyHeaders("cpu "));
    headers.addAll(concurrencyHeaders("KiB "));
    Table table = new Table(headers);
    List<Function<Throughput, Double>> metrics = List.of(Throughput::cpuMicrosPerCall, Throughput::allocKibPerCall);
    for (Pair pair : throughputs.keySet()) {
      List<String> cells = new ArrayList<>();
      for (Function<Throughput, Double> metric : metrics) {
        for (int c : CONCURRENCY) {
          Double v = throughput(pair, size, c, metric);
          cells.add(v == null ? "failed" : fmt(v, 1));
        }
      }
      table.row(pair.label(), cells);
    }
    for (Pair baseline : List.of(GRPC_DEFAULT, GRPC_DIRECT)) {
      List<String> cells = new ArrayList<>();
      for (Function<Throughput, Double> metric : metrics) {
        for (int c : CONCURRENCY) {
          cells.add(ratio(throughput(baseline, size, c, metric), throughput(SHUTTLE, size, c, metric)));
        }
      }
      table.row(ratioLabel(baseline), cells);
    }
    table.print(out);
  }

  private static List<String> concurrencyHeaders(String prefix) {
    List<String> headers = new ArrayList<>();
    for (int c : CONCURRENCY) {
      headers.add(prefix + "c=" + c);
    }
    return headers;
  }

  private static String ratioLabel(Pair baseline) {
    return "ratio vs " + baseline.server().label;
  }

  private Double latency(Pair pair, int size, Function<Latency, Double> metric) {
    Map<Integer, Latency> bySize = latencies.get(pair);
    Latency l = bySize == null ? null : bySize.get(size);
    return l == null ? null : metric.apply(l);
  }

  private Double throughput(Pair pair, int size, int concurrency, Function<Throughput, Double> metric) {
    Map<Integer, Map<Integer, Throughput>> bySize = throughputs.get(pair);
    Map<Integer, Throughput> byConcurrency = bySize == null ? null : bySize.get(size);
    Throughput t = byConcurrency == null ? null : byConcurrency.get(concurrency);
    return t == null ? null : metric.apply(t);
  }

  private static String ratio(Double numerator, Double denominator) {
    if (numerator == null || denominator == null || denominator == 0) {
      return "n/a";
    }
    return fmt(numerator / denominator, 2) + "x";
  }

  private static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String grpcVersion() {
    String v = io.grpc.ManagedChannel.class.getPackage().getImplementationVersion();
    return v == null ? "" : v;
  }

  /** Left-aligned first column, right-aligned numbers, widths fitted to the content. */
  private static final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    Table(List<String> headers) {
      this.headers = List.copyOf(headers);
    }

    void row(String label, List<String> cells) {
      List<String> row = new ArrayList<>();
      row.add(label);
      row.addAll(cells);
      rows.add(row);
    }

    void print(PrintStream out) {
      List<String> head = new ArrayList<>();
      head.add("pair");
      head.addAll(headers);
      int[] widths = new int[head.size()];
      for (List<String> row : concat(head)) {
        for (int i = 0; i < row.size(); i++) {
          widths[i] = Math.max(widths[i], row.get(i).length());
        }
      }
      for (List<String> row : concat(head)) {
        StringBuilder line = new StringBuilder();
        line.append(String.format("%-" + widths[0] + "s", row.get(0)));
        for (int i = 1; i < row.size(); i++) {
          line.append(String.format("  %" + Math.max(widths[i], 8) + "s", row.get(i)));
        }
        out.println(line);
      }
    }

    private List<List<String>> concat(List<String> head) {
      List<List<String>> all = new ArrayList<>();
      all.add(head);
      all.addAll(rows);
      return all;
    }
  }
}
