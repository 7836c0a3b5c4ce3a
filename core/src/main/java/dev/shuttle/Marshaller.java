package dev.shuttle;

import java.io.IOException;

/**
 * Turns messages of one type into bytes and back. Shuttle core knows no message format; the
 * {@code shuttle-protobuf} module supplies one for protobuf-java messages.
 *
 * <pre>{@code
 * Marshaller<String> utf8 = new Marshaller<>() {
 *   public byte[] serialize(String s) { return s.getBytes(UTF_8); }
 *   public String parse(byte[] b, int off, int len) { return new String(b, off, len, UTF_8); }
 * };
 * }</pre>
 */
public interface Marshaller<T> {
  /** The message's bytes. The array is not modified afterwards and may be the caller's own. */
  byte[] serialize(T message);

  /**
   * Reads one message from {@code length} bytes at {@code offset}. Shuttle does not touch the
   * array after the call, so a parser may keep a view of it.
   *
   * @throws IOException when the bytes are not a valid message (the call fails with
   *     {@code INTERNAL})
   */
  T parse(byte[] bytes, int offset, int length) throws IOException;
}
