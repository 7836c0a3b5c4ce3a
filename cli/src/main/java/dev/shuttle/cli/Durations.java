package dev.shuttle.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Go's tools write them: a sequence of numbers with units, {@code 5s},
 * {@code 250ms}, {@code 1.5s}, {@code 1m30s}; units {@code h m s ms us ns}. A bare number is
 * seconds, as grpcurl's {@code -max-time} reads it.
 */
final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(h|ms|us|µs|ns|m|s)");

  private Durations() {}

  static Duration parse(String text) {
    String trimmed = text.trim();
    if (trimmed.matches("\\d+(\\.\\d+)?")) {
      return positive(nanos(new BigDecimal(trimmed), 1_000_000_000L), text);
    }
    Matcher m = PART.matcher(trimmed);
    long total = 0;
    int at = 0;
    while (at < trimmed.length()) {
      if (!m.find(at) || m.start() != at) {
        throw CliException.usage("invalid duration " + text + " (for example 5s, 250ms, 1m30s)");
      }
      long unit = switch (m.group(2)) {
        case "h" -> 3_600_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "s" -> 1_000_000_000L;
        case "ms" -> 1_000_000L;
        case "us", "µs" -> 1_000L;
        default -> 1L;
      };
      total = Math.addExact(total, nanos(new BigDecimal(m.group(1)), unit));
      at = m.end();
    }
    return positive(total, text);
  }

  private static long nanos(BigDecimal amount, long unit) {
    try {
      return amount.multiply(BigDecimal.valueOf(unit)).longValue();
    } catch (ArithmeticException e) {
      throw CliException.usage("duration too long: " + amount);
    }
  }

  private static Duration positive(long nanos, String text) {
    if (nanos <= 0) {
      throw CliException.usage("the duration must be positive: " + text);
    }
    return Duration.ofNanos(nanos);
  }
}
