package dev.shuttle.bench;

import dev.shuttle.bench.GreeterServer.Impl;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Unary latency under load: each Greeter server (Shuttle, grpc-java default executor, grpc-java
 * directExecutor) runs in a JVM of its own pinned to CPU 0, and the suite's own load client
 * ({@link LoadClient}, a JVM pinned to CPU 1) first finds its peak rate in a closed loop, then
 * offers calls at fixed rates in an open loop and records every call's latency in an HdrHistogram.
 *
 * <p>The open-loop rates are fractions of one reference rate, grpc-java's best (directExecutor)
 * closed-loop peak from the same run, so that every server is offered the same load: grpc-java's
 * directExecutor server runs first to measure it. Each server is also run at 90 % of its own
 * peak, which says how it behaves near its own limit.
 *
 * <p>Usage: {@code LatencyBench [--duration-seconds N] [--warmup-seconds N] [--smoke]
 * [--results FILE]}. Progress goes to stderr, the table to stdout; exit 1 if a server failed its
 * check, a run failed or any call failed.
 */
public final class LatencyBench {
  static final String BENCHMARK = "Unary latency under load";

  /** Closed loop: grpc_bench's first setting (benchmark 1's c=4 m=64). */
  static final int CONNECTIONS = 4;

  static final int OUTSTANDING_PER_CONNECTION = 64;

  static final String PEAK = "peak (closed loop, 4x64)";
  static final String HALF = "50 % of peak";
  static final String NINETY = "90 % of peak";
  static final String NINETY_OWN = "90 % of own peak";

  /** The target of the issue: Shuttle's p99 at 90 % load at most half of grpc-java's best. */
  static final double P99_TARGET = 0.5;

  /** grpc-java directExecutor first: its peak is the reference rate the others are offered. */
  private static final List<Impl> RUN_ORDER = List.of(Impl.GRPC_JAVA_DIRECT, Impl.GRPC_JAVA, Impl.SHUTTLE);

  static final String USAGE =
      """
      usage: bench-latency [--duration-seconds N] [--warmup-seconds N] [--smoke] [--results FILE] [--help]
      Each Greeter server (Shuttle, grpc-java default executor, grpc-java directExecutor) runs in a
      JVM of its own pinned to CPU 0; the suite's load client, pinned to CPU 1, drives
      helloworld.Greeter/SayHello with a 100-byte name over 4 connections: after 10 s of it for the
      JIT, a closed loop with 64 calls in flight per connection gives each server's peak, then an
      open loop offers 50 % and
      90 % of grpc-java directExecutor's peak (the same load for every server) and 90 % of the
      server's own peak. Latency of every call (from its scheduled start) in an HdrHistogram.
        --duration-seconds N  measured seconds per load level (default 10)
        --warmup-seconds N    seconds of the same load before each measurement (default 3)
        --smoke               half a second of each, to check that everything runs
        --results FILE        also append the numbers to FILE for bin/bench-report""";

  /** One load level's outcome, as the load client reported it. */
  record Level(double offered, double achieved, long errors, long unsent, double lag99, Latencies latencies) {
    boolean saturated() {
      return unsent > 0 || achieved < 0.95 * offered;
    }

    /**
     * The load client itself started a good share of the calls late (other work on its CPU, a
     * pause): the p99 then says as much about the machine as about the server.
     */
    boolean clientLate() {
      return !saturated() && lag99 > Math.max(50, 0.2 * latencies.p99());
    }
  }

  /** One server's outcome. */
  static final class Result {
    final Impl impl;
    String check = "not run";
    boolean checkPassed;
    /** The closed-loop run; its offered rate is NaN. */
    Level peak;
    final Map<String, Level> levels = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();

    Result(Impl impl) {
      this.impl = impl;
    }

    long errors() {
      long errors = peak == null ? 0 : peak.errors();
      for (Level level : levels.values()) {
        errors += level.errors();
      }
      return errors;
    }
  }

  /**
   * A closed loop each server serves first, unmeasured: grpc-java's Netty path takes that long to
   * be compiled. After only the usual 3 s warm-up its peak under this client was 117k to 129k
   * calls/s, and 230k to 247k in the run right after; the rates offered to every server are
   * fractions of that peak.
   */
  private static final long JIT_WARMUP_MILLIS = 10_000;

  private final long jitWarmupMillis;
  private final long closedWarmupMillis;
  private final long closedMillis;
  private final long openWarmupMillis;
  private final long openMillis;
  private final PrintStream progress;
  private final boolean pin;

  private LatencyBench(BenchArgs args, PrintStream progress, boolean pin) {
    if (args.smoke()) {
      jitWarmupMillis = 0;
      closedWarmupMillis = 500;
      closedMillis = 500;
      openWarmupMillis = 300;
      openMillis = 500;
    } else {
      jitWarmupMillis = JIT_WARMUP_MILLIS;
      closedWarmupMillis = args.warmupSeconds() * 1_000L;
      closedMillis = args.durationSeconds() * 1_000L;
      openWarmupMillis = closedWarmupMillis;
      openMillis = closedMillis;
    }
    this.progress = progress;
    this.pin = pin;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Args.Invocation<BenchArgs> invocation =
        Args.invocation("bench-latency", USAGE, args, argv -> BenchArgs.parse(argv, 10, 3), out, err);
    if (invocation.options() == null) {
      return invocation.exitStatus();
    }
    BenchArgs options = invocation.options();
    // Two CPUs keep the server and its load apart; with one they share it, and the table says so.
    Boolean pin = Machine.pinning("bench-latency", err);
    if (pin == null) {
      return 3;
    }
    LatencyBench bench = new LatencyBench(options, err, pin);
    Map<Impl, Result> results = new EnumMap<>(Impl.class);
    double reference = Double.NaN;
    for (Impl impl : RUN_ORDER) {
      Result result = bench.measure(impl, reference);
      results.put(impl, result);
      if (impl == Impl.GRPC_JAVA_DIRECT && result.peak != null) {
        reference = result.peak.achieved();
      }
    }
    List<Result> ordered = List.of(results.get(Impl.SHUTTLE), results.get(Impl.GRPC_JAVA), results.get(Impl.GRPC_JAVA_DIRECT));
    bench.print(ordered, reference, out);
    record(ordered, Results.appendingTo(options.resultsFile()));
    out.flush();
    return ordered.stream().allMatch(r -> r.checkPassed && r.problems.isEmpty() && r.errors() == 0) ? 0 : 1;
  }

  private Result measure(Impl impl, double reference) throws InterruptedException {
    Result result = new Result(impl);
    progress.printf("== %s%n", GrpcBench.label(impl));
    JvmProcess server = null;
    JvmProcess client = null;
    try {
      server = JvmProcess.start("greeter-server-" + impl.flag, pin ? "0" : null, GreeterServer.class,
          List.of(), List.of("--port=0", "--impl=" + impl.flag));
      int port = server.awaitListening(Duration.ofSeconds(60));
      List<String> clientArgs = new ArrayList<>(List.of("--port=" + port, "--connections=" + CONNECTIONS));
      if (pin) {
        clientArgs.add("--spin"); // the client's CPU is its own: poll, never wake late
      }
      client = JvmProcess.start("load-client", pin ? "1" : null, LoadClient.class, List.of(), clientArgs);
      result.check = client.ask("check", Duration.ofSeconds(60));
      result.checkPassed = result.check.startsWith("ok");
      progress.printf("  gRPC check: %s%n", result.check);
      if (result.checkPassed) {
        if (jitWarmupMillis > 0) {
          progress.printf("  closed loop for %d ms, not measured: the JIT compiles the server's paths%n", jitWarmupMillis);
          client.ask("closed " + OUTSTANDING_PER_CONNECTION + " " + jitWarmupMillis + " 500",
              runTimeout(jitWarmupMillis + 500));
        }
        progress.printf("  closed loop, %d x %d in flight: %d ms warm-up, %d ms measured%n",
            CONNECTIONS, OUTSTANDING_PER_CONNECTION, closedWarmupMillis, closedMillis);
        var fields = Latencies.fieldsOf(client.ask(
            "closed " + OUTSTANDING_PER_CONNECTION + " " + closedWarmupMillis + " " + closedMillis,
            runTimeout(closedWarmupMillis + closedMillis)));
        double rate = Double.parseDouble(fields.get("rate"));
        result.peak = new Level(Double.NaN, rate, Long.parseLong(fields.get("errors")), 0, Double.NaN,
            Latencies.parse(fields));
        progress.printf("  peak: %.0f calls/s%n", rate);
        if (impl == Impl.GRPC_JAVA_DIRECT) {
          reference = rate;
        }
        Map<String, Double> rates = new LinkedHashMap<>();
        if (Double.isNaN(reference)) {
          result.problems.add("no reference rate (grpc-java directExecutor's peak is missing): only its own peak's 90 % run");
        } else {
          rates.put(HALF, 0.5 * reference);
          rates.put(NINETY, 0.9 * reference);
        }
        if (impl != Impl.GRPC_JAVA_DIRECT) {
          rates.put(NINETY_OWN, 0.9 * rate);
        }
        for (var entry : rates.entrySet()) {
          progress.printf("  open loop, %s: %.0f calls/s, %d ms warm-up, %d ms measured%n",
              entry.getKey(), entry.getValue(), openWarmupMillis, openMillis);
          fields = Latencies.fieldsOf(client.ask(
              String.format(Locale.ROOT, "open %.1f %d %d", entry.getValue(), openWarmupMillis, openMillis),
              runTimeout(openWarmupMillis + openMillis)));
          Level level = new Level(Double.parseDouble(fields.get("offered")), Double.parseDouble(fields.get("achieved")),
              Long.parseLong(fields.get("errors")), Long.parseLong(fields.get("unsent")),
              Double.parseDouble(fields.get("lag99")), Latencies.parse(fields));
          result.levels.put(entry.getKey(), level);
          progress.printf("  p50 %.0f µs, p99 %.0f µs%s%n", level.latencies().p50(), level.latencies().p99(),
              level.saturated() ? " (saturated)" : "");
        }
        if (impl == Impl.GRPC_JAVA_DIRECT) {
          // Its own peak is the reference: the same run answers both rows.
          result.levels.put(NINETY_OWN, result.levels.get(NINETY));
        }
      }
      int clientExit = client.stop(true, Duration.ofSeconds(20));
      if (clientExit != 0) {
        result.problems.add("the load client exited " + clientExit);
      }
      int serverExit = server.stop(false, Duration.ofSeconds(20));
      if (serverExit != 0) {
        result.problems.add(serverExit < 0 ? "the server did not stop within 20 s of SIGTERM"
            : "the server exited " + serverExit + " on SIGTERM");
      }
    } catch (IOException | RuntimeException e) {
      result.problems.add(e.getMessage());
      progress.printf("  failed: %s%n", e.getMessage());
    } finally {
      boolean keep = !result.checkPassed || !result.problems.isEmpty() || result.errors() > 0;
      for (JvmProcess p : new JvmProcess[] {client, server}) {
        if (p != null) {
          if (keep) {
            p.keepLog();
            result.problems.add(p.name() + " log kept in " + p.log());
          }
          p.close();
        }
      }
    }
    return result;
  }

  private static Duration runTimeout(long millis) {
    return Duration.ofMillis(millis).plusSeconds(60);
  }

  private void print(List<Result> results, double reference, PrintStream out) {
    out.println("Unary latency under load: helloworld.Greeter/SayHello, 100-byte name, the suite's HTTP/2 load client");
    out.printf("machine: %d cores (%s), %s %s%n", Runtime.getRuntime().availableProcessors(),
        Machine.cpuModel(), System.getProperty("java.vm.name"), Runtime.version());
    out.printf("server JVM %s, %s%n", String.join(" ", GrpcBench.SERVER_HEAP),
        pin ? "server pinned to CPU 0, load client to CPU 1 (taskset), client polling"
            : "ONE CPU ONLY: server and load client share it");
    out.printf("%d connections; peak: closed loop, %d calls in flight per connection, %d ms warm-up (after %d ms"
        + " of the same, unmeasured, for the JIT), %d ms measured;%n",
        CONNECTIONS, OUTSTANDING_PER_CONNECTION, closedWarmupMillis, jitWarmupMillis, closedMillis);
    out.printf("open loop: calls started on a fixed schedule, latency from each call's scheduled start, %d ms warm-up, %d ms measured%n",
        openWarmupMillis, openMillis);
    out.printf(Locale.ROOT, "100 %% = %s's peak: %s calls/s, the same offered load for every server%n",
        GrpcBench.label(Impl.GRPC_JAVA_DIRECT), Double.isNaN(reference) ? "not measured" : String.format(Locale.ROOT, "%.0f", reference));
    out.println("Absolute numbers are this machine's; compare the ratios.");
    out.println();
    out.printf("%-30s  %-24s  %10s  %10s  %9s  %9s  %9s  %9s  %7s  %9s%n", "server", "load", "offered/s", "achieved/s",
        "p50 µs", "p99 µs", "p99.9 µs", "max µs", "errors", "lag99 µs");
    for (Result r : results) {
      if (!r.checkPassed) {
        out.printf("%-30s  gRPC check %s%n", GrpcBench.label(r.impl), r.check);
        continue;
      }
      if (r.peak != null) {
        out.println(row(r.impl, PEAK, r.peak));
      }
      for (var entry : r.levels.entrySet()) {
        out.println(row(r.impl, entry.getKey(), entry.getValue()));
      }
    }
    out.println();
    Result shuttle = results.get(0);
    for (Result baseline : results.subList(1, results.size())) {
      out.printf("Shuttle / %s%n", GrpcBench.label(baseline.impl));
      out.printf("  %-24s  %9s  %9s  %9s  %9s%n", "load", "peak/s", "p50", "p99", "p99.9");
      out.printf("  %-24s  %9s  %9s  %9s  %9s%n", PEAK, ratio(rate(shuttle.peak), rate(baseline.peak)), "", "", "");
      for (String load : List.of(HALF, NINETY, NINETY_OWN)) {
        Latencies a = latencies(shuttle, load);
        Latencies b = latencies(baseline, load);
        out.printf("  %-24s  %9s  %9s  %9s  %9s%s%n", load, "",
            ratio(a == null ? Double.NaN : a.p50(), b == null ? Double.NaN : b.p50()),
            ratio(a == null ? Double.NaN : a.p99(), b == null ? Double.NaN : b.p99()),
            ratio(a == null ? Double.NaN : a.p999(), b == null ? Double.NaN : b.p999()),
            load.equals(NINETY) && baseline.impl == Impl.GRPC_JAVA_DIRECT ? "   (target p99 <= 0.5)" : "");
      }
    }
    out.println("(peak/s above 1: Shuttle serves more; latency below 1: Shuttle answers sooner;");
    out.println(" the 90 % of own peak rows compare each server near its own limit, at different offered rates;");
    out.println(" lag99: how late the load client started the calls, p99; large only when its CPU fell short or the");
    out.println(" in-flight limit held calls back)");
    if (results.stream().anyMatch(r -> r.levels.values().stream().anyMatch(Level::clientLate))) {
      out.println("client late: the load client's own p99 lag is over a fifth of that p99; the row measures the"
          + " machine (other work on the client's CPU) as much as the server: run again on a quiet machine");
    }
    for (Result r : results) {
      for (String level : r.levels.keySet()) {
        Level l = r.levels.get(level);
        if (l.saturated() && !(r.impl == Impl.GRPC_JAVA_DIRECT && level.equals(NINETY_OWN))) {
          out.printf(Locale.ROOT, "saturated: %s at %s: achieved %.0f of %.0f calls/s%s%n",
              GrpcBench.label(r.impl), level, l.achieved(), l.offered(), l.unsent() == 0 ? ""
                  : ", " + l.unsent() + " calls never sent (the wait so far recorded: its latencies are lower bounds)");
        }
      }
      for (String problem : r.problems) {
        out.println("problem: " + GrpcBench.label(r.impl) + ": " + problem);
      }
    }
  }

  private static double rate(Level peak) {
    return peak == null ? Double.NaN : peak.achieved();
  }

  private static Latencies latencies(Result r, String load) {
    Level level = r.levels.get(load);
    return level == null ? null : level.latencies();
  }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  private static String row(Impl impl, String load, Level level) {
    Latencies l = level.latencies();
    return String.format(Locale.ROOT, "%-30s  %-24s  %10s  %10.0f  %9.0f  %9.0f  %9.0f  %9.0f  %7d  %9s%s",
        GrpcBench.label(impl), load, Double.isNaN(level.offered()) ? "-" : String.format(Locale.ROOT, "%.0f", level.offered()),
        level.achieved(), l.p50(), l.p99(), l.p999(), l.max(), level.errors(),
        Double.isNaN(level.lag99()) ? "-" : String.format(Locale.ROOT, "%.0f", level.lag99()),
        level.saturated() ? "  saturated" : level.clientLate() ? "  client late" : "");
  }

  private static void record(List<Result> results, Results sink) {
    for (Result r : results) {
      String impl = GrpcBench.label(r.impl);
      if (r.peak != null) {
        sink.add(BENCHMARK, PEAK, "requests/s", Results.Better.HIGHER, impl, r.peak.achieved(), 0);
      }
      for (var entry : r.levels.entrySet()) {
        Latencies l = entry.getValue().latencies();
        boolean target = entry.getKey().equals(NINETY);
        // Each server's own peak is a different offered rate: those rows are kept, one scenario
        // per server, so that the report does not set them side by side as a ratio.
        String scenario = entry.getKey().equals(NINETY_OWN) ? entry.getKey() + ", " + impl : entry.getKey();
        sink.add(BENCHMARK, scenario, "p50 µs", Results.Better.LOWER, impl, l.p50(), 0);
        sink.add(BENCHMARK, scenario, "p99 µs", Results.Better.LOWER, impl, l.p99(), target ? P99_TARGET : 0);
        sink.add(BENCHMARK, scenario, "p99.9 µs", Results.Better.LOWER, impl, l.p999(), 0);
      }
    }
  }
}
