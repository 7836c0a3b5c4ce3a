package dev.shuttle.bench;

import dev.shuttle.bench.GreeterServer.Impl;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ping-pong latency, gRPC's own unary benchmark scenario: one connection, one call at a time, so
 * that each number is one call's full round trip through both stacks with nothing queued behind
 * it. Client and server run in JVMs of their own, the server pinned to CPU 0 and the client to
 * CPU 1; every pair of Shuttle and grpc-java (directExecutor on both sides, its best) is measured,
 * the cross pairs too, with the Greeter's 100-byte name and with Bench echoes of 16 B and 1 KiB.
 *
 * <p>Usage: {@code PingPong [--duration-seconds N] [--warmup-seconds N] [--smoke] [--results FILE]}.
 * Progress goes to stderr, the table to stdout; exit 1 if any pair failed.
 */
public final class PingPong {
  static final String BENCHMARK = "Ping-pong latency";

  static final String USAGE =
      """
      usage: bench-ping-pong [--duration-seconds N] [--warmup-seconds N] [--smoke] [--results FILE] [--help]
      One connection, one call at a time (gRPC's unary ping-pong scenario): p50/p99 of every call.
      Servers (Shuttle; grpc-java Netty with directExecutor) in a JVM pinned to CPU 0, clients
      (Shuttle's blocking client on a virtual thread; grpc-java's async client with directExecutor)
      in a JVM pinned to CPU 1; all four client/server pairs; messages: SayHello with a 100-byte
      name, Bench echo of 16 B and of 1 KiB.
        --duration-seconds N  measured seconds per pair and message (default 5)
        --warmup-seconds N    calls before each measurement, not recorded (default 3)
        --smoke               a fraction of a second of each, to check that everything runs
        --results FILE        also append the numbers to FILE for bin/bench-report""";

  /** The messages: the client's name for it, and the table's. */
  static final Map<String, String> MESSAGES = messages();

  private static Map<String, String> messages() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("greeter", "SayHello, 100-byte name");
    m.put("16", "echo 16 B");
    m.put("1024", "echo 1 KiB");
    return m;
  }

  /** The two clients: PingPongClient's flag and the table's label. */
  enum ClientKind {
    SHUTTLE("shuttle", "Shuttle"),
    GRPC("grpc-java", "grpc-java");

    final String flag;
    final String label;

    ClientKind(String flag, String label) {
      this.flag = flag;
      this.label = label;
    }
  }

  static final List<Impl> SERVERS = List.of(Impl.SHUTTLE, Impl.GRPC_JAVA_DIRECT);

  /** One client/server pair's outcome: latencies and calls/s per message (absent: it failed). */
  static final class Pair {
    final ClientKind client;
    final Impl server;
    String check = "not run";
    final Map<String, Latencies> latencies = new LinkedHashMap<>();
    final Map<String, Double> rates = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();

    Pair(ClientKind client, Impl server) {
      this.client = client;
      this.server = server;
    }

    String label() {
      return client.label + " -> " + GrpcBench.label(server);
    }

    boolean complete() {
      return problems.isEmpty() && latencies.size() == MESSAGES.size();
    }
  }

  private final long warmupMillis;
  private final long durationMillis;
  private final PrintStream progress;
  private final boolean pin;

  private PingPong(BenchArgs args, PrintStream progress, boolean pin) {
    warmupMillis = args.smoke() ? 200 : args.warmupSeconds() * 1_000L;
    durationMillis = args.smoke() ? 300 : args.durationSeconds() * 1_000L;
    this.progress = progress;
    this.pin = pin;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Args.Invocation<BenchArgs> invocation =
        Args.invocation("bench-ping-pong", USAGE, args, argv -> BenchArgs.parse(argv, 5, 3), out, err);
    if (invocation.options() == null) {
      return invocation.exitStatus();
    }
    BenchArgs options = invocation.options();
    // Two CPUs keep the server and its load apart; with one they share it, and the table says so.
    Boolean pin = Machine.pinning("bench-ping-pong", err);
    if (pin == null) {
      return 3;
    }
    PingPong bench = new PingPong(options, err, pin);
    List<Pair> pairs = new ArrayList<>();
    for (Impl server : SERVERS) {
      pairs.addAll(bench.measure(server));
    }
    bench.print(pairs, out);
    record(pairs, Results.appendingTo(options.resultsFile()));
    out.flush();
    return pairs.stream().allMatch(Pair::complete) ? 0 : 1;
  }

  /** One server, both clients against it, one after the other. */
  private List<Pair> measure(Impl server) throws InterruptedException {
    List<Pair> pairs = new ArrayList<>();
    for (ClientKind client : ClientKind.values()) {
      pairs.add(new Pair(client, server));
    }
    progress.printf("== server %s%n", GrpcBench.label(server));
    JvmProcess serverProcess = null;
    try {
      serverProcess = JvmProcess.start("ping-pong-server-" + server.flag, pin ? "0" : null,
          PingPongServer.class, List.of(), List.of("--impl=" + server.flag));
      int port = serverProcess.awaitListening(Duration.ofSeconds(60));
      for (Pair pair : pairs) {
        measure(pair, port);
      }
      int exit = serverProcess.stop(true, Duration.ofSeconds(20));
      if (exit != 0) {
        pairs.forEach(p -> p.problems.add("the server exited " + exit));
      }
    } catch (IOException | RuntimeException e) {
      progress.printf("  failed: %s%n", e.getMessage());
      pairs.forEach(p -> p.problems.add(e.getMessage()));
    } finally {
      if (serverProcess != null) {
        if (!pairs.stream().allMatch(Pair::complete)) {
          serverProcess.keepLog();
          pairs.get(0).problems.add("server log kept in " + serverProcess.log());
        }
        serverProcess.close();
      }
    }
    return pairs;
  }

  private void measure(Pair pair, int port) throws InterruptedException {
    progress.printf("  client %s%n", pair.client.label);
    JvmProcess client = null;
    try {
      client = JvmProcess.start("ping-pong-client-" + pair.client.flag, pin ? "1" : null, PingPongClient.class,
          List.of(), List.of("--port=" + port, "--client=" + pair.client.flag));
      pair.check = client.ask("check " + String.join(",", MESSAGES.keySet()), Duration.ofSeconds(60));
      progress.printf("    check: %s%n", pair.check);
      for (var message : MESSAGES.entrySet()) {
        var fields = Latencies.fieldsOf(client.ask(
            "run " + message.getKey() + " " + warmupMillis + " " + durationMillis,
            Duration.ofMillis(warmupMillis + durationMillis).plusSeconds(60)));
        Latencies l = Latencies.parse(fields);
        pair.latencies.put(message.getKey(), l);
        pair.rates.put(message.getKey(), Double.parseDouble(fields.get("rate")));
        progress.printf("    %s: p50 %.0f µs, p99 %.0f µs%n", message.getValue(), l.p50(), l.p99());
      }
      int exit = client.stop(true, Duration.ofSeconds(20));
      if (exit != 0) {
        pair.problems.add("the client exited " + exit);
      }
    } catch (IOException | RuntimeException e) {
      progress.printf("    failed: %s%n", e.getMessage());
      pair.problems.add(e.getMessage());
    } finally {
      if (client != null) {
        if (!pair.complete()) {
          client.keepLog();
          pair.problems.add("client log kept in " + client.log());
        }
        client.close();
      }
    }
  }

  private Pair find(List<Pair> pairs, ClientKind client, Impl server) {
    return pairs.stream().filter(p -> p.client == client && p.server == server).findFirst().orElseThrow();
  }

  private void print(List<Pair> pairs, PrintStream out) {
    out.println("Ping-pong latency: one connection, one call at a time (gRPC's unary ping-pong scenario)");
    out.printf("machine: %d cores (%s), %s %s%n", Runtime.getRuntime().availableProcessors(),
        Machine.cpuModel(), System.getProperty("java.vm.name"), Runtime.version());
    out.printf("JVMs %s, %s%n", String.join(" ", GrpcBench.SERVER_HEAP),
        pin ? "server pinned to CPU 0, client to CPU 1 (taskset)" : "ONE CPU ONLY: server and client share it");
    out.println("clients: Shuttle's blocking client on a virtual thread; grpc-java's async client, directExecutor,"
        + " next call from the callback");
    out.println("servers: Shuttle with its defaults; grpc-java Netty with directExecutor");
    out.printf("%d ms of calls before each measurement, then %d ms measured%n", warmupMillis, durationMillis);
    out.println("Absolute numbers are this machine's; compare the ratios.");
    out.println();
    out.printf("%-44s  %-24s  %9s  %9s  %9s  %9s  %9s%n", "client -> server", "message", "calls/s",
        "p50 µs", "p99 µs", "p99.9 µs", "max µs");
    for (Pair pair : pairs) {
      if (pair.latencies.isEmpty()) {
        out.printf("%-44s  failed (%s)%n", pair.label(), pair.check);
        continue;
      }
      for (var message : MESSAGES.entrySet()) {
        Latencies l = pair.latencies.get(message.getKey());
        if (l == null) {
          out.printf("%-44s  %-24s  failed%n", pair.label(), message.getValue());
        } else {
          out.printf(Locale.ROOT, "%-44s  %-24s  %9.0f  %9.1f  %9.1f  %9.1f  %9.1f%n", pair.label(), message.getValue(),
              pair.rates.get(message.getKey()), l.p50(), l.p99(), l.p999(), l.max());
        }
      }
    }
    out.println();
    ratios(out, "Shuttle -> Shuttle / grpc-java -> grpc-java (directExecutor)",
        find(pairs, ClientKind.SHUTTLE, Impl.SHUTTLE), find(pairs, ClientKind.GRPC, Impl.GRPC_JAVA_DIRECT));
    ratios(out, "Shuttle client / grpc-java client, both against the Shuttle server",
        find(pairs, ClientKind.SHUTTLE, Impl.SHUTTLE), find(pairs, ClientKind.GRPC, Impl.SHUTTLE));
    ratios(out, "Shuttle client / grpc-java client, both against the grpc-java server",
        find(pairs, ClientKind.SHUTTLE, Impl.GRPC_JAVA_DIRECT), find(pairs, ClientKind.GRPC, Impl.GRPC_JAVA_DIRECT));
    ratios(out, "Shuttle server / grpc-java server, both with the grpc-java client",
        find(pairs, ClientKind.GRPC, Impl.SHUTTLE), find(pairs, ClientKind.GRPC, Impl.GRPC_JAVA_DIRECT));
    out.println("(below 1: Shuttle's side answers sooner)");
    for (Pair pair : pairs) {
      for (String problem : pair.problems) {
        out.println("problem: " + pair.label() + ": " + problem);
      }
    }
  }

  private static void ratios(PrintStream out, String title, Pair a, Pair b) {
    out.println(title);
    out.printf("  %-24s  %7s  %7s  %7s%n", "message", "p50", "p99", "p99.9");
    for (var message : MESSAGES.entrySet()) {
      Latencies x = a.latencies.get(message.getKey());
      Latencies y = b.latencies.get(message.getKey());
      out.printf("  %-24s  %7s  %7s  %7s%n", message.getValue(),
          x == null || y == null ? "-" : ratio(x.p50(), y.p50()),
          x == null || y == null ? "-" : ratio(x.p99(), y.p99()),
          x == null || y == null ? "-" : ratio(x.p999(), y.p999()));
    }
  }

  private static String ratio(double a, double b) {
    return b == 0 || Double.isNaN(a) || Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  /**
   * Same-stack pairs under the message's name (Shuttle against grpc-java at its best); the cross
   * pairs under "message, X server", where only the client differs, so the report's Shuttle /
   * grpc-java ratio stays a comparison of one side.
   */
  private static void record(List<Pair> pairs, Results sink) {
    for (Pair pair : pairs) {
      for (var message : MESSAGES.entrySet()) {
        Latencies l = pair.latencies.get(message.getKey());
        if (l == null) {
          continue;
        }
        boolean sameStack = (pair.client == ClientKind.SHUTTLE) == (pair.server == Impl.SHUTTLE);
        String scenario = sameStack ? message.getValue()
            : message.getValue() + ", " + (pair.server == Impl.SHUTTLE ? "Shuttle" : "grpc-java") + " server";
        String impl = sameStack ? GrpcBench.label(pair.server) : pair.client.label + " client";
        sink.add(BENCHMARK, scenario, "p50 µs", Results.Better.LOWER, impl, l.p50(), 0);
        sink.add(BENCHMARK, scenario, "p99 µs", Results.Better.LOWER, impl, l.p99(), 0);
        if (!sameStack) {
          // The other client on the same server, so that the cross scenario has both sides.
          Pair partner = pairs.stream()
              .filter(p -> p.server == pair.server && p.client != pair.client).findFirst().orElseThrow();
          Latencies other = partner.latencies.get(message.getKey());
          if (other != null) {
            sink.add(BENCHMARK, scenario, "p50 µs", Results.Better.LOWER, partner.client.label + " client", other.p50(), 0);
            sink.add(BENCHMARK, scenario, "p99 µs", Results.Better.LOWER, partner.client.label + " client", other.p99(), 0);
          }
        }
      }
    }
  }
}
