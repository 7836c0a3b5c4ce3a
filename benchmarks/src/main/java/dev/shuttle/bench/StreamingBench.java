package dev.shuttle.bench;

import dev.shuttle.bench.GreeterServer.Impl;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streaming throughput, Shuttle against grpc-java: messages per second and MB per second on one
 * server-streaming call and one bidi call at each message size, and on many server-streaming calls
 * at once on one connection.
 *
 * <p>Each pair is a {@link StreamingBenchServer} JVM pinned to CPU 0 and a
 * {@link StreamingBenchClient} JVM pinned to CPU 1, both with the same JVM flags. The pairs are
 * Shuttle to Shuttle, grpc-java to grpc-java with each server executor, and two cross pairs that
 * swap one side, so a gap can be traced to the client or the server. Every scenario is first
 * checked (counts, sizes and contents of what arrives, status OK) and only then measured.
 *
 * <p>Usage: see {@link #USAGE}. Progress goes to stderr, the table to stdout; exit 1 if any check
 * or run failed, 2 on a usage error, 3 when a needed tool is missing.
 */
public final class StreamingBench {
  static final List<Integer> DEFAULT_SIZES = List.of(16, 1024, 64 * 1024, 1024 * 1024);
  static final int DEFAULT_STREAMS = 100;
  /** The message size of the many-calls scenario: small, so the per-message work shows. */
  static final int MANY_STREAMS_SIZE = 1024;

  static final String USAGE =
      """
      usage: bench-streaming [--duration-seconds N] [--warmup-seconds N] [--smoke] [--tls]
                             [--sizes LIST] [--streams N] [--pairs LIST] [--no-cross]
                             [--results FILE] [--help]
      Streaming throughput: messages/s and MB/s of message bodies on one server-streaming call
      (Download) and one pipelined bidi call (Echo) per message size, and on N server-streaming calls
      of 1 KiB messages at once on one connection. Each server JVM is pinned to CPU 0 and each client
      JVM to CPU 1. Pairs (client -> server): Shuttle -> Shuttle; grpc-java -> grpc-java, default
      executor and directExecutor; and the cross pairs Shuttle -> grpc-java (directExecutor) and
      grpc-java -> Shuttle. Needs taskset on a machine with two or more CPUs.
        --duration-seconds N  measured seconds per scenario (default 3)
        --warmup-seconds N    seconds of the same call before measuring (default 3; 0: none)
        --smoke               0.1 s warm-up and 0.4 s per scenario, no cross pairs: checks everything runs
        --tls                 everything over TLS, with a self-signed certificate made for the run
        --sizes LIST          message body sizes in bytes, comma-separated (default 16,1024,65536,1048576)
        --streams N           concurrent calls of the many-calls scenario (default 100; 0: skip it)
        --pairs LIST          the pairs to run, comma-separated, of shuttle, grpc-default, grpc-direct,
                              cross-client (Shuttle -> grpc-java), cross-server (grpc-java -> Shuttle);
                              default all of them (with --smoke: the first three)
        --no-cross            leave out the cross pairs (as bench-unary's --no-cross)
        --results FILE        also append the numbers to FILE for bin/bench-report""";

  /** Which client drives which server; the first three are the comparison, the last two cross. */
  enum Pair {
    SHUTTLE("shuttle", StreamingBenchClient.Impl.SHUTTLE, Impl.SHUTTLE, "Shuttle", "Shuttle",
        "Shuttle -> Shuttle", false),
    GRPC_DEFAULT("grpc-default", StreamingBenchClient.Impl.GRPC_JAVA, Impl.GRPC_JAVA, "grpc-java (default executor)",
        "grpc default", "grpc-java -> grpc-java (default executor)", false),
    GRPC_DIRECT("grpc-direct", StreamingBenchClient.Impl.GRPC_JAVA, Impl.GRPC_JAVA_DIRECT, "grpc-java (directExecutor)",
        "grpc direct", "grpc-java -> grpc-java (directExecutor)", false),
    SHUTTLE_TO_GRPC("cross-client", StreamingBenchClient.Impl.SHUTTLE, Impl.GRPC_JAVA_DIRECT,
        "cross: Shuttle client, grpc-java server", "S->grpc direct", "Shuttle -> grpc-java (directExecutor), cross", true),
    GRPC_TO_SHUTTLE("cross-server", StreamingBenchClient.Impl.GRPC_JAVA, Impl.SHUTTLE,
        "cross: grpc-java client, Shuttle server", "grpc->S", "grpc-java -> Shuttle, cross", true);

    /** The name --pairs takes. */
    final String flag;
    final StreamingBenchClient.Impl client;
    final Impl server;
    /** The implementation, as results rows name it. */
    final String label;
    /** The column header. */
    final String column;
    final String description;
    final boolean cross;

    Pair(String flag, StreamingBenchClient.Impl client, Impl server, String label, String column, String description,
        boolean cross) {
      this.flag = flag;
      this.client = client;
      this.server = server;
      this.label = label;
      this.column = column;
      this.description = description;
      this.cross = cross;
    }
  }

  record Options(long warmupMillis, long durationMillis, boolean tls, List<Integer> sizes, int streams,
      List<Pair> pairs, Path resultsFile) {
    List<StreamScenario> scenarios() {
      List<StreamScenario> list = new ArrayList<>();
      for (int size : sizes) {
        list.add(new StreamScenario(StreamScenario.Kind.SERVER_STREAMING, size, 1));
      }
      for (int size : sizes) {
        list.add(new StreamScenario(StreamScenario.Kind.BIDI, size, 1));
      }
      if (streams > 0) {
        list.add(new StreamScenario(StreamScenario.Kind.SERVER_STREAMING, MANY_STREAMS_SIZE, streams));
      }
      return list;
    }

    boolean cross() {
      return pairs.stream().anyMatch(p -> p.cross);
    }
  }

  /** One pair's outcome. */
  static final class Result {
    final Pair pair;
    String serverTransport = "?";
    String clientTransport = "?";
    String tlsSession;
    /** What the client JVM saw of the machine: its CPUs and the GC it chose. */
    String clientJvm;
    final Map<StreamScenario, String> checks = new LinkedHashMap<>();
    /** Messages per second by scenario; absent: not measured. */
    final Map<StreamScenario, Double> rates = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();
    /** What the table should say that is no failure: a late Stop, say. */
    final List<String> notes = new ArrayList<>();

    Result(Pair pair) {
      this.pair = pair;
    }

    boolean passed(List<StreamScenario> scenarios) {
      return problems.isEmpty() && scenarios.stream().allMatch(s -> rates.containsKey(s)
          && checks.getOrDefault(s, "").startsWith("ok"));
    }
  }

  private final Options options;
  private final PrintStream progress;
  private final boolean pin;
  private final BenchTls.SelfSigned certificate;

  private StreamingBench(Options options, PrintStream progress, boolean pin, BenchTls.SelfSigned certificate) {
    this.options = options;
    this.progress = progress;
    this.pin = pin;
    this.certificate = certificate;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Args.Invocation<Options> invocation =
        Args.invocation("bench-streaming", USAGE, args, StreamingBench::parse, out, err);
    if (invocation.options() == null) {
      return invocation.exitStatus();
    }
    Options options = invocation.options();
    // Two CPUs keep the server and its load apart; with one they share it, and the table says so.
    Boolean pin = Machine.pinning("bench-streaming", err);
    if (pin == null) {
      return 3;
    }
    BenchTls.SelfSigned certificate = null;
    try {
      if (options.tls()) {
        try {
          certificate = BenchTls.selfSigned();
        } catch (IOException e) {
          err.println("bench-streaming: " + e.getMessage());
          return 3;
        }
      }
      StreamingBench bench = new StreamingBench(options, err, pin, certificate);
      List<Result> results = new ArrayList<>();
      for (Pair pair : options.pairs()) {
        results.add(bench.measure(pair));
      }
      bench.print(results, out);
      bench.record(results, Results.appendingTo(options.resultsFile()));
      out.flush();
      List<StreamScenario> scenarios = options.scenarios();
      return results.stream().allMatch(r -> r.passed(scenarios)) ? 0 : 1;
    } finally {
      if (certificate != null) {
        certificate.close();
      }
    }
  }

  static Options parse(String[] argv) {
    Args args = Args.parse(argv, Set.of("--help", "--smoke", "--tls", "--no-cross"),
        Set.of("--results", "--sizes", "--streams", "--pairs", "--duration-seconds", "--warmup-seconds"));
    if (args.has("--help")) {
      return null;
    }
    boolean smoke = args.has("--smoke");
    boolean tls = args.has("--tls");
    boolean noCross = args.has("--no-cross");
    Path resultsFile = args.path("--results");
    List<Integer> sizes = args.has("--sizes") ? sizes(args.get("--sizes", "")) : DEFAULT_SIZES;
    List<Pair> pairs = args.has("--pairs") ? pairs(args.get("--pairs", "")) : null;
    int streams = number("--streams", args.get("--streams", String.valueOf(DEFAULT_STREAMS)), 0, 10_000);
    int duration = number("--duration-seconds", args.get("--duration-seconds", "3"), 1, 3600);
    // Each JVM has one CPU, which its JIT compilers share with the calls: after 1 s a bidi stream
    // of 1 KiB messages still ran at half its rate after 3 s, on either stack, and which side
    // finished compiling first decided the ratio.
    int warmup = number("--warmup-seconds", args.get("--warmup-seconds", "3"), 0, 3600);
    if (pairs == null) {
      pairs = List.of(Pair.values());
    }
    if (noCross || (smoke && pairs.size() == Pair.values().length)) {
      pairs = pairs.stream().filter(p -> !p.cross).toList();
    }
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("no pairs left to run");
    }
    return smoke
        ? new Options(100, 400, tls, sizes, streams, pairs, resultsFile)
        : new Options(warmup * 1000L, duration * 1000L, tls, sizes, streams, pairs, resultsFile);
  }

  private static int number(String flag, String value, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " takes a whole number, got " + value, e);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(flag + " must be " + min + ".." + max + ", got " + n);
    }
    return n;
  }

  private static List<Pair> pairs(String list) {
    List<String> names = List.of(list.split(",")).stream().map(String::strip).toList();
    for (String name : names) {
      if (List.of(Pair.values()).stream().noneMatch(p -> p.flag.equals(name))) {
        throw new IllegalArgumentException("--pairs takes shuttle, grpc-default, grpc-direct, cross-client and "
            + "cross-server, not " + name);
      }
    }
    return List.of(Pair.values()).stream().filter(p -> names.contains(p.flag)).toList();
  }

  private static List<Integer> sizes(String list) {
    List<Integer> sizes = new ArrayList<>();
    for (String s : list.split(",")) {
      int size = number("--sizes", s.strip(), 0, StreamScenario.MAX_SIZE);
      if (!sizes.contains(size)) {
        sizes.add(size);
      }
    }
    if (sizes.isEmpty()) {
      throw new IllegalArgumentException("--sizes needs at least one size");
    }
    return List.copyOf(sizes);
  }

  private String cpu(String cpu) {
    return pin ? cpu : null;
  }

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\([^,]+, (.*)\\)$");
  private static final Pattern CLIENT = Pattern.compile("^client: [^,]+, (.*)$");
  private static final String TLS_SESSION = "streaming-server: tls session ";
  private static final String CLIENT_JVM = "client-jvm: ";

  private Result measure(Pair pair) throws Exception {
    Result result = new Result(pair);
    List<StreamScenario> scenarios = options.scenarios();
    progress.printf("== %s%n", pair.description);
    Path serverLog = Files.createTempFile("streaming-server-" + pair.server.flag + "-", ".log");
    Path clientLog = Files.createTempFile("streaming-client-" + pair.client.flag + "-", ".log");
    List<String> serverArgs = new ArrayList<>(List.of("--port=0", "--impl=" + pair.server.flag));
    if (certificate != null) {
      serverArgs.add("--tls-cert=" + certificate.certificate());
      serverArgs.add("--tls-key=" + certificate.privateKey());
    }
    try (BenchJvm server = BenchJvm.start(cpu("0"), StreamingBenchServer.class, serverArgs, serverLog, line -> {
      if (line.startsWith(TLS_SESSION)) {
        result.tlsSession = line.substring(TLS_SESSION.length());
      }
    })) {
      String listening = server.awaitLine(l -> LISTENING.matcher(l).find(), 60);
      if (listening == null) {
        result.problems.add("the server printed no listening line within 60 s");
        return result;
      }
      Matcher m = LISTENING.matcher(listening);
      m.find();
      result.serverTransport = m.group(2);
      runClient(result, Integer.parseInt(m.group(1)), scenarios, clientLog);
      server.terminate(); // SIGTERM: the server stops gracefully and exits 0
      Integer exit = server.awaitExit(20);
      if (exit == null) {
        result.problems.add("the server did not stop within 20 s of SIGTERM");
      } else if (exit != 0) {
        result.problems.add("the server exited " + exit + " on SIGTERM");
      }
    } finally {
      if (result.passed(scenarios)) {
        Files.deleteIfExists(serverLog);
        Files.deleteIfExists(clientLog);
      } else {
        result.problems.add("logs kept: " + serverLog + ", " + clientLog);
      }
    }
    return result;
  }

  private void runClient(Result result, int port, List<StreamScenario> scenarios, Path log) throws Exception {
    List<String> args = new ArrayList<>(List.of("--impl=" + result.pair.client.flag, "--port=" + port,
        "--warmup-millis=" + options.warmupMillis(), "--duration-millis=" + options.durationMillis()));
    if (certificate != null) {
      args.add("--tls-ca=" + certificate.certificate());
    }
    Map<String, StreamScenario> byToken = new LinkedHashMap<>();
    for (StreamScenario s : scenarios) {
      args.add(s.token());
      byToken.put(s.token(), s);
    }
    try (BenchJvm client = BenchJvm.start(cpu("1"), StreamingBenchClient.class, args, log,
        line -> onClientLine(result, byToken, line))) {
      long seconds = 60 + scenarios.size() * (60 + (options.warmupMillis() + options.durationMillis()) / 1000);
      Integer exit = client.awaitExit(seconds);
      client.awaitLine(l -> false, 1); // lets the reader pass on the last lines
      if (exit == null) {
        result.problems.add("the client did not finish within " + seconds + " s");
      } else if (exit != 0 && result.problems.isEmpty()) {
        result.problems.add("the client exited " + exit);
      }
    }
    for (StreamScenario s : scenarios) {
      if (!result.checks.containsKey(s)) {
        result.checks.put(s, "not run");
        result.problems.add(s.label() + ": not run");
      }
    }
  }

  private void onClientLine(Result result, Map<String, StreamScenario> byToken, String line) {
    String[] f = line.split(" ", 3);
    Matcher client = CLIENT.matcher(line);
    if (client.find()) {
      result.clientTransport = client.group(1);
      return;
    }
    if (line.startsWith(CLIENT_JVM)) {
      result.clientJvm = line.substring(CLIENT_JVM.length());
      return;
    }
    if (f.length < 3 || !byToken.containsKey(f[1])) {
      return;
    }
    StreamScenario scenario = byToken.get(f[1]);
    switch (f[0]) {
      case "check" -> {
        result.checks.put(scenario, f[2]);
        if (!f[2].startsWith("ok")) {
          result.problems.add(scenario.label() + ": check " + f[2]);
          progress.printf("  %s: check %s%n", scenario.label(), f[2]);
        }
      }
      case "result" -> {
        String[] n = f[2].split(" ");
        double rate = Double.parseDouble(n[0]) * 1e9 / Double.parseDouble(n[1]);
        result.rates.put(scenario, rate);
        // The phases (first message, the Stop call, the end) show a starved call at a glance.
        String phases = String.join(" ", java.util.Arrays.copyOfRange(n, 2, n.length));
        progress.printf(Locale.ROOT, "  %-36s %12.0f messages/s %10.2f MB/s  %s%n", scenario.label(), rate,
            rate * scenario.size() / 1e6, phases);
      }
      case "note" -> {
        result.notes.add(scenario.label() + ": " + f[2]);
        progress.printf("  %s: note: %s%n", scenario.label(), f[2]);
      }
      case "failed" -> {
        result.problems.add(scenario.label() + ": " + f[2]);
        progress.printf("  %s: failed: %s%n", scenario.label(), f[2]);
      }
      default -> {}
    }
  }

  // ---- the table ----

  private static final int SCENARIO_WIDTH = 34;
  private static final int COLUMN_WIDTH = 14;

  private void print(List<Result> results, PrintStream out) {
    List<StreamScenario> scenarios = options.scenarios();
    out.println("Streaming throughput" + (options.tls() ? " over TLS" : "")
        + ": messages/s and MB/s (10^6 bytes of message body per second), one connection per pair");
    out.printf("machine: %d cores (%s), %s %s%n", Runtime.getRuntime().availableProcessors(),
        Machine.cpuModel(), System.getProperty("java.vm.name"), Runtime.version());
    String jvm = results.stream().map(r -> r.clientJvm).filter(j -> j != null).findFirst().orElse("?");
    out.printf(Locale.ROOT, "JVMs %s (each sees %s); %s; %.1fs warm-up then %.1fs measured per scenario, from the first message%n",
        String.join(" ", GrpcBench.SERVER_HEAP), jvm,
        pin ? "server pinned to CPU 0, client to CPU 1 (taskset)" : "ONE CPU ONLY: server and client share it",
        options.warmupMillis() / 1000.0, options.durationMillis() / 1000.0);
    out.println("Absolute numbers are this machine's; compare the ratios.");
    out.println("Clients: Shuttle's blocking calls on virtual threads; grpc-java's async stubs on a directExecutor()");
    out.println("channel, sending only while isReady(). Servers send only as flow control allows (grpc-java: isReady/onReady,");
    out.println("manual inbound flow control on the echo).");
    out.println();
    out.println("pairs (client -> server):");
    for (Result r : results) {
      out.printf("  %-14s %s%n", r.pair.column, r.pair.description);
    }
    out.println();
    for (Result r : results) {
      long ok = scenarios.stream().filter(s -> r.checks.getOrDefault(s, "").startsWith("ok")).count();
      out.printf("check %-14s %s%n", r.pair.column, ok == scenarios.size()
          ? "ok (" + ok + " scenarios: counts, sizes and contents as sent, status OK)"
          : "FAILED (" + ok + " of " + scenarios.size() + " scenarios passed)");
    }
    if (options.tls()) {
      out.println();
      for (Result r : results) {
        out.printf("TLS %-14s server %s; client %s; negotiated %s%n", r.pair.column, r.serverTransport,
            r.clientTransport, r.tlsSession == null ? "?" : r.tlsSession);
      }
    }
    printRates(results, scenarios, out, "messages/s", 1, "%.0f");
    printRates(results, scenarios, out, "MB/s", 0, "%.2f");
    printRatios(results, scenarios, out);
    for (Result r : results) {
      for (String note : r.notes) {
        out.println("note: " + r.pair.description + ": " + note);
      }
      for (String problem : r.problems) {
        out.println("problem: " + r.pair.description + ": " + problem);
      }
    }
  }

  private static void printRates(List<Result> results, List<StreamScenario> scenarios, PrintStream out,
      String metric, int perMessage, String format) {
    out.println();
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-" + SCENARIO_WIDTH + "s", metric));
    for (Result r : results) {
      header.append(String.format(Locale.ROOT, "  %" + COLUMN_WIDTH + "s", r.pair.column));
    }
    out.println(header);
    for (StreamScenario s : scenarios) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + SCENARIO_WIDTH + "s", s.label()));
      for (Result r : results) {
        Double rate = r.rates.get(s);
        String cell = rate == null ? "failed"
            : String.format(Locale.ROOT, format, perMessage == 1 ? rate : rate * s.size() / 1e6);
        row.append(String.format(Locale.ROOT, "  %" + COLUMN_WIDTH + "s", cell));
      }
      out.println(row);
    }
  }

  private static Double rate(List<Result> results, Pair pair, StreamScenario s) {
    return results.stream().filter(r -> r.pair == pair).findFirst().map(r -> r.rates.get(s)).orElse(null);
  }

  private static String ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  private void printRatios(List<Result> results, List<StreamScenario> scenarios, PrintStream out) {
    out.println();
    boolean cross = options.cross();
    String header = String.format(Locale.ROOT, "%-" + SCENARIO_WIDTH + "s  %14s  %-14s  %6s", "Shuttle / grpc-java",
        "vs best", "best grpc-java", "target");
    if (cross) {
      header += String.format(Locale.ROOT, "  %12s  %12s", "client only", "server only");
    }
    out.println(header);
    for (StreamScenario s : scenarios) {
      Double shuttle = rate(results, Pair.SHUTTLE, s);
      Double byDefault = rate(results, Pair.GRPC_DEFAULT, s);
      Double direct = rate(results, Pair.GRPC_DIRECT, s);
      Pair bestPair = byDefault != null && (direct == null || byDefault > direct) ? Pair.GRPC_DEFAULT : Pair.GRPC_DIRECT;
      Double best = rate(results, bestPair, s);
      double target = target(s);
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + SCENARIO_WIDTH + "s  %14s  %-14s  %6s",
          s.label(), ratio(shuttle, best), best == null ? "-" : bestPair == Pair.GRPC_DEFAULT ? "default" : "direct",
          target == 0 ? "-" : String.format(Locale.ROOT, "%.1f", target)));
      if (cross) {
        // Only one side differs in each: the client, against grpc-java's directExecutor server;
        // the server, driven by grpc-java's client.
        row.append(String.format(Locale.ROOT, "  %12s  %12s", ratio(rate(results, Pair.SHUTTLE_TO_GRPC, s), direct),
            ratio(rate(results, Pair.GRPC_TO_SHUTTLE, s), best)));
      }
      out.println(row);
    }
    out.println("(ratio > 1: Shuttle moves more messages per second; MB/s ratios are the same)");
    if (cross) {
      out.println("(client only: Shuttle -> grpc-direct / grpc-java -> grpc-java (directExecutor);");
      out.println(" server only: grpc-java -> Shuttle / grpc-java -> grpc-java's best server)");
    }
  }

  /**
   * The target for a scenario: 1.5 for small messages and 1.0 for large ones; over TLS,
   * 1.0 for large messages and none for small.
   */
  private double target(StreamScenario s) {
    if (options.tls()) {
      return s.size() >= 64 * 1024 ? 1.0 : 0;
    }
    return s.target();
  }

  private void record(List<Result> results, Results sink) {
    String suffix = options.tls() ? " (TLS)" : "";
    for (Result r : results) {
      if (r.pair.cross) {
        continue; // the report compares Shuttle with grpc-java; the cross pairs explain, in the table
      }
      for (Map.Entry<StreamScenario, Double> e : r.rates.entrySet()) {
        StreamScenario s = e.getKey();
        sink.add("Streaming", s.label() + suffix, "messages/s", Results.Better.HIGHER, r.pair.label, e.getValue(),
            target(s));
        sink.add("Streaming", s.label() + suffix, "MB/s", Results.Better.HIGHER, r.pair.label,
            e.getValue() * s.size() / 1e6, target(s));
      }
    }
  }
}
