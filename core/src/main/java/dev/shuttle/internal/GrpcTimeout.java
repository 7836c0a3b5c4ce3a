package dev.shuttle.internal;

/**
 * The {@code grpc-timeout} header: at most 8 digits and a unit (H, M, S, m, u, n).
 */
public final class GrpcTimeout {
  private static final long MAX_VALUE = 99_999_999L;

  private GrpcTimeout() {}

  /** Encodes a positive timeout, in the finest unit that fits in 8 digits. */
  public static String encode(long nanos) {
    if (nanos <= 0) {
      return "1n";
    }
    if (nanos <= MAX_VALUE) {
      return nanos + "n";
    }
    long micros = ceilDiv(nanos, 1_000L);
    if (micros <= MAX_VALUE) {
      return micros + "u";
    }
    long millis = ceilDiv(nanos, 1_000_000L);
    if (millis <= MAX_VALUE) {
      return millis + "m";
    }
    long seconds = ceilDiv(nanos, 1_000_000_000L);
    if (seconds <= MAX_VALUE) {
      return seconds + "S";
    }
    long minutes = ceilDiv(seconds, 60);
    if (minutes <= MAX_VALUE) {
      return minutes + "M";
    }
    return Math.min(ceilDiv(minutes, 60), MAX_VALUE) + "H";
  }

  /**
   * Decodes a timeout to nanoseconds (saturating at {@code Long.MAX_VALUE}).
   *
   * @throws IllegalArgumentException when the value is not of the spec's form
   */
  public static long decode(String value) {
    int n = value.length();
    if (n < 2 || n > 9) {
      throw new IllegalArgumentException("invalid grpc-timeout: " + value);
    }
    long amount = 0;
    for (int i = 0; i < n - 1; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("invalid grpc-timeout: " + value);
      }
      amount = amount * 10 + (c - '0');
    }
    long unitNanos =
        switch (value.charAt(n - 1)) {
          case 'H' -> 3_600_000_000_000L;
          case 'M' -> 60_000_000_000L;
          case 'S' -> 1_000_000_000L;
          case 'm' -> 1_000_000L;
          case 'u' -> 1_000L;
          case 'n' -> 1L;
          default -> throw new IllegalArgumentException("invalid grpc-timeout unit: " + value);
        };
    return amount > Long.MAX_VALUE / unitNanos ? Long.MAX_VALUE : amount * unitNanos;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
