package dev.shuttle.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The measurements a benchmark hands to the report ({@code bin/bench-report}), one row per
 * implementation, scenario and metric, appended to a tab-separated file so that benchmarks run as
 * separate programs add to one table.
 *
 * <p>Every benchmark takes {@code --results=FILE} and, when given it, calls {@link #add} for each
 * number it prints. The report groups rows by benchmark, scenario and metric, and divides Shuttle's
 * value by the best grpc-java value of the group (highest when higher is better, lowest when lower
 * is), so ratios are always computed within one run.
 *
 * <pre>{@code
 * Results results = Results.appendingTo(options.resultsFile()); // null: discard
 * results.add("Unary server throughput", "c=4 m=64", "requests/s", Better.HIGHER,
 *     "Shuttle", 143_173, 2.0);
 * }</pre>
 */
final class Results {
  /** Which direction of a metric wins. */
  enum Better {
    HIGHER,
    LOWER
  }

  /**
   * One measured value. {@code target} is the ratio to grpc-java's best value that the issue asks
   * of Shuttle (at least it when higher is better, at most it when lower is); 0 when there is none.
   */
  record Row(String benchmark, String scenario, String metric, Better better, String impl,
      double value, double target) {
    String toLine() {
      return String.join("\t", clean(benchmark), clean(scenario), clean(metric),
          better.name().toLowerCase(Locale.ROOT), clean(impl),
          String.format(Locale.ROOT, "%.6g", value), String.format(Locale.ROOT, "%.3g", target));
    }

    static Row parse(String line) {
      String[] f = line.split("\t", -1);
      if (f.length != 7) {
        throw new IllegalArgumentException("a results row has 7 tab-separated fields: " + line);
      }
      return new Row(f[0], f[1], f[2], Better.valueOf(f[3].toUpperCase(Locale.ROOT)), f[4],
          Double.parseDouble(f[5]), Double.parseDouble(f[6]));
    }

    private static String clean(String field) {
      return field.replace('\t', ' ').replace('\n', ' ');
    }

    boolean isShuttle() {
      return impl.startsWith("Shuttle");
    }

    boolean isGrpcJava() {
      return impl.startsWith("grpc-java");
    }
  }

  private static final Results DISCARD = new Results(null);

  private final Path file;

  private Results(Path file) {
    this.file = file;
  }

  /** Results appended to {@code file}, or discarded when it is null. */
  static Results appendingTo(Path file) {
    return file == null ? DISCARD : new Results(file);
  }

  /** Adds one value; {@code target} 0 means the issue sets no target for it. */
  void add(String benchmark, String scenario, String metric, Better better, String impl,
      double value, double target) {
    if (file == null || Double.isNaN(value)) {
      return;
    }
    String line = new Row(benchmark, scenario, metric, better, impl, value, target).toLine() + "\n";
    try {
      Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  /** Every row of a results file, in the order they were added. */
  static List<Row> read(Path file) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        rows.add(Row.parse(line));
      }
    }
    return rows;
  }
}
