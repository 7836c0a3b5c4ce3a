package dev.shuttle.http2;

import dev.shuttle.http2.hpack.HeaderSink;
import java.util.Arrays;

/**
 * An ordered list of header fields as they go over HTTP/2: lower-case names, pseudo-headers
 * first. Names and values are ISO-8859-1 strings, one char per octet, so no charset work happens
 * on the hot path.
 */
public final class Http2Headers implements HeaderSink {
  private String[] fields; // name, value, name, value, ...
  private int size;
  // Bit i: field i passed FieldSyntax when the decoder took it from a table (first 64 fields).
  private long wellFormed;

  public Http2Headers() {
    this(8);
  }

  public Http2Headers(int expectedFields) {
    fields = new String[Math.max(2, expectedFields * 2)];
  }

  public Http2Headers add(String name, String value) {
    if (size * 2 == fields.length) {
      fields = Arrays.copyOf(fields, fields.length * 2);
    }
    fields[size * 2] = name;
    fields[size * 2 + 1] = value;
    size++;
    return this;
  }

  /** Adds a field decoded from a header block. */
  @Override
  public void onHeader(String name, String value) {
    add(name, value);
  }

  /** Adds a decoded field and remembers whether the decoder found it well-formed. */
  @Override
  public void onHeader(String name, String value, boolean wellFormed) {
    if (wellFormed && size < Long.SIZE) {
      this.wellFormed |= 1L << size;
    }
    add(name, value);
  }

  public int size() {
    return size;
  }

  public String name(int index) {
    return fields[checkIndex(index) * 2];
  }

  public String value(int index) {
    return fields[checkIndex(index) * 2 + 1];
  }

  /**
   * Whether field {@code index} is known to pass {@link dev.shuttle.http2.hpack.FieldSyntax}'s
   * character rules; false means unknown, and the field needs checking.
   */
  boolean isWellFormed(int index) {
    return index < Long.SIZE && (wellFormed & (1L << checkIndex(index))) != 0;
  }

  /** The first value of {@code name}, or {@code null}. */
  public String get(String name) {
    for (int i = 0; i < size; i++) {
      if (fields[i * 2].equals(name)) {
        return fields[i * 2 + 1];
      }
    }
    return null;
  }

  /** The size RFC 9113 section 6.5.2 counts: name and value octets plus 32 per field. */
  public long listSize() {
    long total = 0;
    for (int i = 0; i < size * 2; i += 2) {
      total += fields[i].length() + fields[i + 1].length() + 32;
    }
    return total;
  }

  private int checkIndex(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    return index;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(fields[i * 2]).append(": ").append(fields[i * 2 + 1]);
    }
    return sb.append(']').toString();
  }
}
