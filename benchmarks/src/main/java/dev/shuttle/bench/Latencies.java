package dev.shuttle.bench;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The percentiles of one run's calls, in microseconds, as a client process prints them and the
 * benchmark reads them back: {@code count=N p50=... p99=... p999=... max=...}.
 */
record Latencies(long count, double p50, double p99, double p999, double max) {
  /** Nanoseconds from 1 µs to a minute at three significant digits: the precision every run records. */
  static Histogram newHistogram() {
    return new Histogram(1_000L, 60_000_000_000L, 3);
  }

  /** Summarises a histogram of nanoseconds (see {@link #newHistogram}). */
  static Latencies of(Histogram nanos) {
    if (nanos.getTotalCount() == 0) {
      return new Latencies(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Latencies(nanos.getTotalCount(), micros(nanos.getValueAtPercentile(50)),
        micros(nanos.getValueAtPercentile(99)), micros(nanos.getValueAtPercentile(99.9)),
        micros(nanos.getMaxValue()));
  }

  /** Records {@code nanos}, clamped into the histogram's range so that no value is lost. */
  static void record(Histogram histogram, long nanos) {
    histogram.recordValue(Math.min(Math.max(nanos, 0L), histogram.getHighestTrackableValue()));
  }

  private static double micros(long nanos) {
    return nanos / 1_000.0;
  }

  String fields() {
    return String.format(Locale.ROOT, "count=%d p50=%.1f p99=%.1f p999=%.1f max=%.1f", count, p50, p99, p999, max);
  }

  static Latencies parse(Map<String, String> fields) {
    return new Latencies(Long.parseLong(fields.get("count")), Double.parseDouble(fields.get("p50")),
        Double.parseDouble(fields.get("p99")), Double.parseDouble(fields.get("p999")),
        Double.parseDouble(fields.get("max")));
  }

  /** {@code key=value} words of a line; words without {@code =} are ignored. */
  static Map<String, String> fieldsOf(String line) {
    Map<String, String> fields = new HashMap<>();
    for (String word : line.strip().split("\\s+")) {
      int eq = word.indexOf('=');
      if (eq > 0) {
        fields.put(word.substring(0, eq), word.substring(eq + 1));
      }
    }
    return fields;
  }
}
