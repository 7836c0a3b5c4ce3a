package dev.shuttle.http2;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Interrupts a thread without breaking a connection it is writing to. An interrupted virtual
 * thread that is blocked in socket I/O closes the socket, and an application thread that
 * flushes a connection writes that connection's socket itself, so a plain
 * {@link Thread#interrupt()} of a handler being cancelled could end every other stream of the
 * connection. Through its guard, the interrupt waits until the thread's write is done.
 *
 * <pre>{@code
 * InterruptGuard guard = InterruptGuard.current(); // on the thread to interrupt later
 * ...
 * guard.interrupt();                                // from any thread
 * }</pre>
 *
 * <p>Only interrupts that go through the guard are deferred: a plain interrupt that lands
 * while the thread writes still closes the socket.
 */
public final class InterruptGuard {
  private static final ThreadLocal<InterruptGuard> CURRENT = ThreadLocal.withInitial(InterruptGuard::new);

  private final Thread thread = Thread.currentThread();
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private int writing;
  private boolean deferred;

  private InterruptGuard() {}

  /** The guard of the calling thread. */
  public static InterruptGuard current() {
    return CURRENT.get();
  }

  /** Interrupts the thread now, or as soon as its socket write ends. */
  public void interrupt() {
    lock.lock();
    try {
      if (writing > 0) {
        deferred = true;
      } else {
        thread.interrupt();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks the calling thread as writing to a socket. An interrupt it already had is held back
   * too, since it would close the socket at the first blocking write.
   */
  static InterruptGuard enterWrite() {
    InterruptGuard guard = CURRENT.get();
    guard.lock.lock();
    try {
      guard.writing++;
      if (Thread.interrupted()) {
        guard.deferred = true;
      }
    } finally {
      guard.lock.unlock();
    }
    return guard;
  }

  /** Ends {@link #enterWrite()}, delivering a deferred interrupt. */
  void exitWrite() {
    boolean deliver;
    lock.lock();
    try {
      deliver = --writing == 0 && deferred;
      if (deliver) {
        deferred = false;
        thread.interrupt();
      }
    } finally {
      lock.unlock();
    }
  }
}
