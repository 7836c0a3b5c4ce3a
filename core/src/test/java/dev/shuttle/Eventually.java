package dev.shuttle;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition the code under test reaches on its own threads. The bound is a guard
 * against a hang, set far above any healthy run: no test asserts how soon anything happens.
 */
final class Eventually {
  private static final long GUARD_SECONDS = 30;

  private Eventually() {}

  /** Returns once {@code condition} holds; fails, saying {@code what}, if it never does. */
  static void until(BooleanSupplier condition, String what) throws InterruptedException {
    long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - guard > 0) {
        throw new AssertionError("never happened: " + what);
      }
      Thread.sleep(5);
    }
  }
}
