package dev.shuttle.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the calls of one connection share: their part of the request-buffer budget, and the count
 * of lingering handlers, those still running after their call ended early (cancelled, expired,
 * reset) because they ignore the interrupt and the cancellation.
 *
 * <p>A call that ends early gives its stream's slot under MAX_CONCURRENT_STREAMS back at once,
 * so a handler that never looks at its cancellation does not keep the client from its next
 * call. Only a bounded number of handlers may linger so: past the bound, a call's slot waits
 * for its handler to return, and a peer that resets streams in a loop still cannot make the
 * connection run more than twice its stream limit of handlers at once.
 */
final class ConnectionCalls {
  private final RequestBufferBudget.Connection budget;
  private final int maxLingering;
  private final AtomicInteger lingering = new AtomicInteger();

  ConnectionCalls(RequestBufferBudget.Connection budget, int maxLingering) {
    this.budget = budget;
    this.maxLingering = maxLingering;
  }

  RequestBufferBudget.Connection budget() {
    return budget;
  }

  /** Counts one more lingering handler, if the bound allows; false when it does not. */
  boolean startLingering() {
    for (int now = lingering.get(); now < maxLingering; now = lingering.get()) {
      if (lingering.compareAndSet(now, now + 1)) {
        return true;
      }
    }
    return false;
  }

  /** A lingering handler has returned. */
  void stopLingering() {
    lingering.decrementAndGet();
  }

  int lingering() {
    return lingering.get();
  }
}
