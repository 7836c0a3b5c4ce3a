package dev.shuttle.bench;

import dev.shuttle.bench.Results.Better;
import dev.shuttle.bench.Results.Row;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs every benchmark of the suite one after the other, each appending its numbers to one
 * results file, then writes the comparison: a Markdown table ({@code results.md}), an SVG chart of
 * the ratios ({@code results.svg}), the raw rows ({@code results.tsv}) and each benchmark's own
 * printed table ({@code output.txt}).
 *
 * <p>For every scenario and metric, Shuttle's value is divided by grpc-java's best value in the
 * same run (its highest when higher is better, its lowest when lower is), and the chart shows how
 * many times better Shuttle is, so a bar past 1 is a lead whichever way the metric goes.
 *
 * <pre>{@code
 * bin/bench-report                 # the whole suite, about half an hour; writes docs/benchmarks/
 * bin/bench-report --smoke --out /tmp/report
 * }</pre>
 */
public final class Report {
  static final String USAGE =
      """
      usage: bench-report [--smoke] [--out DIR] [--only NAME[,NAME...]] [--append] [--help]
      Runs the benchmark suite, Shuttle against grpc-java in the same run, and writes DIR/results.md
      (the table), DIR/results.svg (the ratios as a chart), DIR/results.tsv (the raw rows) and
      DIR/output.txt (what each benchmark printed).
        --smoke          each benchmark in its smoke mode: checks that everything runs (a few minutes)
        --out DIR        where to write (default docs/benchmarks)
        --only NAMES     only these benchmarks, comma-separated: %s
        --append         add to DIR's results.tsv and output.txt instead of starting afresh (to rerun one benchmark)
      Exit status 1 if a benchmark failed (the report still lists what was measured), 2 on a usage error.
      """;

  /** A benchmark of the suite: its name, what it measures, its entry point and its arguments. */
  record Benchmark(String name, String title, Entry entry, List<String> args) {}

  @FunctionalInterface
  interface Entry {
    int run(String[] args, PrintStream out, PrintStream err) throws Exception;
  }

  /** The suite, in the order it runs. */
  static final List<Benchmark> SUITE = List.of(
      new Benchmark("grpc-bench", "Unary server throughput, grpc_bench style (h2load)", GrpcBench::run, List.of()),
      new Benchmark("grpc-bench-tls", "Unary server throughput over TLS (h2load)", GrpcBench::run, List.of("--tls")),
      new Benchmark("streaming", "Streaming messages/s and MB/s", StreamingBench::run, List.of()),
      new Benchmark("streaming-tls", "Streaming over TLS", StreamingBench::run, List.of("--tls", "--no-cross")),
      new Benchmark("latency", "Unary latency under load, closed and open loop", LatencyBench::run, List.of()),
      new Benchmark("ping-pong", "Ping-pong latency, one call at a time", PingPong::run, List.of()),
      new Benchmark("client", "Client-side unary calls/s and latency", ClientBench::run, List.of()),
      new Benchmark("footprint", "Server RSS, cold start and runtime jars", FootprintBench::run, List.of()),
      new Benchmark("jmh", "JMH micro-benchmarks of the hot path, with allocation per RPC", Report::runJmh, List.of()));

  /**
   * JMH's benchmarks live in module benchmarks-jmh, which depends on this one; bin/bench-report
   * runs with that module's classpath, so its entry point is found by name.
   */
  private static int runJmh(String[] args, PrintStream out, PrintStream err) throws Exception {
    Class<?> jmh;
    try {
      jmh = Class.forName("dev.shuttle.bench.JmhBench");
    } catch (ClassNotFoundException e) {
      err.println("bench-report: the JMH benchmarks (module benchmarks-jmh) are not on the classpath; run bin/bench-report");
      return 3;
    }
    var run = jmh.getDeclaredMethod("run", String[].class, PrintStream.class, PrintStream.class);
    run.setAccessible(true);
    try {
      return (int) run.invoke(null, args, out, err);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  record Options(boolean smoke, Path out, List<Benchmark> benchmarks, boolean append) {}

  private Report() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("bench-report: " + e.getMessage());
      err.print(usage());
      return 2;
    }
    if (options == null) {
      out.print(usage());
      return 0;
    }
    Files.createDirectories(options.out());
    Path tsv = options.out().resolve("results.tsv");
    Path outputFile = options.out().resolve("output.txt");
    StringBuilder printed = new StringBuilder();
    if (options.append() && Files.exists(tsv)) {
      if (Files.exists(outputFile)) {
        printed.append(Files.readString(outputFile));
      }
    } else {
      Files.deleteIfExists(tsv);
      Files.writeString(tsv, "# benchmark\tscenario\tmetric\tbetter\timpl\tvalue\ttarget\n");
    }
    List<String> failures = new ArrayList<>();
    long started = System.nanoTime();
    for (Benchmark b : options.benchmarks()) {
      List<String> benchArgs = new ArrayList<>(b.args());
      if (options.smoke()) {
        benchArgs.add("--smoke");
      }
      benchArgs.addAll(List.of("--results", tsv.toString()));
      err.printf("== %s (%s)%n", b.name(), b.title());
      ByteArrayOutputStream table = new ByteArrayOutputStream();
      int exit;
      try (PrintStream tableOut = new PrintStream(table, true, StandardCharsets.UTF_8)) {
        exit = b.entry().run(benchArgs.toArray(String[]::new), tableOut, err);
      } catch (Exception e) {
        e.printStackTrace(err);
        exit = -1;
      }
      String text = table.toString(StandardCharsets.UTF_8);
      out.print(text);
      out.println();
      printed.append("== ").append(b.name()).append(" (exit ").append(exit).append(")\n").append(text).append('\n');
      if (exit != 0) {
        failures.add(b.name() + " (exit " + exit + ")");
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    Files.writeString(outputFile, printed.toString());
    List<Comparison> comparisons = compare(Results.read(tsv));
    String when = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    Machine machine = Machine.current();
    Files.writeString(options.out().resolve("results.md"),
        markdown(comparisons, machine, when, took, options.smoke(), failures));
    Files.writeString(options.out().resolve("results.svg"), svg(comparisons, machine, when, options.smoke()));
    err.printf("bench-report: wrote %s/results.md, results.svg, results.tsv and output.txt in %d s%n",
        options.out(), took.toSeconds());
    if (!failures.isEmpty()) {
      err.println("bench-report: failed: " + String.join(", ", failures));
      return 1;
    }
    return 0;
  }

  static String usage() {
    return USAGE.formatted(String.join(", ", SUITE.stream().map(Benchmark::name).toList()));
  }

  static Options parse(String[] argv) {
    Args args = Args.parse(argv, Set.of("--help", "--smoke", "--append"), Set.of("--out", "--only"));
    if (args.has("--help")) {
      return null;
    }
    List<Benchmark> chosen = args.has("--only") ? pick(args.get("--only", "")) : SUITE;
    return new Options(args.has("--smoke"), Path.of(args.get("--out", "docs/benchmarks")), chosen, args.has("--append"));
  }

  private static List<Benchmark> pick(String names) {
    Set<String> wanted = new LinkedHashSet<>(Arrays.asList(names.split(",")));
    List<Benchmark> chosen = SUITE.stream().filter(b -> wanted.remove(b.name())).toList();
    if (!wanted.isEmpty()) {
      throw new IllegalArgumentException("no benchmark named " + String.join(", ", wanted));
    }
    return chosen;
  }

  // ---------------------------------------------------------------------------------------------
  // The comparison.

  /**
   * Shuttle against grpc-java's best for one scenario and metric. {@code advantage} is how many
   * times better Shuttle is (above 1: Shuttle leads), and {@code targetAdvantage} the same for
   * the target, 0 when there is none.
   */
  record Comparison(String benchmark, String scenario, String metric, Better better,
      double shuttle, String shuttleImpl, double grpc, String grpcImpl, double target) {
    double ratio() {
      return shuttle / grpc;
    }

    double advantage() {
      return better == Better.HIGHER ? shuttle / grpc : grpc / shuttle;
    }

    double targetAdvantage() {
      return target <= 0 ? 0 : better == Better.HIGHER ? target : 1 / target;
    }

    boolean hasTarget() {
      return target > 0;
    }

    boolean meetsTarget() {
      return advantage() >= targetAdvantage();
    }
  }

  /**
   * Pairs each group's Shuttle value with grpc-java's best. A group with several Shuttle rows
   * (settings of Shuttle) compares its best one too; a group without both sides is left out.
   */
  static List<Comparison> compare(List<Row> rows) {
    Map<List<String>, List<Row>> groups = new LinkedHashMap<>();
    for (Row r : rows) {
      groups.computeIfAbsent(List.of(r.benchmark(), r.scenario(), r.metric()), k -> new ArrayList<>()).add(r);
    }
    List<Comparison> comparisons = new ArrayList<>();
    for (List<Row> group : groups.values()) {
      Row shuttle = best(group.stream().filter(Row::isShuttle).toList());
      Row grpc = best(group.stream().filter(Row::isGrpcJava).toList());
      if (shuttle == null || grpc == null || grpc.value() <= 0 || shuttle.value() <= 0) {
        continue;
      }
      comparisons.add(new Comparison(shuttle.benchmark(), shuttle.scenario(), shuttle.metric(), shuttle.better(),
          shuttle.value(), shuttle.impl(), grpc.value(), grpc.impl(), shuttle.target()));
    }
    return comparisons;
  }

  private static Row best(List<Row> rows) {
    Row best = null;
    for (Row r : rows) {
      if (best == null || (r.better() == Better.HIGHER ? r.value() > best.value() : r.value() < best.value())) {
        best = r;
      }
    }
    return best;
  }

  // ---------------------------------------------------------------------------------------------
  // Markdown.

  static String markdown(List<Comparison> comparisons, Machine machine, String when, Duration took,
      boolean smoke, List<String> failures) {
    StringBuilder md = new StringBuilder();
    md.append("# Shuttle against grpc-java: benchmark results\n\n");
    if (smoke) {
      md.append("**Smoke run: every measurement lasted a second or two. These numbers only show that "
          + "the suite runs; do not read them as results.**\n\n");
    }
    md.append("Measured ").append(when).append(" on ").append(machine.describe())
        .append(", by `bin/bench-report` in ").append(took.toMinutes()).append(" min. ")
        .append("Absolute numbers are this machine's; the ratios are computed within the same run. ")
        .append("Each row compares Shuttle with grpc-java's best setting in that run (the highest rate, "
            + "or the lowest latency or cost, of its default executor and `directExecutor()`, or of its "
            + "client stubs). \"x better\" is Shuttle's lead whichever way the metric goes: above 1, "
            + "Shuttle is ahead.\n\n");
    md.append("![Shuttle's lead over grpc-java's best, per benchmark](results.svg)\n\n");
    Map<String, List<Comparison>> byBenchmark = new LinkedHashMap<>();
    for (Comparison c : comparisons) {
      byBenchmark.computeIfAbsent(c.benchmark(), k -> new ArrayList<>()).add(c);
    }
    for (Map.Entry<String, List<Comparison>> e : byBenchmark.entrySet()) {
      md.append("## ").append(e.getKey()).append("\n\n");
      md.append("| scenario | metric | Shuttle | grpc-java best | Shuttle / grpc-java | x better | target | |\n");
      md.append("|---|---|---:|---:|---:|---:|---:|---|\n");
      for (Comparison c : e.getValue()) {
        md.append("| ").append(c.scenario())
            .append(" | ").append(c.metric()).append(c.better() == Better.HIGHER ? " (higher is better)" : " (lower is better)")
            .append(" | ").append(number(c.shuttle()))
            .append(" | ").append(number(c.grpc())).append(setting(c.grpcImpl()))
            .append(" | ").append(String.format(Locale.ROOT, "%.2f", c.ratio()))
            .append(" | ").append(String.format(Locale.ROOT, "%.2f", c.advantage()))
            .append(" | ").append(c.hasTarget() ? (c.better() == Better.HIGHER ? "≥ " : "≤ ") + trim(c.target()) : "")
            .append(" | ").append(c.hasTarget() ? (c.meetsTarget() ? "met" : "**missed**") : "")
            .append(" |\n");
      }
      md.append('\n');
    }
    if (comparisons.isEmpty()) {
      md.append("No benchmark produced a comparison.\n\n");
    }
    if (!failures.isEmpty()) {
      md.append("Failed: ").append(String.join(", ", failures)).append(". See `output.txt`.\n\n");
    }
    md.append("Every benchmark's own table, with its method and settings, is in `output.txt`; "
        + "the raw rows in `results.tsv`.\n");
    return md.toString();
  }

  /** " (directExecutor)" for "grpc-java (directExecutor)": which of grpc-java's settings won. */
  private static String setting(String impl) {
    String rest = impl.substring("grpc-java".length()).strip();
    if (rest.startsWith("(") && rest.endsWith(")")) {
      rest = rest.substring(1, rest.length() - 1);
    }
    return rest.isEmpty() ? "" : " (" + rest + ")";
  }

  private static String number(double v) {
    if (v >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static String trim(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  // ---------------------------------------------------------------------------------------------
  // SVG: one horizontal bar per comparison on a log scale centred on 1 (parity).

  private static final double MIN_ADVANTAGE = 0.125;
  private static final double MAX_ADVANTAGE = 8;

  static String svg(List<Comparison> comparisons, Machine machine, String when, boolean smoke) {
    // About 6 px a character at 11 px sans-serif: the longest label decides, so none is cut.
    int longestLabel = comparisons.stream().mapToInt(c -> label(c).length()).max().orElse(0);
    int labelWidth = Math.max(200, 16 + 6 * longestLabel);
    int plotWidth = 420;
    int rowHeight = 20;
    int top = 64;
    int bottom = 44;
    int width = labelWidth + plotWidth + 70;
    int height = top + Math.max(1, comparisons.size()) * rowHeight + bottom;
    double x1 = labelWidth + plotWidth / 2.0; // where parity (1x) sits
    double perOctave = plotWidth / (2 * log2(MAX_ADVANTAGE));
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
    s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    s.append(text(10, 20, 15, "bold", "Shuttle vs grpc-java's best setting: how many times better Shuttle is"
        + (smoke ? " (SMOKE RUN, not results)" : "")));
    s.append(text(10, 38, 11, "normal", escape(machine.describe()) + ", " + when
        + "; log scale, right of 1x: Shuttle leads; | marks the target"));
    for (double tick : new double[] {0.125, 0.25, 0.5, 1, 2, 4, 8}) {
      double x = x1 + log2(tick) * perOctave;
      s.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"/>%n",
          x, top - 6, x, height - bottom + 4, tick == 1 ? "#333" : "#ddd", tick == 1 ? "1.5" : "1"));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%sx</text>%n",
          x, height - bottom + 18, tick < 1 ? "1/" + (int) Math.round(1 / tick) : String.valueOf((int) tick)));
    }
    int y = top;
    for (Comparison c : comparisons) {
      double adv = Math.max(MIN_ADVANTAGE, Math.min(MAX_ADVANTAGE, c.advantage()));
      double x = x1 + log2(adv) * perOctave;
      String colour = c.hasTarget() ? (c.meetsTarget() ? "#2e7d32" : "#c62828") : (adv >= 1 ? "#558b2f" : "#ef6c00");
      s.append(text(labelWidth - 8, y + 14, 11, "normal", escape(label(c)), "end"));
      s.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
          Math.min(x, x1), y + 4, Math.abs(x - x1), rowHeight - 7, colour));
      if (c.hasTarget()) {
        double tx = x1 + log2(Math.max(MIN_ADVANTAGE, Math.min(MAX_ADVANTAGE, c.targetAdvantage()))) * perOctave;
        s.append(String.format(Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>%n",
            tx, y + 1, tx, y + rowHeight - 1));
      }
      s.append(text(labelWidth + plotWidth + 8, y + 14, 11, "normal", escape(ratioText(c.advantage()))));
      y += rowHeight;
    }
    if (comparisons.isEmpty()) {
      s.append(text(labelWidth, top + 14, 12, "normal", "no comparisons"));
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static String label(Comparison c) {
    return shorten(c.benchmark()) + ": " + c.scenario() + ", " + c.metric();
  }

  /**
   * The lead as printed next to its bar: two decimals near parity, fewer further out, and a
   * bound past 1000x, where one side's figure is near zero (no allocation at all, say) and the
   * quotient says nothing more.
   */
  static String ratioText(double advantage) {
    if (advantage >= 1000) {
      return ">1000x";
    }
    if (advantage > 0 && advantage <= 0.001) {
      return "<0.001x";
    }
    String format = advantage >= 100 ? "%.0fx" : advantage >= 10 ? "%.1fx" : "%.2fx";
    return String.format(Locale.ROOT, format, advantage);
  }

  private static String shorten(String benchmark) {
    int paren = benchmark.indexOf(" (");
    return paren > 0 ? benchmark.substring(0, paren) : benchmark;
  }

  private static String text(double x, double y, int size, String weight, String content) {
    return text(x, y, size, weight, content, "start");
  }

  private static String text(double x, double y, int size, String weight, String content, String anchor) {
    return String.format(Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"%s\" text-anchor=\"%s\">%s</text>%n",
        x, y, size, weight, anchor, content);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }

  /** The machine the run happened on, as the report states it. */
  record Machine(int cores, String cpu, String jvm, String os) {
    static Machine current() {
      return new Machine(Runtime.getRuntime().availableProcessors(), dev.shuttle.bench.Machine.cpuModel(),
          System.getProperty("java.vm.name") + " " + Runtime.version(),
          System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    String describe() {
      return cores + " cores (" + cpu + "), " + jvm + ", " + os;
    }
  }
}
