package dev.shuttle.http2.hpack;

import java.util.Arrays;
import java.util.Objects;

/**
 * Growable byte output used by the HPACK encoder and by the HTTP/2 frame writer. Not thread-safe.
 */
public final class ByteSink {
  // Leaves headroom for the object header, as the JDK's own growable buffers do.
  private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

  // Package-private: the encoder writes a whole field into the array after one capacity check.
  byte[] buf;
  int size;

  /** Creates a sink with a capacity of 256 bytes. */
  public ByteSink() {
    this(256);
  }

  /** Creates a sink with the given initial capacity in bytes. */
  public ByteSink(int initialCapacity) {
    if (initialCapacity < 0) {
      throw new IllegalArgumentException("negative capacity: " + initialCapacity);
    }
    buf = new byte[initialCapacity];
  }

  /** Appends the low 8 bits of {@code b}. */
  public void write(int b) {
    if (size == buf.length) {
      grow(1);
    }
    buf[size++] = (byte) b;
  }

  /** Appends {@code len} bytes of {@code b} starting at {@code off}. */
  public void write(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureCapacity(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  /** Appends each char of {@code s} as one byte, {@code c & 0xFF} (ISO-8859-1 for Latin-1 text). */
  @SuppressWarnings("deprecation") // getBytes(int,int,byte[],int) is exactly "low 8 bits" and a bulk copy
  public void writeAscii(String s) {
    int n = s.length();
    ensureCapacity(n);
    s.getBytes(0, n, buf, size);
    size += n;
  }

  /** Number of bytes written since creation or the last {@link #reset()}. */
  public int size() {
    return size;
  }

  /** The backing array (not a copy); bytes {@code [0, size())} are valid. Changes on growth. */
  public byte[] array() {
    return buf;
  }

  /** Discards the content and keeps the capacity. */
  public void reset() {
    size = 0;
  }

  /** A copy of the written bytes. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  /** Makes room for {@code extra} more bytes without further growth. */
  public void ensureCapacity(int extra) {
    if (extra > buf.length - size) {
      grow(extra);
    } else if (extra < 0) {
      throw new IllegalArgumentException("negative size: " + extra);
    }
  }

  private void grow(int extra) {
    long needed = (long) size + extra;
    if (needed > MAX_CAPACITY) {
      throw new OutOfMemoryError("ByteSink cannot hold " + needed + " bytes");
    }
    long doubled = Math.min((long) buf.length * 2, MAX_CAPACITY);
    buf = Arrays.copyOf(buf, (int) Math.max(Math.max(needed, doubled), 16));
  }
}
