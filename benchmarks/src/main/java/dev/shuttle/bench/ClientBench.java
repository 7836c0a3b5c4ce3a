package dev.shuttle.bench;

import dev.shuttle.bench.ClientLoad.Kind;
import dev.shuttle.bench.GreeterServer.Impl;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Client-side unary throughput and latency: Shuttle's client against grpc-java's blocking stub and
 * its future stub (directExecutor), the same number of callers on virtual and on platform
 * threads, all against one server.
 *
 * <p>The server is grpc-java's Netty Greeter with {@code directExecutor()} ({@link GreeterServer}),
 * in a JVM of its own pinned to CPU 0: a server of neither client's home stack, and grpc-java's
 * fastest, so that the clients rather than the server set the pace (the table gives the server's
 * CPU use per run to show whether it did). Each client stack runs as a JVM of its own
 * ({@link ClientLoad}) pinned to CPU 1, over one connection, callers calling {@code SayHello}
 * with a 100-byte name in a closed loop, every call timed into an HdrHistogram. Before the first
 * client, h2load (Debian's {@code nghttp2-client}) warms the server, so that no client stack
 * meets it cold.
 *
 * <p>Usage: {@code ClientBench [--callers 1,16,64] [--threads virtual,platform]
 * [--clients shuttle,grpc-blocking,grpc-future] [--server grpc-java-direct] [--duration-seconds N] [--warmup-seconds N] [--smoke] [--results FILE]}.
 */
public final class ClientBench {
  static final String BENCHMARK = "Client-side unary";

  static final String USAGE =
      """
      usage: bench-client [--callers LIST] [--threads LIST] [--clients LIST] [--server NAME] [--duration-seconds N]
                          [--warmup-seconds N] [--smoke] [--results FILE] [--help]
      Shuttle's client, grpc-java's blocking stub and grpc-java's future stub (directExecutor) call
      helloworld.Greeter/SayHello (100-byte name) in a closed loop over one connection, each stack in
      a client JVM of its own pinned to CPU 1, against one grpc-java directExecutor server pinned to
      CPU 0. Prints calls/s, p50/p99/p99.9 latency and CPU per call, and Shuttle's ratios.
        --callers LIST        concurrent callers, comma-separated (default 1,16,64)
        --threads LIST        virtual, platform or both (default virtual,platform)
        --clients LIST        of shuttle, grpc-blocking, grpc-future (default all three)
        --server NAME         grpc-java-direct (default), grpc-java or shuttle: the Greeter all clients call
        --duration-seconds N  measured seconds per setting (default 5)
        --warmup-seconds N    calls before each measurement, in seconds (default 2)
        --smoke               a fraction of a second of each, to check that everything runs
        --results FILE        also append the numbers to FILE for bin/bench-report""";

  record Options(List<Integer> callers, List<String> threads, List<Kind> clients, Impl server, long warmupMillis,
      long durationMillis, Path resultsFile) {}

  record Setting(String threads, int callers) {
    String label() {
      return callers + (callers == 1 ? " caller, " : " callers, ") + threads + " threads";
    }

    String flag() {
      return threads + ":" + callers;
    }
  }

  /** What one client measured at one setting. */
  record Measured(long calls, long nanos, long p50, long p99, long p999, long max, long clientCpuNanos, long switches,
      double serverCpu) {
    double callsPerSecond() {
      return calls * 1e9 / nanos;
    }

    double cpuMicrosPerCall() {
      return calls == 0 ? Double.NaN : clientCpuNanos / 1e3 / calls;
    }

    double switchesPerCall() {
      return calls == 0 || switches < 0 ? Double.NaN : (double) switches / calls;
    }
  }

  private final Options options;
  private final PrintStream progress;
  private final boolean pin;
  private final Map<Kind, Map<Setting, Measured>> measured = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();
  private String serverCheck = "not run";

  private ClientBench(Options options, PrintStream progress, boolean pin) {
    this.options = options;
    this.progress = progress;
    this.pin = pin;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Args.Invocation<Options> invocation =
        Args.invocation("bench-client", USAGE, args, ClientBench::parse, out, err);
    if (invocation.options() == null) {
      return invocation.exitStatus();
    }
    Options options = invocation.options();
    ClientBench bench = new ClientBench(options, err, Machine.canPin());
    bench.measureAll();
    bench.print(out);
    bench.record(Results.appendingTo(options.resultsFile()));
    out.flush();
    return bench.problems.isEmpty() ? 0 : 1;
  }

  static Options parse(String[] argv) {
    Args args = Args.parse(argv, Set.of("--help", "--smoke"),
        Set.of("--callers", "--threads", "--clients", "--server", "--duration-seconds", "--warmup-seconds", "--results"));
    if (args.has("--help")) {
      return null;
    }
    List<Integer> callers = args.positiveInts("--callers", List.of(1, 16, 64));
    List<String> threads = args.oneOf("--threads", List.of("virtual", "platform"), List.of("virtual", "platform"));
    List<String> allClients = List.of(Kind.values()).stream().map(k -> k.flag).toList();
    List<Kind> clients = args.oneOf("--clients", allClients, allClients).stream().map(Kind::of).toList();
    Impl server = Impl.of(args.get("--server", Impl.GRPC_JAVA_DIRECT.flag));
    long duration = TimeUnit.SECONDS.toMillis(args.intAtLeast("--duration-seconds", 5, 1));
    long warmup = TimeUnit.SECONDS.toMillis(args.intAtLeast("--warmup-seconds", 2, 0));
    if (args.has("--smoke")) {
      duration = 500;
      warmup = 250;
    }
    return new Options(callers, threads, clients, server, warmup, duration, args.path("--results"));
  }

  private List<Setting> settings() {
    List<Setting> settings = new ArrayList<>();
    for (String t : options.threads()) {
      for (int c : options.callers()) {
        settings.add(new Setting(t, c));
      }
    }
    return settings;
  }

  private void measureAll() throws Exception {
    progress.println("== server: " + GrpcBench.label(options.server()));
    try (ServerProcess server = ServerProcess.startGreeter(options.server(), GrpcBench.serverJvmFlags(), pin ? "0" : null)) {
      serverCheck = server.check();
      progress.println("  gRPC check: " + serverCheck);
      if (!serverCheck.startsWith("ok")) {
        problems.add("the server failed its check: " + serverCheck + " (log " + server.log() + ")");
        return;
      }
      // The first client measured would otherwise meet a server still compiling its hot path:
      // h2load, a client of neither stack, warms it for all of them alike.
      progress.printf("  warming the server with h2load for %d s%n", serverWarmupSeconds());
      try {
        H2Load.run(server.port, 4, 16, 0, serverWarmupSeconds(), pin ? "1" : null, elapsed -> {});
      } catch (IOException e) {
        problems.add("warming the server with h2load: " + e.getMessage() + " (log " + server.log() + ")");
        server.keepLog();
        return;
      }
      for (Kind kind : options.clients()) {
        measured.put(kind, runClient(kind, server));
      }
      server.stop(problems);
      if (!problems.isEmpty()) {
        server.keepLog();
      }
    }
  }

  /** Twice a setting's warm-up, at least a second. */
  private int serverWarmupSeconds() {
    return (int) Math.max(1, TimeUnit.MILLISECONDS.toSeconds(2 * options.warmupMillis()));
  }

  /** Runs one client stack's JVM over every setting, sampling the server's CPU around each. */
  private Map<Setting, Measured> runClient(Kind kind, ServerProcess server) throws IOException, InterruptedException {
    progress.printf("== client: %s (16 virtual, then 16 platform callers for %d ms each to warm up; %d settings, %d ms"
        + " warm-up + %d ms each)%n", kind.label, options.warmupMillis(), settings().size(), options.warmupMillis(),
        options.durationMillis());
    // A profiler for the client JVMs only, e.g. -XX:StartFlightRecording=...
    String extra = System.getenv("SHUTTLE_BENCH_CLIENT_JAVA_OPTS");
    List<String> extraFlags = extra == null || extra.isBlank() ? List.of() : List.of(extra.strip().split("\\s+"));
    List<String> command = ChildJvm.command(pin ? "1" : null, extraFlags, ClientLoad.class, List.of(
        "--port=" + server.port, "--client=" + kind.flag,
        "--settings=" + String.join(",", settings().stream().map(Setting::flag).toList()),
        "--warmup-millis=" + options.warmupMillis(), "--duration-millis=" + options.durationMillis()));
    Path log = Files.createTempFile("client-load-" + kind.flag + "-", ".log");
    Process client = new ProcessBuilder(command).redirectError(log.toFile()).start();
    Map<Setting, Measured> results = new LinkedHashMap<>();
    boolean failed = false;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
      long serverCpuStart = 0;
      long wallStart = 0;
      String line;
      while ((line = lines.readLine()) != null) {
        String[] f = line.split(" ");
        if (f.length < 3 || !Set.of("begin", "result", "failed").contains(f[0])) {
          continue; // not ours (a profiler's notice, say)
        }
        Setting setting = new Setting(f[1], Integer.parseInt(f[2]));
        switch (f[0]) {
          case "begin" -> {
            serverCpuStart = server.cpuNanos();
            wallStart = System.nanoTime();
          }
          case "result" -> {
            double serverCpu = (server.cpuNanos() - serverCpuStart) / (double) (System.nanoTime() - wallStart);
            Measured m = new Measured(Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]), serverCpu);
            results.put(setting, m);
            progress.printf(Locale.ROOT,
                "  %-32s %10.0f calls/s  p99 %8.1f µs  CPU %6.1f µs/call  %5.2f switches/call  server CPU %3.0f%%%n",
                setting.label(), m.callsPerSecond(), m.p99() / 1e3, m.cpuMicrosPerCall(), m.switchesPerCall(),
                serverCpu * 100);
          }
          case "failed" -> {
            failed = true;
            String[] parts = line.split(" ", 4); // failed THREADS CALLERS REASON
            problems.add(kind.label + ", " + setting.label() + ": " + (parts.length > 3 ? parts[3] : "failed"));
          }
          default -> throw new AssertionError(f[0]);
        }
      }
      if (!client.waitFor(60, TimeUnit.SECONDS)) {
        problems.add(kind.label + ": the client JVM did not exit");
        failed = true;
      } else if (client.exitValue() != 0 && !failed) {
        problems.add(kind.label + ": the client JVM exited " + client.exitValue());
        failed = true;
      }
    } finally {
      client.destroyForcibly();
      client.waitFor(10, TimeUnit.SECONDS);
      if (failed) {
        problems.add(kind.label + ": client log kept in " + log);
      } else {
        Files.deleteIfExists(log);
      }
    }
    return results;
  }

  private void print(PrintStream out) {
    out.println("Client-side unary: helloworld.Greeter/SayHello, 100-byte name, closed loop over one connection");
    out.println("machine: " + Machine.describe());
    out.printf("server: %s in a JVM of its own%s; each client stack in a JVM of its own%s; both %s%n",
        GrpcBench.label(options.server()), pin ? " pinned to CPU 0" : "", pin ? " pinned to CPU 1 (taskset)" : "",
        String.join(" ", GrpcBench.SERVER_HEAP));
    out.printf("the server warms up under h2load (4x16) for %d s; each client JVM warms up with 16 virtual, then 16"
        + " platform callers; then %d ms warm-up and %d ms measured per setting; gRPC check of the server: %s%n",
        serverWarmupSeconds(), options.warmupMillis(), options.durationMillis(), serverCheck);
    if (!pin) {
      out.println("ONE CPU ONLY (or no taskset): server and clients share the CPUs");
    }
    out.println("Absolute numbers are this machine's; compare the ratios.");
    out.println();
    out.printf(Locale.ROOT, "%-34s  %-40s %10s %9s %9s %9s %12s %14s %11s%n", "setting", "client", "calls/s",
        "p50 µs", "p99 µs", "p99.9 µs", "CPU µs/call", "switches/call", "server CPU");
    for (Setting s : settings()) {
      for (Kind kind : options.clients()) {
        Measured m = measured.getOrDefault(kind, Map.of()).get(s);
        if (m == null) {
          out.printf(Locale.ROOT, "%-34s  %-40s %10s%n", s.label(), kind.label, "failed");
        } else {
          out.printf(Locale.ROOT, "%-34s  %-40s %10.0f %9.1f %9.1f %9.1f %12.1f %14.2f %10.0f%%%n", s.label(),
              kind.label, m.callsPerSecond(), m.p50() / 1e3, m.p99() / 1e3, m.p999() / 1e3, m.cpuMicrosPerCall(),
              m.switchesPerCall(), m.serverCpu() * 100);
        }
      }
    }
    out.println();
    out.printf(Locale.ROOT, "%-34s  %-40s %10s %9s%n", "Shuttle / grpc-java", "against", "calls/s", "p99");
    for (Setting s : settings()) {
      Measured shuttle = measured.getOrDefault(Kind.SHUTTLE, Map.of()).get(s);
      for (Kind kind : List.of(Kind.GRPC_BLOCKING, Kind.GRPC_FUTURE)) {
        Measured other = measured.getOrDefault(kind, Map.of()).get(s);
        String rate = shuttle == null || other == null ? "-"
            : String.format(Locale.ROOT, "%.2f", shuttle.callsPerSecond() / other.callsPerSecond());
        String p99 = shuttle == null || other == null ? "-"
            : String.format(Locale.ROOT, "%.2f", (double) shuttle.p99() / other.p99());
        out.printf(Locale.ROOT, "%-34s  %-40s %10s %9s%n", s.label(), kind.label, rate, p99);
      }
    }
    out.println("(calls/s ratio > 1: Shuttle makes more calls per second; p99 ratio < 1: Shuttle's p99 is lower."
        + " Target: calls/s at least 1.5x grpc-java's best)");
    out.println("(server CPU near 100%: the server, not the client, set the pace of that run)");
    for (String problem : problems) {
      out.println("problem: " + problem);
    }
  }

  private void record(Results sink) {
    for (Map.Entry<Kind, Map<Setting, Measured>> byKind : measured.entrySet()) {
      for (Map.Entry<Setting, Measured> e : byKind.getValue().entrySet()) {
        String scenario = e.getKey().label();
        Measured m = e.getValue();
        String impl = byKind.getKey().label;
        sink.add(BENCHMARK, scenario, "calls/s", Results.Better.HIGHER, impl, m.callsPerSecond(), 1.5);
        sink.add(BENCHMARK, scenario, "p99 µs", Results.Better.LOWER, impl, m.p99() / 1e3, 0);
        sink.add(BENCHMARK, scenario, "client CPU µs/call", Results.Better.LOWER, impl, m.cpuMicrosPerCall(), 0);
      }
    }
  }
}
