package dev.shuttle.http2;

import java.util.concurrent.atomic.AtomicInteger;

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
  // A subclass, not withInitial(InterruptGuard::new): every first write goes through here, and
  // while the JVM is cold a method reference is a class to spin.
  private static final ThreadLocal<InterruptGuard> CURRENT =
      new ThreadLocal<>() {
        @Override
        protected InterruptGuard initialValue() {
          return new InterruptGuard();
        }
      };
  private static final int WRITING = 0xffff; // how deep in writes the thread is (low bits)
  private static final int DEFERRED = 1 << 16; // an interrupt waits for the writes to end
  private static final int INTERRUPTING = 1 << 17; // interrupt() is delivering one now

  private final Thread thread = Thread.currentThread();
  private final AtomicInteger state = new AtomicInteger();

  private InterruptGuard() {}

  /** The guard of the calling thread. */
  public static InterruptGuard current() {
    return CURRENT.get();
  }

  /** Interrupts the thread now, or as soon as its socket write ends. */
  public void interrupt() {
    while (true) {
      int s = state.get();
      if ((s & WRITING) != 0) {
        if (state.compareAndSet(s, s | DEFERRED)) {
          return;
        }
      } else if ((s & INTERRUPTING) == 0 && state.compareAndSet(s, s | INTERRUPTING)) {
        // The thread cannot start a write while the bit is set.
        thread.interrupt();
        state.getAndUpdate(v -> v & ~INTERRUPTING);
        return;
      } else {
        Thread.onSpinWait();
      }
    }
  }

  /**
   * Marks the calling thread as writing to a socket. An interrupt it already had is held back
   * too, since it would close the socket at the first blocking write.
   */
  static InterruptGuard enterWrite() {
    InterruptGuard guard = CURRENT.get();
    AtomicInteger state = guard.state;
    while (true) {
      int s = state.get();
      if ((s & INTERRUPTING) != 0) {
        Thread.onSpinWait(); // an interrupt is landing: let it, then hold it back below
      } else if (state.compareAndSet(s, s + 1)) {
        break;
      }
    }
    if (Thread.interrupted()) {
      state.getAndUpdate(v -> v | DEFERRED);
    }
    return guard;
  }

  /** Ends {@link #enterWrite()}, delivering a deferred interrupt. */
  void exitWrite() {
    while (true) {
      int s = state.get();
      int writing = (s & WRITING) - 1;
      boolean deliver = writing == 0 && (s & DEFERRED) != 0;
      int next = (s & ~WRITING & (deliver ? ~DEFERRED : ~0)) | writing;
      if (state.compareAndSet(s, next)) {
        if (deliver) {
          thread.interrupt(); // we are the thread, and no longer in a write
        }
        return;
      }
    }
  }
}
