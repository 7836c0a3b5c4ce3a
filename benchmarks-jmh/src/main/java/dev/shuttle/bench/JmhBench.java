package dev.shuttle.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.runner.format.OutputFormatFactory;

/**
 * Runs the JMH micro-benchmarks of this module through JMH's {@link Runner}, with the GC profiler
 * ({@code -prof gc}) on, and prints a table of ops/s and bytes allocated per operation with
 * Shuttle's ratios to grpc-java; with {@code --results FILE} it also appends those rows for the
 * report (it sits in the harness's package, on the class path, for {@link Results}). Arguments it
 * does not know go to JMH ({@code -f 2}, a benchmark regex, {@code -prof
 * stack}...), and JMH's own log goes to stderr.
 *
 * <pre>{@code
 * bin/bench-jmh --smoke                 # one fork, a fraction of a second per iteration
 * bin/bench-jmh UnaryRpc -f 2           # the allocation per RPC only, two forks
 * }</pre>
 */
public final class JmhBench {
  static final String USAGE =
      """
      usage: bench-jmh [--smoke] [--results FILE] [--help] [JMH arguments...]
      JMH micro-benchmarks, Shuttle against grpc-java (Netty) where both have a public API for it:
      HPACK encode and decode, HTTP/2 frame write and read, gRPC message framing (Shuttle only:
      grpc-java's framer is internal), and a unary RPC over loopback with client and server in one
      JVM, whose gc.alloc.rate.norm (-prof gc, always on) is the allocation per RPC of both sides.
        --smoke         one fork, one 200 ms warm-up and two 200 ms measurements per benchmark
        --results FILE  also append ops/s and B/op rows to FILE for bin/bench-report
      Without --smoke: one fork, 3 x 1 s warm-up and 5 x 1 s measured per benchmark (about 2.5 minutes).
      Anything else goes to JMH: a benchmark regex (HpackEncode, UnaryRpc...), -f, -wi, -i, -prof...""";

  static final String BENCHMARK = "JMH micro-benchmarks";
  static final String ALLOCATION = "gc.alloc.rate.norm";

  /** What a JMH benchmark method measures, and whose it is. */
  record Label(String topic, String impl, double allocationTarget) {}

  /** Every benchmark method, in table order: {@code Class.method} to what it measures. */
  static final Map<String, Label> LABELS = new LinkedHashMap<>();

  static {
    String encode = "HPACK encode: one request header block, steady state";
    String decode = "HPACK decode: one request header block, steady state";
    String write = "HTTP/2 frame write: one request (HEADERS + DATA), flushed";
    String read = "HTTP/2 frame read: one response (HEADERS, DATA, trailers)";
    String unary = "Unary RPC over loopback, client + server in one JVM";
    LABELS.put("HpackEncode.shuttle", new Label(encode, "Shuttle", 0));
    LABELS.put("HpackEncode.netty", new Label(encode, "grpc-java (Netty's HPACK)", 0));
    LABELS.put("HpackDecode.shuttle", new Label(decode, "Shuttle", 0));
    LABELS.put("HpackDecode.netty", new Label(decode, "grpc-java (Netty's HPACK)", 0));
    LABELS.put("FrameWrite.shuttle", new Label(write, "Shuttle", 0));
    LABELS.put("FrameWrite.netty", new Label(write, "grpc-java (Netty's frame writer)", 0));
    LABELS.put("FrameRead.shuttle", new Label(read, "Shuttle", 0));
    LABELS.put("FrameRead.netty", new Label(read, "grpc-java (Netty's frame reader)", 0));
    LABELS.put("MessageFraming.shuttleFrame", new Label("gRPC message framing: serialize + prefix", "Shuttle", 0));
    LABELS.put("MessageFraming.shuttleDeframe", new Label("gRPC message framing: deframe + parse", "Shuttle", 0));
    LABELS.put("UnaryRpc.shuttle", new Label(unary, "Shuttle", 0.5));
    LABELS.put("UnaryRpc.grpcJavaDirectExecutor", new Label(unary, "grpc-java (directExecutor)", 0.5));
    LABELS.put("UnaryRpc.grpcJavaDefaultExecutor", new Label(unary, "grpc-java (default executor)", 0.5));
  }

  /** One benchmark's outcome. */
  record Measured(Label label, double opsPerSecond, double bytesPerOp) {}

  private JmhBench() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    boolean smoke = false;
    Path resultsFile = null;
    List<String> jmhArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        out.println(USAGE);
        return 0;
      } else if (arg.equals("--smoke")) {
        smoke = true;
      } else if (arg.startsWith("--results=")) {
        resultsFile = Path.of(arg.substring("--results=".length()));
      } else if (arg.equals("--results")) {
        if (i + 1 >= args.length) {
          err.println("bench-jmh: --results needs a file");
          err.println(USAGE);
          return 2;
        }
        resultsFile = Path.of(args[++i]);
      } else {
        jmhArgs.add(arg);
      }
    }
    CommandLineOptions jmh;
    try {
      jmh = new CommandLineOptions(jmhArgs.toArray(String[]::new));
    } catch (CommandLineOptionException e) {
      err.println("bench-jmh: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    ChainedOptionsBuilder options = new OptionsBuilder().parent(jmh);
    if (!jmh.shouldFailOnError().hasValue()) {
      options.shouldFailOnError(true); // a benchmark that throws makes the run fail, not a hole in the table
    }
    if (!jmh.getForkCount().hasValue()) {
      options.forks(1);
    }
    TimeValue iteration = smoke ? TimeValue.milliseconds(200) : TimeValue.seconds(1);
    if (!jmh.getWarmupIterations().hasValue()) {
      options.warmupIterations(smoke ? 1 : 3);
    }
    if (!jmh.getWarmupTime().hasValue()) {
      options.warmupTime(iteration);
    }
    if (!jmh.getMeasurementIterations().hasValue()) {
      options.measurementIterations(smoke ? 2 : 5);
    }
    if (!jmh.getMeasurementTime().hasValue()) {
      options.measurementTime(iteration);
    }
    if (jmh.getProfilers().stream().noneMatch(p -> p.getKlass().equals(GCProfiler.class.getName()))) {
      options.addProfiler(GCProfiler.class);
    }
    if (!jmh.getJvmArgs().hasValue() && !jmh.getJvmArgsAppend().hasValue()) {
      // The forks run with the same fixed heap as the benchmark servers, and without the JDK's
      // warnings about Netty's native transport and protobuf's Unsafe.
      List<String> append = new ArrayList<>(List.of("-Xms512m", "-Xmx512m"));
      if (Runtime.version().feature() >= 22) {
        append.add("--enable-native-access=ALL-UNNAMED");
      }
      if (Runtime.version().feature() >= 24) {
        append.add("--sun-misc-unsafe-memory-access=allow");
      }
      options.jvmArgsAppend(append.toArray(String[]::new));
    }
    Collection<RunResult> runs;
    try {
      runs = new Runner(options.build(), OutputFormatFactory.createFormatInstance(err, VerboseMode.NORMAL)).run();
    } catch (RunnerException e) {
      err.println("bench-jmh: " + e.getMessage());
      return 1;
    }
    Map<String, Measured> measured = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (RunResult run : runs) {
      String name = run.getParams().getBenchmark();
      String key = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      Label label = LABELS.get(key);
      if (label == null) {
        unknown.add(key);
        continue;
      }
      Result<?> alloc = run.getSecondaryResults().get(ALLOCATION);
      measured.put(key, new Measured(label, run.getPrimaryResult().getScore(), alloc == null ? Double.NaN : alloc.getScore()));
    }
    print(out, measured, unknown, smoke);
    record(resultsFile, measured);
    out.flush();
    return measured.isEmpty() ? 1 : 0;
  }

  private static void print(PrintStream out, Map<String, Measured> measured, List<String> unknown, boolean smoke) {
    out.println("JMH micro-benchmarks: Shuttle against grpc-java (Netty) on the hot path; -prof gc");
    out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
        + System.getProperty("java.vm.name") + " " + Runtime.version() + "; JMH 1.37, one fork per benchmark"
        + (smoke ? ", SMOKE: 200 ms iterations, numbers are only a sign of life" : ""));
    out.println("Absolute numbers are this machine's; compare the ratios.");
    out.println();
    out.printf(Locale.ROOT, "%-60s  %-34s %14s %12s%n", "benchmark", "implementation", "ops/s", "B/op");
    for (Measured m : ordered(measured)) {
      out.printf(Locale.ROOT, "%-60s  %-34s %14.0f %12.1f%n", m.label().topic(), m.label().impl(), m.opsPerSecond(),
          m.bytesPerOp());
    }
    out.println();
    out.printf(Locale.ROOT, "%-60s  %-34s %14s %12s%n", "Shuttle / grpc-java", "against", "ops/s", "B/op");
    for (Measured shuttle : ordered(measured)) {
      if (!shuttle.label().impl().equals("Shuttle")) {
        continue;
      }
      boolean compared = false;
      for (Measured other : ordered(measured)) {
        if (other.label().topic().equals(shuttle.label().topic()) && other.label().impl().startsWith("grpc-java")) {
          compared = true;
          out.printf(Locale.ROOT, "%-60s  %-34s %14s %12s%n", shuttle.label().topic(), other.label().impl(),
              ratio(shuttle.opsPerSecond(), other.opsPerSecond()), ratio(shuttle.bytesPerOp(), other.bytesPerOp()));
        }
      }
      if (!compared) {
        out.printf(Locale.ROOT, "%-60s  %-34s %14s %12s%n", shuttle.label().topic(),
            "(no public grpc-java API to compare)", "-", "-");
      }
    }
    out.println("(ops/s ratio > 1: Shuttle does more per second; B/op ratio < 1: Shuttle allocates less."
        + " Target: allocation per unary RPC at most 0.5 of grpc-java's)");
    for (String key : unknown) {
      out.println("note: " + key + " has no label in JmhBench.LABELS");
    }
  }

  private static List<Measured> ordered(Map<String, Measured> measured) {
    List<Measured> list = new ArrayList<>();
    for (String key : LABELS.keySet()) {
      if (measured.containsKey(key)) {
        list.add(measured.get(key));
      }
    }
    return list;
  }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b <= 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  private static void record(Path file, Map<String, Measured> measured) {
    Results sink = Results.appendingTo(file);
    for (Measured m : ordered(measured)) {
      sink.add(BENCHMARK, m.label().topic(), "ops/s", Results.Better.HIGHER, m.label().impl(), m.opsPerSecond(), 0);
      sink.add(BENCHMARK, m.label().topic(), "B/op", Results.Better.LOWER, m.label().impl(), m.bytesPerOp(),
          m.label().allocationTarget());
    }
  }
}
