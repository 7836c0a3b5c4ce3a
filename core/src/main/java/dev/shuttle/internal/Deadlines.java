package dev.shuttle.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread behind every deadline. Tasks must be quick and non-blocking: they only
 * flag a call and queue a reset.
 */
public final class Deadlines {
  private static final ScheduledThreadPoolExecutor TIMER = createTimer();

  private Deadlines() {}

  private static ScheduledThreadPoolExecutor createTimer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("shuttle-deadlines").factory());
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /**
   * Timeouts at least this long are no deadline at all: {@code grpc-timeout} allows about 11,000
   * years, which would overflow {@link System#nanoTime()} arithmetic into the past.
   */
  static final long FOREVER_NANOS = Long.MAX_VALUE / 4;

  /**
   * The {@link System#nanoTime()} at which a timeout from now ends, never 0; 0 for no deadline
   * (a negative timeout meaning none, or one too long to matter). A timeout of 0 has expired.
   */
  public static long fromTimeout(long timeoutNanos) {
    if (timeoutNanos < 0 || timeoutNanos >= FOREVER_NANOS) {
      return 0;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    return deadline == 0 ? 1 : deadline;
  }

  /** A timeout in nanoseconds, saturating instead of overflowing; negative durations are 0. */
  public static long nanos(java.time.Duration timeout) {
    if (timeout.isNegative()) {
      return 0;
    }
    return timeout.getSeconds() >= FOREVER_NANOS / 1_000_000_000L ? FOREVER_NANOS : timeout.toNanos();
  }

  public static ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    return TIMER.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }
}
