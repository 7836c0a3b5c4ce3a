package dev.shuttle.services.health;

import dev.shuttle.services.health.v1.HealthCheckResponse.ServingStatus;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One Watch call's view of a service's status: the latest status not yet sent, nothing older. A
 * watcher slower than the changes skips the statuses it could not keep up with, so a status
 * flapping fast costs a slow watcher one slot, never a queue.
 */
final class StatusWatch {
  private final String service;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private ServingStatus latest;
  private ServingStatus sent;
  private boolean cancelled;
  private boolean finishing;

  StatusWatch(String service, ServingStatus initial) {
    this.service = service;
    this.latest = initial;
  }

  String service() {
    return service;
  }

  /** The service's status is now {@code status}; replaces any status not yet sent. */
  void offer(ServingStatus status) {
    lock.lock();
    try {
      latest = status;
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The call is over: {@link #next} returns null at once, even with a status not yet sent. */
  void cancel() {
    lock.lock();
    try {
      cancelled = true;
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The server is going away: {@link #next} returns what is left to send, then null. */
  void finish() {
    lock.lock();
    try {
      finishing = true;
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for a status that differs from the last one returned and returns it, or returns null
   * when the watch is over.
   */
  ServingStatus next() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (cancelled) {
          return null;
        }
        if (latest != sent) {
          sent = latest;
          return sent;
        }
        if (finishing) {
          return null;
        }
        changed.await();
      }
    } finally {
      lock.unlock();
    }
  }
}
