package dev.shuttle.backpressure;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes a receiver slow: every {@code pauseEvery} bytes it stops taking messages until the
 * sender it holds back has stopped advancing for {@code stallMillis} (it filled the window and
 * blocked, whatever the machine's speed), and then reads on. Now and then, while the sender is
 * stalled and every buffer on the way is as full as flow control lets it be, it measures the
 * live heap.
 */
final class SlowReader {
  /** Only a stuck call stalls the sender this long with nothing in flight; the pause ends anyway. */
  private static final long MAX_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final long pauseEvery;
  private final long stallMillis;
  private final int measureHeapEvery;
  private final HeapWatch heap;
  private final AtomicLong resumes = new AtomicLong();
  private long untilPause;
  private long stalledPauses;

  SlowReader(long pauseEvery, long stallMillis, int measureHeapEvery, HeapWatch heap) {
    this.pauseEvery = pauseEvery;
    this.stallMillis = stallMillis;
    this.measureHeapEvery = measureHeapEvery;
    this.heap = heap;
    this.untilPause = pauseEvery;
  }

  /** Call after taking each message of {@code bytes}; may pause, watching {@code held}. */
  void took(int bytes, Hop held) throws InterruptedException {
    untilPause -= bytes;
    if (untilPause > 0) {
      return;
    }
    untilPause += pauseEvery;
    long deadline = System.nanoTime() + MAX_PAUSE_NANOS;
    long lead = held.lead();
    long stalledSince = System.nanoTime();
    boolean stalled = false;
    while (System.nanoTime() < deadline) {
      Thread.sleep(1);
      long now = held.lead();
      if (now != lead) {
        lead = now;
        stalledSince = System.nanoTime();
      } else if (System.nanoTime() - stalledSince >= TimeUnit.MILLISECONDS.toNanos(stallMillis)) {
        stalled = true;
        break;
      }
    }
    if (stalled) {
      stalledPauses++;
      if (stalledPauses % measureHeapEvery == 0) {
        heap.measureLive();
      }
    }
    resumes.incrementAndGet();
  }

  long resumes() {
    return resumes.get();
  }

  /** Pauses in which the sender stopped advancing (rather than the pause running out). */
  long stalledPauses() {
    return stalledPauses;
  }
}
