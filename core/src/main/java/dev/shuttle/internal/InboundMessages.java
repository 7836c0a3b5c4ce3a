package dev.shuttle.internal;

import dev.shuttle.StatusException;
import java.util.ArrayDeque;

/**
 * The messages of one call direction as they arrive, and the flow-control policy for them: window
 * goes back to the peer while the application has nothing to read (it is waiting for these
 * bytes), and is held while a message waits unread, so a slow reader slows the sender instead of
 * making us buffer. Every byte held, partial messages included, is reserved from a
 * {@link MessageBudget} until the application takes it; bytes that do not fit fail the call, so
 * no window is returned for them.
 *
 * <p>Not thread-safe: the owning call guards it with its lock.
 */
final class InboundMessages {
  private final MessageDeframer deframer;
  private final MessageBudget budget;
  private final int maxMessageSize;
  private final ArrayDeque<byte[]> messages = new ArrayDeque<>(2);
  private final MessageDeframer.Sink sink = this::add;
  private String encoding;
  private int heldWindow;

  InboundMessages(int maxMessageSize, MessageBudget budget) {
    this.maxMessageSize = maxMessageSize;
    this.budget = budget;
    this.deframer = new MessageDeframer(maxMessageSize, budget);
  }

  /** The {@code grpc-encoding} that compressed messages use. */
  void setEncoding(String encoding) {
    this.encoding = encoding;
  }

  /**
   * Takes DATA bytes; returns the window to give back now.
   *
   * @throws StatusException for a message over the limit or the budget, a bad flag or a bad
   *     compressed message
   */
  int onData(byte[] data, int offset, int length) {
    deframer.feed(data, offset, length, sink);
    heldWindow += length;
    return messages.isEmpty() ? releaseHeld() : 0;
  }

  private void add(byte[] message, boolean compressed) {
    if (compressed) {
      byte[] inflated;
      try {
        inflated = Compression.decompress(message, encoding, maxMessageSize);
      } finally {
        budget.release(message.length);
      }
      budget.reserve(inflated.length);
      message = inflated;
    }
    messages.add(message);
  }

  /** The next complete message, or null; the caller owns it. Call {@link #windowToRelease()} afterwards. */
  byte[] poll() {
    byte[] message = messages.poll();
    if (message != null) {
      budget.release(message.length);
    }
    return message;
  }

  /** Window held back that can go now that the application has caught up; 0 otherwise. */
  int windowToRelease() {
    return messages.isEmpty() ? releaseHeld() : 0;
  }

  private int releaseHeld() {
    int release = heldWindow;
    heldWindow = 0;
    return release;
  }

  /** Drops every message not taken, and a partial one, giving their bytes back to the budget. */
  void discard() {
    byte[] message;
    while ((message = messages.poll()) != null) {
      budget.release(message.length);
    }
    deframer.discard();
  }

  int size() {
    return messages.size();
  }

  boolean isEmpty() {
    return messages.isEmpty();
  }

  /** Whether no message is partly received: the only state in which a stream may end. */
  boolean isAtMessageBoundary() {
    return deframer.isAtMessageBoundary();
  }
}
