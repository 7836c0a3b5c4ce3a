package dev.shuttle;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A streaming call's incoming messages, read by blocking. Iterate it, or call {@link #receive}
 * until it returns {@code null}.
 *
 * <pre>{@code
 * for (Point p : points) { total += p.getValue(); }
 * }</pre>
 */
public interface StreamSource<T> extends Iterable<T> {
  /**
   * The next message, blocking until one arrives; {@code null} once the peer has finished
   * sending.
   *
   * @throws StatusException when the call ended abnormally (cancelled, deadline, bad message)
   */
  T receive();

  /** A single-use iterator over the remaining messages. */
  @Override
  default Iterator<T> iterator() {
    return new Iterator<>() {
      private T next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          next = receive();
          done = next == null;
        }
        return next != null;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        T result = next;
        next = null;
        return result;
      }
    };
  }
}
