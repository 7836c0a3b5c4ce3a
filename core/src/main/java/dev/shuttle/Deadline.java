package dev.shuttle;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A point in time by which a call must be done, on the monotonic clock ({@link System#nanoTime()}),
 * so that it neither jumps with the wall clock nor overflows: a deadline further away than a
 * century is kept as a century (gRPC's own timeouts reach about 11,000 years).
 *
 * <pre>{@code
 * Deadline deadline = Deadline.after(Duration.ofSeconds(2));
 * Response response = client.withDeadline(deadline).getRandom(request);
 * // a handler passes its own on:
 * Reply reply = backend.withDeadline(context.deadline()).lookup(query);
 * }</pre>
 *
 * <p>Immutable and comparable: an earlier deadline is smaller.
 */
public final class Deadline implements Comparable<Deadline> {
  /** How far ahead a deadline can be; beyond it, {@code nanoTime} arithmetic would overflow. */
  private static final long MAX_NANOS = TimeUnit.DAYS.toNanos(365L * 100);

  private final long nanoTime;

  private Deadline(long nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** The deadline {@code timeout} from now; a zero or negative timeout has expired already. */
  public static Deadline after(Duration timeout) {
    return afterNanos(saturatedNanos(timeout));
  }

  /** The deadline {@code nanos} nanoseconds from now. */
  public static Deadline afterNanos(long nanos) {
    return new Deadline(System.nanoTime() + Math.max(-MAX_NANOS, Math.min(MAX_NANOS, nanos)));
  }

  /** Time left before the deadline: zero or negative once it has passed. */
  public Duration timeRemaining() {
    return Duration.ofNanos(remainingNanos());
  }

  /** Nanoseconds left before the deadline; zero or negative once it has passed. */
  public long remainingNanos() {
    return nanoTime - System.nanoTime();
  }

  public boolean isExpired() {
    return remainingNanos() <= 0;
  }

  /** Whether this deadline comes before {@code other}. */
  public boolean isBefore(Deadline other) {
    return nanoTime - other.nanoTime < 0;
  }

  /** The earlier of this deadline and {@code other} (this one when {@code other} is null). */
  public Deadline minimum(Deadline other) {
    return other == null || !other.isBefore(this) ? this : other;
  }

  /** The earlier of two deadlines, either of which may be null (no deadline). */
  public static Deadline earliest(Deadline a, Deadline b) {
    return a == null ? b : a.minimum(b);
  }

  /** The {@link System#nanoTime()} reading at which the deadline passes. */
  public long nanoTime() {
    return nanoTime;
  }

  @Override
  public int compareTo(Deadline other) {
    return Long.signum(nanoTime - other.nanoTime);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deadline d && d.nanoTime == nanoTime;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nanoTime);
  }

  @Override
  public String toString() {
    long remaining = remainingNanos();
    return remaining > 0
        ? "Deadline[" + Duration.ofNanos(remaining) + " from now]"
        : "Deadline[passed " + Duration.ofNanos(-remaining) + " ago]";
  }

  private static long saturatedNanos(Duration d) {
    if (d.getSeconds() >= MAX_NANOS / 1_000_000_000L) {
      return MAX_NANOS;
    }
    if (d.getSeconds() <= -MAX_NANOS / 1_000_000_000L) {
      return -MAX_NANOS;
    }
    return d.toNanos();
  }
}
