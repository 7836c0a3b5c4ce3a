package dev.shuttle;

import java.io.IOException;
import java.nio.ByteBuffer;

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
   * The message's bytes after {@code headroom} free bytes, which the caller fills (gRPC puts its
   * 5-byte message prefix there), so that framing a message needs no second array. The default
   * copies {@link #serialize(Object)}; a marshaller that knows the size up front writes in place.
   */
  default byte[] serialize(T message, int headroom) {
    byte[] bytes = serialize(message);
    byte[] framed = new byte[headroom + bytes.length];
    System.arraycopy(bytes, 0, framed, headroom, bytes.length);
    return framed;
  }

  /**
   * The message's bytes in parts to be sent in order, {@code headroom} free bytes at the start of
   * the first, or null when the message is better sent as one array ({@link #serialize(Object,
   * int)}, the default). A marshaller whose messages hold large arrays that never change
   * (protobuf's {@code bytes} fields) returns views of those arrays, which spares copying them
   * into a new one. Shuttle reads the parts until the message is sent and writes nothing in them
   * but the headroom; parts without an accessible array are copied.
   */
  default ByteBuffer[] serializeInParts(T message, int headroom) {
    return null;
  }

  /**
   * Reads one message from {@code length} bytes at {@code offset}. Shuttle does not touch the
   * array after the call, so a parser may keep a view of it.
   *
   * @throws IOException when the bytes are not a valid message (the call fails with
   *     {@code INTERNAL})
   */
  T parse(byte[] bytes, int offset, int length) throws IOException;
}
