package dev.shuttle.internal;

import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.util.Arrays;

/**
 * Cuts the bytes of a gRPC stream into length-prefixed messages (1 flag byte, 4 length bytes,
 * then the message) as DATA arrives, in any split. One per call direction; not thread-safe.
 *
 * <p>A message's buffer grows with the bytes actually received rather than with the length the
 * peer announces, so a 5-byte prefix cannot make us allocate more than 65 KiB. Every buffer is reserved
 * from a {@link MessageBudget} before it is allocated; a complete message's reservation passes to
 * the sink, which releases it once the message is taken.
 */
public final class MessageDeframer {
  private static final int EAGER_ALLOCATION = 64 * 1024;
  /**
   * A message at most this much longer than {@link #EAGER_ALLOCATION} gets all of its buffer at
   * once: a 64 KiB payload is a few bytes more as a protobuf message, and its last bytes would
   * otherwise copy all the others into a new buffer (5 % of a client's CPU in a stream of them).
   */
  static final int EAGER_SLACK = 1024;
  /**
   * How much a message's buffer grows at a time, at most; within a factor of two of the
   * message's length it grows to the length. Each growth copies what arrived so far, into memory
   * that is not yet in any cache: doubling copied a 1 MiB message almost twice over and was a
   * quarter of a client's CPU in a stream of them. Sixteenfold grows a 1 MiB message once, from
   * the eager 64 KiB. A peer that stops sending holds no more than {@code 2 * GROWTH} times what
   * it sent, within the budget that counts every buffer.
   */
  static final int GROWTH = 16;
  private static final byte[] EMPTY = new byte[0];

  /** Receives each complete message. */
  public interface Sink {
    void onMessage(byte[] message, boolean compressed);
  }

  private final int maxMessageSize;
  private final MessageBudget budget;
  private final byte[] prefix = new byte[5];
  private int prefixFilled;
  private byte[] message;
  private int messageLength;
  private int messageFilled;
  private boolean compressed;

  public MessageDeframer(int maxMessageSize) {
    this(maxMessageSize, MessageBudget.UNLIMITED);
  }

  public MessageDeframer(int maxMessageSize, MessageBudget budget) {
    this.maxMessageSize = maxMessageSize;
    this.budget = budget;
  }

  /**
   * Consumes bytes, reporting every message they complete.
   *
   * @throws StatusException {@code RESOURCE_EXHAUSTED} for a message over the limit or one the
   *     budget has no room for, {@code INTERNAL} for an invalid flag byte
   */
  public void feed(byte[] buf, int offset, int length, Sink sink) {
    int end = offset + length;
    while (offset < end) {
      if (message == null) {
        int n = Math.min(5 - prefixFilled, end - offset);
        System.arraycopy(buf, offset, prefix, prefixFilled, n);
        prefixFilled += n;
        offset += n;
        if (prefixFilled < 5) {
          return;
        }
        startMessage();
        if (messageLength == 0) {
          finishMessage(sink);
          continue;
        }
      }
      int n = Math.min(messageLength - messageFilled, end - offset);
      if (messageFilled + n > message.length) {
        long grown = Math.max((long) GROWTH * message.length, messageFilled + n);
        // Growing to just short of the length would copy the whole message once more for its
        // last bytes (1 MiB of payload is a few bytes more as a message): within a factor of
        // two of the length, take all of it.
        int capacity = (int) (grown * 2 >= messageLength ? messageLength : grown);
        budget.reserve(capacity - message.length); // the old buffer is garbage once copied
        message = Arrays.copyOf(message, capacity);
      }
      System.arraycopy(buf, offset, message, messageFilled, n);
      messageFilled += n;
      offset += n;
      if (messageFilled == messageLength) {
        finishMessage(sink);
      }
    }
  }

  /** Whether no message is partly received: the only state in which a stream may end. */
  public boolean isAtMessageBoundary() {
    return prefixFilled == 0 && message == null;
  }

  /** Drops a partly received message and gives its buffer back to the budget. */
  public void discard() {
    if (message != null) {
      budget.release(message.length);
      message = null;
    }
    prefixFilled = 0;
  }

  private void startMessage() {
    int flag = prefix[0] & 0xff;
    if (flag > 1) {
      throw new StatusException(Status.INTERNAL.withDescription("invalid gRPC message flag " + flag));
    }
    long length = ((prefix[1] & 0xffL) << 24) | ((prefix[2] & 0xff) << 16) | ((prefix[3] & 0xff) << 8) | (prefix[4] & 0xff);
    if (length > maxMessageSize) {
      throw new StatusException(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "gRPC message exceeds maximum size " + maxMessageSize + ": " + length));
    }
    int capacity = length <= EAGER_ALLOCATION + EAGER_SLACK ? (int) length : EAGER_ALLOCATION;
    budget.reserve(capacity);
    compressed = flag == 1;
    messageLength = (int) length;
    messageFilled = 0;
    message = messageLength == 0 ? EMPTY : new byte[capacity];
  }

  private void finishMessage(Sink sink) {
    byte[] complete = message;
    boolean wasCompressed = compressed;
    message = null;
    prefixFilled = 0;
    sink.onMessage(complete, wasCompressed);
  }
}
