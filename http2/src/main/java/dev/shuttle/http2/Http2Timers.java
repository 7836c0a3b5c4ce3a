package dev.shuttle.http2;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for every connection's timers (SETTINGS ack, keepalive, idle and age, the
 * shutdown PING, lingering close). Timer tasks only queue frames or close sockets, never block.
 */
final class Http2Timers {
  private static final ScheduledThreadPoolExecutor TIMER = newTimer();

  private Http2Timers() {}

  private static ScheduledThreadPoolExecutor newTimer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("shuttle-http2-timer").factory());
    timer.setRemoveOnCancelPolicy(true); // a cancelled timer of a closed connection is not kept
    return timer;
  }

  static Future<?> schedule(Runnable task, long delayNanos) {
    return TIMER.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }

  static void cancel(Future<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
