package dev.shuttle.bench;

import dev.shuttle.Channel;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.bench.GreeterServer.Impl;
import dev.shuttle.bench.seed.Request;
import dev.shuttle.bench.seed.Response;
import dev.shuttle.bench.seed.TestServerClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What a server costs to hold and to start, Shuttle against grpc-java: three measurements.
 *
 * <ol>
 *   <li><b>RSS under load</b>: each Greeter server ({@link GreeterServer}: Shuttle, grpc-java with
 *       its default executor and with directExecutor) pinned to CPU 0, driven by h2load on CPU 1
 *       with benchmark 1's workload (c=4 m=64), with the default heap and with {@code -Xmx64m};
 *       the largest {@code VmRSS} seen during the measured part, and the peak {@code VmHWM}
 *       after it, from {@code /proc/PID/status}. With {@code -Xmx64m} the rate and the absence
 *       of errors show whether serving is unchanged.
 *   <li><b>Cold start</b>: the seed example's server (Shuttle: {@code examples}' SeedServer;
 *       grpc-java: {@link GrpcSeedServer}, the same service, health and reflection), each on its
 *       own runtime classpath: the time from launching its JVM to the first OK answer to
 *       {@code GetRandom}, which this program polls for. The median of several starts.
 *   <li><b>Runtime jars</b>: what each stack's seed server needs on its classpath besides the
 *       application's own jar: Shuttle, {@code examples/target/lib} as Maven resolves it; grpc-java,
 *       every jar of this module's {@code target/lib} but Shuttle's own and HdrHistogram.
 * </ol>
 */
public final class FootprintBench {
  static final String USAGE =
      """
      usage: bench-footprint [--only rss,start,jars] [--duration-seconds N] [--warmup-seconds N] [--starts N]
                             [--smoke] [--results FILE] [--help]
      Server RSS (VmRSS, VmHWM) of each Greeter server (Shuttle, grpc-java default executor, grpc-java
      directExecutor) under h2load c=4 m=64, with the default heap and with -Xmx64m; the time from JVM
      start to the first answered RPC of the seed example's server on both stacks; and the runtime jars
      each stack's seed server needs. Servers pinned to CPU 0, h2load to CPU 1. Needs h2load and taskset.
        --only LIST           some of rss, start, jars (default all three)
        --duration-seconds N  measured seconds of each load run (default 10)
        --warmup-seconds N    h2load warm-up before it (default 5)
        --starts N            cold starts per stack, after one discarded each; the median counts (default 5)
        --smoke               one second of each load run (no warm-up) and one start each, to check that it runs
        --results FILE        also append the numbers to FILE for bin/bench-report""";

  static final String RSS_BENCHMARK = "Server RSS under load (h2load c=4 m=64)";
  static final String START_BENCHMARK = "Cold start to first answered RPC (seed example)";
  static final String JARS_BENCHMARK = "Runtime jars (seed example)";

  /** The two heaps the servers run with: the JVM's default, and a small container's. */
  enum Heap {
    DEFAULT("default heap", List.of()),
    SMALL("-Xmx64m", List.of("-Xmx64m"));

    final String label;
    final List<String> flags;

    Heap(String label, List<String> flags) {
      this.label = label;
      this.flags = flags;
    }
  }

  /** The two stacks of the seed example. */
  enum Stack {
    SHUTTLE("Shuttle"),
    GRPC_JAVA("grpc-java");

    final String label;

    Stack(String label) {
      this.label = label;
    }
  }

  /** {@code discardFirstStart}: one start of each stack before the measured ones (not in smoke runs). */
  record Options(Set<String> parts, int durationSeconds, int warmupSeconds, int starts, boolean discardFirstStart,
      Path resultsFile) {}

  /** One server's load run. */
  record Rss(long idleKib, long underLoadKib, long peakKib, double requestsPerSecond) {}

  /** A stack's runtime classpath: the application's entry, and the libraries, each a jar. */
  record Runtime(Path app, List<Path> libraries) {
    long bytes() {
      return libraries.stream().mapToLong(FootprintBench::size).sum();
    }

    String classpath() {
      return String.join(java.io.File.pathSeparator,
          Stream.concat(Stream.of(app), libraries.stream()).map(Path::toString).toList());
    }
  }

  private final Options options;
  private final PrintStream progress;
  private final boolean pin;
  private final Map<Heap, Map<Impl, Rss>> rss = new EnumMap<>(Heap.class);
  private final Map<Stack, List<Long>> startNanos = new EnumMap<>(Stack.class);
  private final Map<Stack, Runtime> runtimes = new EnumMap<>(Stack.class);
  private final List<String> problems = new ArrayList<>();
  private String serverJvm = "";

  private FootprintBench(Options options, PrintStream progress, boolean pin) {
    this.options = options;
    this.progress = progress;
    this.pin = pin;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Args.Invocation<Options> invocation =
        Args.invocation("bench-footprint", USAGE, args, FootprintBench::parse, out, err);
    if (invocation.options() == null) {
      return invocation.exitStatus();
    }
    Options options = invocation.options();
    if (options.parts().contains("rss")) {
      for (String tool : List.of("h2load", "taskset")) {
        if (GrpcBench.onPath(tool) == null) {
          err.println("bench-footprint: " + tool + " is not on PATH"
              + (tool.equals("h2load") ? " (apt-get install nghttp2-client)" : " (apt-get install util-linux)"));
          return 3;
        }
      }
    }
    FootprintBench bench = new FootprintBench(options, err, Machine.canPin());
    try {
      bench.findRuntimes();
    } catch (IOException e) {
      err.println("bench-footprint: " + e.getMessage());
      return 3;
    }
    bench.serverJvm = bench.describeServerJvm();
    if (options.parts().contains("rss")) {
      bench.measureRss();
    }
    if (options.parts().contains("start")) {
      bench.measureStarts();
    }
    bench.print(out);
    bench.record(Results.appendingTo(options.resultsFile()));
    out.flush();
    return bench.problems.isEmpty() ? 0 : 1;
  }

  static Options parse(String[] argv) {
    Args args = Args.parse(argv, Set.of("--help", "--smoke"),
        Set.of("--only", "--duration-seconds", "--warmup-seconds", "--starts", "--results"));
    if (args.has("--help")) {
      return null;
    }
    List<String> all = List.of("rss", "start", "jars");
    Set<String> parts = Set.copyOf(args.oneOf("--only", all, all));
    int duration = args.intAtLeast("--duration-seconds", 10, 1);
    int warmup = args.intAtLeast("--warmup-seconds", 5, 0);
    int starts = args.intAtLeast("--starts", 5, 1);
    boolean smoke = args.has("--smoke");
    if (smoke) {
      duration = 1;
      warmup = 0;
      starts = 1;
    }
    return new Options(parts, duration, warmup, starts, !smoke, args.path("--results"));
  }

  // ---------------------------------------------------------------------------------------------
  // The classpaths.

  /**
   * Finds each stack's seed runtime in the checkout this program was built in: benchmarks/target/lib
   * has grpc-java's jars; examples/target holds the seed example's jar and lib/.
   */
  private void findRuntimes() throws IOException {
    Path self;
    try {
      self = Path.of(FootprintBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException("cannot tell where this program's classes are", e);
    }
    // This jar may also be a copy in another module's target/lib (bin/bench-report runs with the
    // JMH module's classpath): the checkout is the nearest ancestor with both modules in it.
    Path root = self.getParent();
    while (root != null && !(Files.isDirectory(root.resolve("benchmarks")) && Files.isDirectory(root.resolve("examples")))) {
      root = root.getParent();
    }
    if (root == null) {
      throw new IOException("cannot find the checkout (with benchmarks/ and examples/) above " + self);
    }
    Path benchmarksTarget = root.resolve("benchmarks").resolve("target");
    Path examplesTarget = root.resolve("examples").resolve("target");
    Path grpcLib = benchmarksTarget.resolve("lib");
    Path shuttleLib = examplesTarget.resolve("lib");
    Path seedJar;
    try (Stream<Path> files = list(examplesTarget)) {
      seedJar = files.filter(p -> p.getFileName().toString().matches("shuttle-examples-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst().orElse(null);
    }
    if (!Files.isDirectory(grpcLib) || !Files.isDirectory(shuttleLib) || seedJar == null) {
      throw new IOException("the packaged modules are missing (" + grpcLib + ", " + shuttleLib
          + ", the examples jar); build them first: mvn -DskipTests package");
    }
    List<Path> shuttle;
    try (Stream<Path> files = list(shuttleLib)) {
      shuttle = files.filter(FootprintBench::isJar).sorted().toList();
    }
    List<Path> grpc;
    try (Stream<Path> files = list(grpcLib)) {
      // Shuttle's modules and the benchmark's own HdrHistogram; the rest is grpc-java's closure
      // (with protobuf-java and common protos, which both stacks need).
      grpc = files.filter(FootprintBench::isJar)
          .filter(p -> !p.getFileName().toString().startsWith("shuttle-"))
          .filter(p -> !p.getFileName().toString().startsWith("HdrHistogram-"))
          .sorted().toList();
    }
    runtimes.put(Stack.SHUTTLE, new Runtime(seedJar, shuttle));
    runtimes.put(Stack.GRPC_JAVA, new Runtime(self, grpc));
  }

  private static Stream<Path> list(Path dir) throws IOException {
    return Files.isDirectory(dir) ? Files.list(dir) : Stream.empty();
  }

  private static boolean isJar(Path p) {
    return p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p);
  }

  static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  /** The server JVMs' flags without the fixed heap of benchmark 1: each run adds its own. */
  static List<String> baseJvmFlags() {
    List<String> flags = new ArrayList<>(GrpcBench.serverJvmFlags());
    flags.removeAll(GrpcBench.SERVER_HEAP);
    return flags;
  }

  /** Which collector and default heap a server JVM gets where the servers run (ergonomics). */
  private String describeServerJvm() {
    List<String> command = new ArrayList<>(ChildJvm.pinnedTo(pin ? "0" : null));
    command.add(ChildJvm.javaBinary());
    command.addAll(baseJvmFlags());
    command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      String gc = "unknown GC";
      long maxHeap = -1;
      for (String line : text.lines().toList()) {
        String[] f = line.strip().split("\\s+");
        if (f.length >= 4 && f[1].matches("Use(Serial|G1|Parallel|Z|Shenandoah|Epsilon)GC") && f[3].equals("true")) {
          gc = f[1].substring(3);
        }
        if (f.length >= 4 && f[1].equals("MaxHeapSize")) {
          maxHeap = Long.parseLong(f[3]);
        }
      }
      return String.format(Locale.ROOT, "%s, default max heap %.0f MiB", gc, maxHeap / 1048576.0);
    } catch (IOException | InterruptedException | RuntimeException e) {
      return "GC unknown";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // RSS under load.

  private void measureRss() throws InterruptedException {
    for (Heap heap : Heap.values()) {
      Map<Impl, Rss> byImpl = new EnumMap<>(Impl.class);
      rss.put(heap, byImpl);
      for (Impl impl : Impl.values()) {
        progress.printf("== RSS: %s, %s%n", GrpcBench.label(impl), heap.label);
        List<String> flags = new ArrayList<>(baseJvmFlags());
        flags.addAll(heap.flags);
        try (ServerProcess server = ServerProcess.startGreeter(impl, flags, pin ? "0" : null)) {
          String check = server.check();
          progress.println("  gRPC check: " + check);
          if (!check.startsWith("ok")) {
            problems.add(GrpcBench.label(impl) + ", " + heap.label + ": " + check + " (log " + server.log() + ")");
            continue;
          }
          long idle = server.statusKib("VmRSS");
          AtomicLong underLoad = new AtomicLong(-1);
          long measuredFrom = TimeUnit.SECONDS.toNanos(options.warmupSeconds());
          H2Load.Outcome outcome;
          try {
            outcome = H2Load.run(server.port, 4, 64, options.warmupSeconds(), options.durationSeconds(),
                pin ? "1" : null, elapsed -> {
                  if (elapsed >= measuredFrom) {
                    underLoad.accumulateAndGet(server.statusKib("VmRSS"), Math::max);
                  }
                });
          } catch (IOException e) {
            server.keepLog();
            problems.add(GrpcBench.label(impl) + ", " + heap.label + ": " + e.getMessage() + " (log " + server.log() + ")");
            continue;
          }
          long peak = server.statusKib("VmHWM");
          Rss r = new Rss(idle, underLoad.get(), peak, outcome.requestsPerSecond());
          byImpl.put(impl, r);
          progress.printf(Locale.ROOT, "  idle %.0f MiB, under load %.0f MiB, peak %.0f MiB, %.0f requests/s%n",
              r.idleKib() / 1024.0, r.underLoadKib() / 1024.0, r.peakKib() / 1024.0, r.requestsPerSecond());
          server.stop(problems);
        } catch (IOException e) {
          problems.add(GrpcBench.label(impl) + ", " + heap.label + ": " + e.getMessage());
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Cold start.

  private void measureStarts() throws InterruptedException {
    for (Stack stack : Stack.values()) {
      startNanos.put(stack, new ArrayList<>());
    }
    // One discarded start of each first: the page cache then holds every jar and the JDK's files
    // for both alike, and this program's client is warm.
    for (int round = options.discardFirstStart() ? 0 : 1; round <= options.starts(); round++) {
      for (Stack stack : Stack.values()) {
        try {
          long nanos = timeToFirstAnswer(stack);
          if (round > 0) {
            startNanos.get(stack).add(nanos);
          }
          progress.printf(Locale.ROOT, "== cold start %s%s: %.0f ms%n", stack.label, round == 0 ? " (discarded)" : "",
              nanos / 1e6);
        } catch (IOException e) {
          problems.add("cold start of " + stack.label + ": " + e.getMessage());
          return;
        }
      }
    }
  }

  /** Launches the stack's seed server and polls it until GetRandom answers OK. */
  private long timeToFirstAnswer(Stack stack) throws IOException, InterruptedException {
    int port = freePort();
    Runtime runtime = runtimes.get(stack);
    List<String> command = new ArrayList<>(ChildJvm.pinnedTo(pin ? "0" : null));
    command.add(ChildJvm.javaBinary());
    command.addAll(baseJvmFlags());
    command.addAll(List.of("-cp", runtime.classpath(),
        stack == Stack.SHUTTLE ? "dev.shuttle.examples.seed.SeedServer" : GrpcSeedServer.class.getName(),
        "127.0.0.1:" + port));
    Path log = Files.createTempFile("seed-server-", ".log");
    Request request = Request.newBuilder().setId("123").build();
    long start = System.nanoTime();
    Process server = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile()).start();
    boolean keepLog = true;
    try (Channel channel = Channel.plaintext("127.0.0.1:" + port)) {
      TestServerClient client = TestServerClient.of(channel).withTimeout(Duration.ofSeconds(5));
      while (true) {
        if (!server.isAlive()) {
          throw new IOException(stack.label + " seed server exited " + server.exitValue() + " (log " + log + ")");
        }
        if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
          throw new IOException(stack.label + " seed server did not answer within 60 s (log " + log + ")");
        }
        try {
          Response response = client.getRandom(request);
          long elapsed = System.nanoTime() - start;
          if (response.getRandom() < 10 || response.getRandom() > 20) {
            throw new IOException(stack.label + " seed server answered " + response.getRandom() + ", not 10..20");
          }
          keepLog = false;
          return elapsed;
        } catch (StatusException e) {
          if (e.status().code() != Status.Code.UNAVAILABLE) {
            throw new IOException(stack.label + " seed server failed the call: " + e.status(), e);
          }
          Thread.sleep(1); // not listening yet
        }
      }
    } finally {
      server.destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
        server.waitFor(10, TimeUnit.SECONDS);
      }
      if (!keepLog) {
        Files.deleteIfExists(log);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The median; of an even count, the lower of the two middle values. */
  static long median(List<Long> values) {
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted.length == 0 ? -1 : sorted[(sorted.length - 1) / 2];
  }

  // ---------------------------------------------------------------------------------------------
  // The table.

  private void print(PrintStream out) {
    out.println("Footprint: server RSS under load, cold start to first RPC, runtime jars; Shuttle and grpc-java");
    out.println("machine: " + Machine.describe());
    out.printf("servers: a JVM each%s with %s (%s); h2load%s; %ds warm-up then %ds measured per load run%n",
        pin ? " pinned to CPU 0" : "", String.join(" ", baseJvmFlags()), serverJvm, pin ? " on CPU 1" : "",
        options.warmupSeconds(), options.durationSeconds());
    if (!pin) {
      out.println("ONE CPU ONLY (or no taskset): servers and load share the CPUs");
    }
    out.println("Absolute numbers are this machine's; compare the ratios.");
    if (options.parts().contains("rss")) {
      printRss(out);
    }
    if (options.parts().contains("start")) {
      printStarts(out);
    }
    if (options.parts().contains("jars")) {
      printJars(out);
    }
    for (String problem : problems) {
      out.println("problem: " + problem);
    }
  }

  private void printRss(PrintStream out) {
    out.println();
    out.println("Server RSS, Greeter under h2load c=4 m=64 (MiB; under load: the largest VmRSS seen while measured;"
        + " peak: VmHWM)");
    out.printf(Locale.ROOT, "%-30s  %-12s %10s %12s %10s %12s%n", "server", "heap", "idle RSS", "under load", "peak",
        "requests/s");
    for (Heap heap : Heap.values()) {
      for (Impl impl : Impl.values()) {
        Rss r = rss.getOrDefault(heap, Map.of()).get(impl);
        if (r == null) {
          out.printf(Locale.ROOT, "%-30s  %-12s %10s%n", GrpcBench.label(impl), heap.label, "failed");
        } else {
          out.printf(Locale.ROOT, "%-30s  %-12s %10.0f %12.0f %10.0f %12.0f%n", GrpcBench.label(impl), heap.label,
              r.idleKib() / 1024.0, r.underLoadKib() / 1024.0, r.peakKib() / 1024.0, r.requestsPerSecond());
        }
      }
    }
    out.println();
    for (Heap heap : Heap.values()) {
      Map<Impl, Rss> byImpl = rss.getOrDefault(heap, Map.of());
      Rss shuttle = byImpl.get(Impl.SHUTTLE);
      for (Impl other : List.of(Impl.GRPC_JAVA, Impl.GRPC_JAVA_DIRECT)) {
        Rss o = byImpl.get(other);
        out.printf(Locale.ROOT, "%-44s %-12s RSS under load %6s   peak %6s%n", "Shuttle / " + GrpcBench.label(other),
            heap.label, ratio(shuttle == null ? -1 : shuttle.underLoadKib(), o == null ? -1 : o.underLoadKib()),
            ratio(shuttle == null ? -1 : shuttle.peakKib(), o == null ? -1 : o.peakKib()));
      }
    }
    out.println("(ratio < 1: Shuttle holds less memory. Target: at most 0.5 under load with the default heap)");
    for (Impl impl : Impl.values()) {
      Rss small = rss.getOrDefault(Heap.SMALL, Map.of()).get(impl);
      Rss dflt = rss.getOrDefault(Heap.DEFAULT, Map.of()).get(impl);
      out.printf(Locale.ROOT, "%-44s -Xmx64m / default heap, requests/s %6s, no request failed: %s%n",
          GrpcBench.label(impl), ratio(small == null ? -1 : small.requestsPerSecond(),
              dflt == null ? -1 : dflt.requestsPerSecond()), small == null ? "no (see problems)" : "yes");
    }
    out.println("(serving unchanged with -Xmx64m: a ratio near 1 and no failed request)");
  }

  private void printStarts(PrintStream out) {
    out.println();
    out.printf("Cold start: JVM launch to the first OK GetRandom of the seed server (ms; median of %d%s)%n",
        options.starts(), options.discardFirstStart() ? ", after one discarded start each" : "");
    out.println("  Shuttle: examples' SeedServer; grpc-java: GrpcSeedServer (Netty, default executor); both serve"
        + " TestServer, grpc.health.v1 and reflection");
    out.printf(Locale.ROOT, "%-30s %10s   %s%n", "seed server", "median", "every start");
    for (Stack stack : Stack.values()) {
      List<Long> nanos = startNanos.getOrDefault(stack, List.of());
      out.printf(Locale.ROOT, "%-30s %10s   %s%n", stack.label,
          nanos.isEmpty() ? "failed" : String.format(Locale.ROOT, "%.0f", median(nanos) / 1e6),
          String.join(" ", nanos.stream().map(n -> String.format(Locale.ROOT, "%.0f", n / 1e6)).toList()));
    }
    List<Long> s = startNanos.getOrDefault(Stack.SHUTTLE, List.of());
    List<Long> g = startNanos.getOrDefault(Stack.GRPC_JAVA, List.of());
    out.printf("Shuttle / grpc-java %s   (ratio < 1: Shuttle answers sooner. Target: at most 0.5)%n",
        ratio(s.isEmpty() ? -1 : median(s), g.isEmpty() ? -1 : median(g)));
  }

  private void printJars(PrintStream out) {
    out.println();
    out.println("Runtime jars of the seed server, besides the application's own (Shuttle: examples/target/lib;"
        + " grpc-java: its closure as Maven resolves it)");
    out.printf(Locale.ROOT, "%-30s %6s %12s%n", "stack", "jars", "MiB");
    for (Stack stack : Stack.values()) {
      Runtime r = runtimes.get(stack);
      out.printf(Locale.ROOT, "%-30s %6d %12.2f%n", stack.label, r.libraries().size(), r.bytes() / 1048576.0);
    }
    Runtime s = runtimes.get(Stack.SHUTTLE);
    Runtime g = runtimes.get(Stack.GRPC_JAVA);
    out.printf("Shuttle / grpc-java: bytes %s, jars %s   (ratio < 1: Shuttle ships less)%n",
        ratio(s.bytes(), g.bytes()), ratio(s.libraries().size(), g.libraries().size()));
    for (Stack stack : Stack.values()) {
      out.println(stack.label + ": " + String.join(", ", runtimes.get(stack).libraries().stream()
          .map(p -> String.format(Locale.ROOT, "%s (%.0f KiB)", p.getFileName(), size(p) / 1024.0)).toList()));
    }
  }

  private static String ratio(double a, double b) {
    return a < 0 || b <= 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  private void record(Results sink) {
    for (Map.Entry<Heap, Map<Impl, Rss>> byHeap : rss.entrySet()) {
      Heap heap = byHeap.getKey();
      for (Map.Entry<Impl, Rss> e : byHeap.getValue().entrySet()) {
        String impl = GrpcBench.label(e.getKey());
        Rss r = e.getValue();
        sink.add(RSS_BENCHMARK, heap.label, "RSS under load MiB", Results.Better.LOWER, impl, r.underLoadKib() / 1024.0,
            heap == Heap.DEFAULT ? 0.5 : 0);
        sink.add(RSS_BENCHMARK, heap.label, "peak RSS MiB", Results.Better.LOWER, impl, r.peakKib() / 1024.0, 0);
        sink.add(RSS_BENCHMARK, heap.label, "requests/s", Results.Better.HIGHER, impl, r.requestsPerSecond(), 0);
      }
    }
    for (Map.Entry<Stack, List<Long>> e : startNanos.entrySet()) {
      if (!e.getValue().isEmpty()) {
        sink.add(START_BENCHMARK, "JVM launch to first OK GetRandom", "ms", Results.Better.LOWER, e.getKey().label,
            median(e.getValue()) / 1e6, 0.5);
      }
    }
    if (options.parts().contains("jars")) {
      for (Map.Entry<Stack, Runtime> e : runtimes.entrySet()) {
        sink.add(JARS_BENCHMARK, "runtime classpath besides the application", "MiB", Results.Better.LOWER,
            e.getKey().label, e.getValue().bytes() / 1048576.0, 0);
        sink.add(JARS_BENCHMARK, "runtime classpath besides the application", "jars", Results.Better.LOWER,
            e.getKey().label, e.getValue().libraries().size(), 0);
      }
    }
  }
}
