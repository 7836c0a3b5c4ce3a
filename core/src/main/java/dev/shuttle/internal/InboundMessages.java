package dev.shuttle.internal;

import dev.shuttle.StatusException;
import java.util.ArrayDeque;

/**
 * The messages of one call direction as they arrive, and the flow-control policy for them: window
 * goes back to the peer while the application has nothing to read (it is waiting for these
 * bytes), and is held while a message waits unread, so a slow reader slows the sender instead of
 * making us buffer. At most about one window of bytes is held per call.
 *
 * <p>Not thread-safe: the owning call guards it with its lock.
 */
final class InboundMessages {
  private final MessageDeframer deframer;
  private final int maxMessageSize;
  private final ArrayDeque<byte[]> messages = new ArrayDeque<>(2);
  private final MessageDeframer.Sink sink = this::add;
  private String encoding;
  private int heldWindow;

  InboundMessages(int maxMessageSize) {
    this.maxMessageSize = maxMessageSize;
    this.deframer = new MessageDeframer(maxMessageSize);
  }

  /** The {@code grpc-encoding} that compressed messages use. */
  void setEncoding(String encoding) {
    this.encoding = encoding;
  }

  /**
   * Takes DATA bytes; returns the window to give back now.
   *
   * @throws StatusException for a message over the limit, a bad flag or a bad compressed message
   */
  int onData(byte[] data, int offset, int length) {
    deframer.feed(data, offset, length, sink);
    heldWindow += length;
    return messages.isEmpty() ? releaseHeld() : 0;
  }

  private void add(byte[] message, boolean compressed) {
    messages.add(compressed ? Compression.decompress(message, encoding, maxMessageSize) : message);
  }

  /** The next complete message, or null. Call {@link #windowToRelease()} afterwards. */
  byte[] poll() {
    return messages.poll();
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
