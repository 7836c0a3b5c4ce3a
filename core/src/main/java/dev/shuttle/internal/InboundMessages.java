package dev.shuttle.internal;

import dev.shuttle.CompressionRegistry;
import dev.shuttle.Decompressor;
import dev.shuttle.StatusException;
import java.util.ArrayDeque;

/**
 * The messages of one call direction as they arrive, and the flow-control policy for them: window
 * goes back to the peer while the application has nothing to read (it is waiting for these
 * bytes). While messages wait unread, window is held, and the messages the application takes
 * give back what they took on the wire, {@link #RELEASE_BATCH} bytes at a time. So a slow
 * reader slows the sender, which never gets more than a window ahead of it, instead of making us
 * buffer; and a reader that keeps up keeps the sender going rather than making it wait until the
 * queue is empty. Every byte held, partial messages included, is reserved from a {@link
 * MessageBudget} until the application takes it; bytes that do not fit fail the call, so no
 * window is returned for them.
 *
 * <p>Not thread-safe: the owning call guards it with its lock.
 */
final class InboundMessages implements MessageDeframer.Sink {
  private final MessageDeframer deframer;
  private final MessageBudget budget;
  private final int maxMessageSize;
  private final ArrayDeque<byte[]> messages = new ArrayDeque<>(2);
  private final ArrayDeque<Boolean> compressedFlags = new ArrayDeque<>(2);
  private String encoding;
  private Decompressor decompressor;
  private boolean polledCompressed;
  /**
   * Messages taken while others wait go back to the peer's window in batches of this many
   * bytes: one call a message cost the reader of a stream of 1 KiB messages 8 % more CPU per
   * message (each takes the connection's lock), and the peer hears of it only every half window.
   */
  static final int RELEASE_BATCH = 16 * 1024;

  /** What the message {@link #poll()} returned last took on the wire, prefix included. */
  private int polledWireBytes;
  /** What messages taken since the last release took on the wire, not yet given back. */
  private int takenUnreleased;
  private int heldWindow;

  InboundMessages(int maxMessageSize, MessageBudget budget) {
    this.maxMessageSize = maxMessageSize;
    this.budget = budget;
    this.deframer = new MessageDeframer(maxMessageSize, budget);
  }

  /** The {@code grpc-encoding} that compressed messages use, read with the default registry. */
  void setEncoding(String encoding) {
    setEncoding(encoding, CompressionRegistry.defaults());
  }

  /** The {@code grpc-encoding} that compressed messages use, and where its decompressor is. */
  void setEncoding(String encoding, CompressionRegistry registry) {
    this.encoding = encoding;
    this.decompressor = registry.decompressor(encoding);
  }

  /**
   * Takes DATA bytes; returns the window to give back now.
   *
   * @throws StatusException for a message over the limit or the budget, a bad flag or a bad
   *     compressed message
   */
  int onData(byte[] data, int offset, int length) {
    deframer.feed(data, offset, length, this);
    heldWindow += length;
    return messages.isEmpty() ? releaseHeld() : 0;
  }

  /** The deframer's sink: this, rather than a method reference, which a cold server's first call would spin. */
  @Override
  public void onMessage(byte[] message, boolean compressed) {
    messages.add(message);
    compressedFlags.add(compressed);
  }

  /**
   * The next complete message as received (compressed or not, see {@link #polledCompressed()}),
   * or null; the caller owns it and passes it to {@link #decode} outside its lock, so that
   * inflating runs on the consumer's thread without holding up the connection's reader. Call
   * {@link #windowToRelease()} afterwards.
   */
  byte[] poll() {
    byte[] message = messages.poll();
    if (message != null) {
      polledCompressed = compressedFlags.poll();
      polledWireBytes = MessageFramer.PREFIX_LENGTH + message.length;
      budget.release(message.length);
    }
    return message;
  }

  /** Whether the message {@link #poll()} returned last was compressed on the wire. */
  boolean polledCompressed() {
    return polledCompressed;
  }

  /**
   * The message's bytes, inflated when it was compressed; no lock needed.
   *
   * @throws StatusException {@code RESOURCE_EXHAUSTED} when it inflates beyond the limit (found
   *     without inflating it whole), {@code UNIMPLEMENTED} for an encoding we cannot read,
   *     {@code INTERNAL} for corrupt data or a compressed message without an encoding
   */
  byte[] decode(byte[] message, boolean compressed) {
    return compressed ? Compression.inflate(message, encoding, decompressor, maxMessageSize) : message;
  }

  /**
   * Window held back that can go after a {@link #poll()}: all of it once the application has
   * caught up, else what the messages taken took on the wire, once that makes a batch.
   */
  int windowToRelease() {
    if (messages.isEmpty()) {
      return releaseHeld();
    }
    takenUnreleased += polledWireBytes;
    polledWireBytes = 0; // a second call for the same message gives nothing more
    if (takenUnreleased < RELEASE_BATCH) {
      return 0;
    }
    int release = Math.min(heldWindow, takenUnreleased);
    heldWindow -= release;
    takenUnreleased = 0;
    return release;
  }

  private int releaseHeld() {
    int release = heldWindow;
    heldWindow = 0;
    takenUnreleased = 0;
    return release;
  }

  /** Drops every message not taken, and a partial one, giving their bytes back to the budget. */
  void discard() {
    byte[] message;
    while ((message = messages.poll()) != null) {
      budget.release(message.length);
    }
    compressedFlags.clear();
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
