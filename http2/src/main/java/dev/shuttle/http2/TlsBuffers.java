package dev.shuttle.http2;

import java.nio.ByteBuffer;

/**
 * The buffer moves the TLS parts share. Each buffer is kept in one of two modes, and each helper
 * says which it takes: ready to read (unread bytes between position and limit) or being filled
 * (bytes from 0 to position). Growing copies the bytes once; nothing else here copies.
 */
final class TlsBuffers {
  /** The source of wraps that carry no application data (handshake, alerts, close_notify). */
  static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private TlsBuffers() {}

  /** An empty buffer (writing, position 0) of at least {@code capacity}; netOut between writes. */
  static ByteBuffer ensureCapacity(ByteBuffer buffer, int capacity) {
    if (buffer.capacity() >= capacity) {
      return buffer;
    }
    ByteBuffer bigger = ByteBuffer.allocate(capacity);
    buffer.flip();
    bigger.put(buffer);
    return bigger;
  }

  /** A buffer ready to read, grown to at least {@code capacity}, with the same unread bytes. */
  static ByteBuffer grow(ByteBuffer readable, int capacity) {
    if (readable.capacity() >= capacity) {
      capacity = readable.capacity() * 2;
    }
    ByteBuffer bigger = ByteBuffer.allocate(capacity);
    bigger.put(readable);
    return bigger.flip();
  }

  /** A buffer being filled, grown to {@code capacity}, with the same bytes filled. */
  static ByteBuffer growWriting(ByteBuffer writing, int capacity) {
    ByteBuffer bigger = ByteBuffer.allocate(capacity);
    writing.flip();
    bigger.put(writing);
    return bigger;
  }
}
