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
        new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon().name("shuttle-deadlines").unstarted(r));
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  public static ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    return TIMER.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }
}
