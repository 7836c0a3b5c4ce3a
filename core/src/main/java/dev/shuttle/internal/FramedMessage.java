package dev.shuttle.internal;

import java.nio.ByteBuffer;

/**
 * A length-prefixed message ready to send. Usually one array; a large message whose marshaller
 * shares arrays the message holds ({@link dev.shuttle.Marshaller#serializeInParts}) comes in
 * parts, sent in order, the first starting with the prefix. Nothing here is written after the
 * framer made it, so the transport may refer to the arrays until they are sent.
 */
public final class FramedMessage {
  private final byte[] whole;
  private final ByteBuffer[] parts;
  private final int length;

  private FramedMessage(byte[] whole, ByteBuffer[] parts, int length) {
    this.whole = whole;
    this.parts = parts;
    this.length = length;
  }

  static FramedMessage of(byte[] whole) {
    return new FramedMessage(whole, null, whole.length);
  }

  /** Parts backed by accessible arrays, as {@link #parts()} promises; others are copied. */
  static FramedMessage ofParts(ByteBuffer[] parts) {
    int length = 0;
    for (int i = 0; i < parts.length; i++) {
      ByteBuffer part = parts[i];
      if (!part.hasArray()) { // direct or read-only: no array to refer to
        byte[] copy = new byte[part.remaining()];
        part.duplicate().get(copy);
        parts[i] = ByteBuffer.wrap(copy);
      }
      length += part.remaining();
    }
    return new FramedMessage(null, parts, length);
  }

  /** The whole message, prefix included, or null when it comes in {@link #parts()}. */
  public byte[] whole() {
    return whole;
  }

  /**
   * The message in parts, each backed by an array ({@link ByteBuffer#hasArray()}), or null when
   * it is {@link #whole()}.
   */
  public ByteBuffer[] parts() {
    return parts;
  }

  /** Bytes on the wire, prefix included. */
  public int length() {
    return length;
  }

  /** The message in one array: the whole one, or a copy of the parts. */
  public byte[] toArray() {
    if (whole != null) {
      return whole;
    }
    byte[] bytes = new byte[length];
    int at = 0;
    for (ByteBuffer part : parts) {
      int n = part.remaining();
      System.arraycopy(part.array(), part.arrayOffset() + part.position(), bytes, at, n);
      at += n;
    }
    return bytes;
  }
}
