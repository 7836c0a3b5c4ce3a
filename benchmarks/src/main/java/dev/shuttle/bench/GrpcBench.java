package dev.shuttle.bench;

import dev.shuttle.Channel;
import dev.shuttle.StatusException;
import dev.shuttle.bench.GreeterServer.Impl;
import dev.shuttle.bench.helloworld.GreeterClient;
import dev.shuttle.bench.helloworld.HelloReply;
import dev.shuttle.bench.helloworld.HelloRequest;
import dev.shuttle.http2.config.TlsClientConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Unary server throughput in the style of the community grpc_bench: each Greeter server runs as a
 * process of its own pinned to CPU 0, h2load drives it from CPU 1 with a pre-encoded
 * {@code SayHello} request, and the table gives requests per second and Shuttle's ratio to each
 * grpc-java setting.
 *
 * <p>Before any load each server must answer one real call from Shuttle's client with status OK
 * and the echoed name: h2load counts HTTP status only, and a gRPC error arrives with HTTP 200.
 *
 * <p>Usage: {@code GrpcBench [--duration-seconds N] [--warmup-seconds N] [--smoke] [--tls]}. With
 * {@code --tls} every server serves TLS with a self-signed certificate made for the run (each
 * stack on its default TLS provider), h2load connects with {@code https://}, and the check trusts
 * that certificate. Progress goes to stderr, the table to stdout; exit 1 if any server failed its
 * check or any load run.
 */
public final class GrpcBench {
  /** grpc_bench's request: a name of 100 bytes. */
  static final String NAME = "x".repeat(100);

  /** h2load's clients (connections) and the streams each keeps open at once. */
  record Setting(int clients, int streams) {
    String label() {
      return "c=" + clients + " m=" + streams;
    }
  }

  static final List<Setting> SETTINGS = List.of(new Setting(4, 64), new Setting(256, 100));

  /** The same heap for every server, fixed so that no server pays for growing it mid-run. */
  static final List<String> SERVER_HEAP = List.of("-Xms512m", "-Xmx512m");

  static final String USAGE =
      """
      usage: bench-grpc-bench [--duration-seconds N] [--warmup-seconds N] [--smoke] [--tls] [--results FILE] [--help]
      Each Greeter server (Shuttle, grpc-java default executor, grpc-java directExecutor) runs in a
      JVM of its own pinned to CPU 0; h2load on CPU 1 drives helloworld.Greeter/SayHello with a
      100-byte name at each setting (c=4 m=64, c=256 m=100). Needs h2load (nghttp2-client) and taskset.
        --duration-seconds N  measured seconds per run (default 10)
        --warmup-seconds N    h2load warm-up seconds before each measurement (default 5; 0: none)
        --smoke               a fixed few requests per run instead, to check that everything runs
        --tls                 over TLS: each server on its stack's default TLS provider, h2load with https://
        --results FILE        also append the numbers to FILE for bin/bench-report""";

  /** {@code smoke}: each run a fixed number of requests ({@link #smokeRequests}), not a duration. */
  record Options(int durationSeconds, int warmupSeconds, Path resultsFile, boolean tls, boolean smoke) {}

  /** One server's outcome: its gRPC check and requests/s per setting (absent: the run failed). */
  static final class Result {
    final Impl impl;
    String check = "not run";
    boolean checkPassed;
    /** How the server said it serves: "cleartext", or "TLS via" its provider. */
    String transport = "?";
    /** What h2load negotiated over TLS ("TLSv1.3 TLS_AES_128_GCM_SHA256"), or null. */
    String negotiated;
    final Map<Setting, Double> requestsPerSecond = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();

    Result(Impl impl) {
      this.impl = impl;
    }
  }

  private final Options options;
  private final PrintStream progress;
  private final Path requestBody;
  private final boolean pin;
  private final BenchTls.SelfSigned certificate;

  private GrpcBench(Options options, PrintStream progress, Path requestBody, boolean pin,
      BenchTls.SelfSigned certificate) {
    this.options = options;
    this.progress = progress;
    this.requestBody = requestBody;
    this.pin = pin;
    this.certificate = certificate;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Args.Invocation<Options> invocation =
        Args.invocation("bench-grpc-bench", USAGE, args, GrpcBench::parse, out, err);
    if (invocation.options() == null) {
      return invocation.exitStatus();
    }
    Options options = invocation.options();
    for (String tool : List.of("h2load", "taskset")) {
      if (onPath(tool) == null) {
        err.println("bench-grpc-bench: " + tool + " is not on PATH"
            + (tool.equals("h2load") ? " (apt-get install nghttp2-client)" : " (apt-get install util-linux)"));
        return 3;
      }
    }
    // Two CPUs are what keeps load generator and server apart; with one, both share it and the
    // table says so.
    boolean pin = Runtime.getRuntime().availableProcessors() >= 2;
    BenchTls.SelfSigned certificate = null;
    if (options.tls()) {
      try {
        certificate = BenchTls.selfSigned();
      } catch (IOException e) {
        err.println("bench-grpc-bench: " + e.getMessage());
        return 3;
      }
    }
    Path body = Files.createTempFile("greeter-request", ".grpc");
    try {
      Files.write(body, grpcFrame(HelloRequest.newBuilder().setName(NAME).build().toByteArray()));
      GrpcBench bench = new GrpcBench(options, err, body, pin, certificate);
      List<Result> results = new ArrayList<>();
      for (Impl impl : Impl.values()) {
        results.add(bench.measure(impl));
      }
      bench.print(results, out);
      bench.record(results, Results.appendingTo(options.resultsFile()));
      out.flush();
      return results.stream().allMatch(r -> r.checkPassed && r.problems.isEmpty()) ? 0 : 1;
    } finally {
      Files.deleteIfExists(body);
      if (certificate != null) {
        certificate.close();
      }
    }
  }

  static Options parse(String[] argv) {
    Args args = Args.parse(argv, Set.of("--help", "--smoke", "--tls"),
        Set.of("--results", "--duration-seconds", "--warmup-seconds"));
    if (args.has("--help")) {
      return null;
    }
    int duration = args.intAtLeast("--duration-seconds", 10, 1);
    int warmup = args.intAtLeast("--warmup-seconds", 5, 0);
    boolean tls = args.has("--tls");
    return args.has("--smoke")
        ? new Options(0, 0, args.path("--results"), tls, true)
        : new Options(duration, warmup, args.path("--results"), tls, false);
  }

  /**
   * The requests of a smoke run: one round of every stream slot, at least 1000. A timed window
   * would be shorter but not safe: h2load counts only requests started within it, and at c=256
   * m=100 all 25,600 slots hold warm-up requests until a cold server on a busy machine has
   * answered them, which took longer than a short warm-up and window together (the run then
   * counted nothing). A count always ends with that many answers.
   */
  static int smokeRequests(Setting setting) {
    return Math.max(1000, setting.clients() * setting.streams());
  }

  /** The gRPC length-prefixed message: not compressed, 4-byte big-endian length, the message. */
  static byte[] grpcFrame(byte[] message) {
    byte[] frame = new byte[5 + message.length];
    int n = message.length;
    frame[1] = (byte) (n >>> 24);
    frame[2] = (byte) (n >>> 16);
    frame[3] = (byte) (n >>> 8);
    frame[4] = (byte) n;
    System.arraycopy(message, 0, frame, 5, n);
    return frame;
  }

  private Result measure(Impl impl) throws Exception {
    Result result = new Result(impl);
    progress.printf("== %s%n", label(impl));
    // The server's stderr goes to a file: grpc-java logs every stream h2load abandons when its
    // run ends, which would bury the progress lines. The file is kept when something went wrong.
    Path log = Files.createTempFile("greeter-server-" + impl.flag + "-", ".log");
    Process server = startServer(impl, log);
    try {
      Matcher listening = LISTENING.matcher(awaitListening(server));
      listening.find();
      int port = Integer.parseInt(listening.group(1));
      result.transport = listening.group(2);
      result.check = check(port);
      result.checkPassed = result.check.startsWith("ok");
      progress.printf("  gRPC check: %s%n", result.check);
      if (result.checkPassed) {
        for (Setting setting : SETTINGS) {
          if (options.smoke()) {
            progress.printf("  h2load %s: %d requests%n", setting.label(), smokeRequests(setting));
          } else {
            progress.printf("  h2load %s: %ds warm-up, %ds measured%n",
                setting.label(), options.warmupSeconds(), options.durationSeconds());
          }
          try {
            result.requestsPerSecond.put(setting, h2load(port, setting, result));
          } catch (IOException e) {
            result.problems.add(setting.label() + ": " + e.getMessage());
            progress.printf("  %s failed: %s%n", setting.label(), e.getMessage());
          }
        }
      }
      server.destroy(); // SIGTERM: the server stops gracefully and exits 0
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        result.problems.add("did not stop within 20 s of SIGTERM");
      } else if (server.exitValue() != 0) {
        result.problems.add("exited " + server.exitValue() + " on SIGTERM");
      }
    } catch (IOException e) {
      result.check = "failed: " + e.getMessage();
      progress.printf("  %s%n", result.check);
    } finally {
      server.destroyForcibly();
      server.waitFor(10, TimeUnit.SECONDS);
      if (result.checkPassed && result.problems.isEmpty()) {
        Files.deleteIfExists(log);
      } else {
        result.problems.add("server log kept in " + log);
      }
    }
    return result;
  }

  private Process startServer(Impl impl, Path log) throws IOException {
    List<String> command = new ArrayList<>(pinned("0"));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(serverJvmFlags());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), GreeterServer.class.getName(),
        "--port=0", "--impl=" + impl.flag));
    if (certificate != null) {
      command.add("--tls-cert=" + certificate.certificate());
      command.add("--tls-key=" + certificate.privateKey());
    }
    return new ProcessBuilder(command).redirectError(log.toFile()).start();
  }

  /** The JVM flags every server gets, so that they differ in their code only. */
  static List<String> serverJvmFlags() {
    List<String> flags = new ArrayList<>(SERVER_HEAP);
    int feature = Runtime.version().feature();
    if (feature >= 22) {
      flags.add("--enable-native-access=ALL-UNNAMED"); // Netty's epoll transport
    }
    if (feature >= 24) {
      flags.add("--sun-misc-unsafe-memory-access=allow"); // protobuf-java
    }
    return flags;
  }

  private List<String> pinned(String cpu) {
    return ChildJvm.pinnedTo(pin ? cpu : null);
  }

  /** The port, and what the server says it serves ("cleartext", or "TLS via" a provider). */
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)(?: \\([^,]*, (.*)\\))?");

  /** Reads the server's stdout until its listening line; the rest is drained so it never blocks. */
  private static String awaitListening(Process server) throws IOException, InterruptedException {
    CompletableFuture<String> port = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("greeter-server-stdout").start(() -> {
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(line);
          }
        }
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new IOException("server exited before listening"));
    });
    try {
      return port.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("server printed no listening line within 60 s");
    }
  }

  /** One real call: "ok ..." when the status is OK and the reply greets the name sent. */
  private String check(int port) {
    try (Channel channel = certificate == null ? Channel.plaintext("127.0.0.1:" + port)
        : Channel.tls("127.0.0.1:" + port, TlsClientConfig.trusting(certificate.certificate()))) {
      HelloReply reply = GreeterClient.of(channel).sayHello(HelloRequest.newBuilder().setName(NAME).build());
      String expected = GreeterServer.greeting(NAME);
      return reply.getMessage().equals(expected)
          ? "ok (grpc-status 0, name echoed)"
          : "failed: wrong reply " + abbreviate(reply.getMessage());
    } catch (StatusException e) {
      return "failed: grpc-status " + e.status().code().value() + " " + e.status().code();
    } catch (RuntimeException | IOException e) {
      return "failed: " + e;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? '"' + s + '"' : '"' + s.substring(0, 40) + "...\"";
  }

  private static final Pattern FINISHED = Pattern.compile("finished in [^,]+, ([0-9.]+) req/s");
  private static final Pattern REQUESTS = Pattern.compile(
      "requests: (\\d+) total, \\d+ started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored");

  private static final Pattern TLS_PROTOCOL = Pattern.compile("TLS Protocol: (\\S+)");
  private static final Pattern CIPHER = Pattern.compile("Cipher: (\\S+)");

  /**
   * Runs h2load against the server and returns its requests/s; any failed request is an error.
   * Over TLS, notes in {@code result} what h2load negotiated.
   */
  private double h2load(int port, Setting setting, Result result) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(pinned("1"));
    command.addAll(List.of("h2load",
        "-c", String.valueOf(setting.clients()), "-m", String.valueOf(setting.streams())));
    if (options.smoke()) {
      command.addAll(List.of("-n", String.valueOf(smokeRequests(setting))));
    } else {
      command.addAll(List.of("-D", String.valueOf(options.durationSeconds())));
      if (options.warmupSeconds() > 0) {
        command.add("--warm-up-time=" + options.warmupSeconds());
      }
    }
    command.addAll(List.of("-d", requestBody.toString(),
        "-H", "content-type: application/grpc", "-H", "te: trailers",
        (certificate == null ? "http" : "https") + "://127.0.0.1:" + port + "/helloworld.Greeter/SayHello"));
    // Its output goes to a file, so that the wait below bounds a run whose h2load never ends
    // (seen over TLS at c=256 on a loaded machine) instead of blocking on its stdout.
    Path outputFile = Files.createTempFile("h2load-", ".out");
    String output;
    try {
      Process h2load = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(outputFile.toFile()).start();
      try {
        long limit = options.durationSeconds() + options.warmupSeconds() + 60L;
        if (!h2load.waitFor(limit, TimeUnit.SECONDS)) {
          throw new IOException("h2load did not finish within " + limit + " s");
        }
      } finally {
        h2load.destroyForcibly();
        h2load.waitFor(10, TimeUnit.SECONDS);
      }
      output = Files.readString(outputFile, StandardCharsets.UTF_8);
      if (h2load.exitValue() != 0) {
        throw new IOException("h2load exited " + h2load.exitValue() + ": " + lastLines(output));
      }
    } finally {
      Files.deleteIfExists(outputFile);
    }
    Matcher finished = FINISHED.matcher(output);
    Matcher requests = REQUESTS.matcher(output);
    if (!finished.find() || !requests.find()) {
      throw new IOException("h2load printed no totals: " + lastLines(output));
    }
    Matcher protocol = TLS_PROTOCOL.matcher(output);
    Matcher cipher = CIPHER.matcher(output);
    if (certificate != null && protocol.find() && cipher.find()) {
      result.negotiated = protocol.group(1) + " " + cipher.group(1);
    }
    long succeeded = Long.parseLong(requests.group(3));
    long failed = Long.parseLong(requests.group(4)) + Long.parseLong(requests.group(5));
    if (failed > 0 || succeeded == 0) {
      throw new IOException(succeeded + " requests succeeded, " + failed + " failed or errored");
    }
    return Double.parseDouble(finished.group(1));
  }

  private static String lastLines(String output) {
    String[] lines = output.strip().split("\n");
    return String.join(" / ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
  }

  static String label(Impl impl) {
    return switch (impl) {
      case SHUTTLE -> "Shuttle";
      case GRPC_JAVA -> "grpc-java (default executor)";
      case GRPC_JAVA_DIRECT -> "grpc-java (directExecutor)";
    };
  }

  private void print(List<Result> results, PrintStream out) {
    out.println("Unary server throughput, grpc_bench style: helloworld.Greeter/SayHello, 100-byte name, h2load"
        + (options.tls() ? ", over TLS" : ""));
    out.printf("machine: %d cores (%s), %s %s, h2load %s%n",
        Runtime.getRuntime().availableProcessors(), Machine.cpuModel(),
        System.getProperty("java.vm.name"), Runtime.version(), h2loadVersion());
    out.printf("server JVM %s, %s; %s%n",
        String.join(" ", SERVER_HEAP),
        pin ? "server pinned to CPU 0, h2load to CPU 1 (taskset)" : "ONE CPU ONLY: server and h2load share it",
        options.smoke() ? "smoke: a fixed few requests per run, no warm-up (the rates mean little)"
            : options.warmupSeconds() + "s warm-up then " + options.durationSeconds() + "s measured per run");
    out.println("Absolute numbers are this machine's; compare the ratios.");
    out.println();
    String header = String.format(Locale.ROOT, "%-30s  %-32s", "server (requests/s)", "gRPC check");
    for (Setting s : SETTINGS) {
      header += String.format(Locale.ROOT, "  %14s", s.label());
    }
    out.println(header);
    for (Result r : results) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-30s  %-32s", label(r.impl), r.check));
      for (Setting s : SETTINGS) {
        Double rps = r.requestsPerSecond.get(s);
        row.append(String.format(Locale.ROOT, "  %14s", rps == null ? "failed" : String.format(Locale.ROOT, "%.0f", rps)));
      }
      out.println(row);
    }
    out.println();
    Result shuttle = results.get(0);
    for (Result baseline : results.subList(1, results.size())) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-64s", "Shuttle / " + label(baseline.impl)));
      for (Setting s : SETTINGS) {
        Double a = shuttle.requestsPerSecond.get(s);
        Double b = baseline.requestsPerSecond.get(s);
        row.append(String.format(Locale.ROOT, "  %14s",
            a == null || b == null || b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b)));
      }
      out.println(row);
    }
    out.println("(ratio > 1: Shuttle serves more requests per second)");
    if (options.tls()) {
      for (Result r : results) {
        out.printf("TLS %s: server %s; h2load negotiated %s%n", label(r.impl), r.transport,
            r.negotiated == null ? "?" : r.negotiated);
      }
    }
    for (Result r : results) {
      for (String problem : r.problems) {
        out.println("problem: " + label(r.impl) + ": " + problem);
      }
    }
  }

  private void record(List<Result> results, Results sink) {
    for (Result r : results) {
      for (Setting s : SETTINGS) {
        Double rps = r.requestsPerSecond.get(s);
        if (rps != null) {
          // The issue asks 2x in cleartext, and at least parity over TLS.
          sink.add("Unary server throughput (h2load, one CPU)", s.label() + (options.tls() ? " (TLS)" : ""),
              "requests/s", Results.Better.HIGHER, label(r.impl), rps, options.tls() ? 1.0 : 2.0);
        }
      }
    }
  }



  private static String h2loadVersion() {
    try {
      Process p = new ProcessBuilder("h2load", "--version").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(5, TimeUnit.SECONDS);
      Matcher m = Pattern.compile("nghttp2/(\\S+)").matcher(text);
      return m.find() ? m.group(1) : text;
    } catch (IOException | InterruptedException e) {
      return "unknown version";
    }
  }

  static Path onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
