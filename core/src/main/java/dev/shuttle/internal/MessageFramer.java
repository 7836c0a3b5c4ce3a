package dev.shuttle.internal;

import dev.shuttle.Compressor;
import dev.shuttle.Marshaller;
import java.nio.ByteBuffer;

/** Frames gRPC length-prefixed messages: 1 flag byte, 4 length bytes, then the message. */
public final class MessageFramer {
  public static final int PREFIX_LENGTH = 5;

  private MessageFramer() {}

  /**
   * The message serialized behind its prefix, ready to send: in parts when the marshaller shares
   * the message's own arrays, else in one array written behind room for the prefix.
   */
  public static <T> FramedMessage frame(Marshaller<T> marshaller, T message) {
    ByteBuffer[] parts = marshaller.serializeInParts(message, PREFIX_LENGTH);
    if (parts != null) {
      return framed(parts);
    }
    byte[] framed = marshaller.serialize(message, PREFIX_LENGTH);
    writePrefix(framed, 0, false, framed.length - PREFIX_LENGTH);
    return FramedMessage.of(framed);
  }

  /** Like {@link #frame(Marshaller, Object)}, compressed when {@code compressor} is not null. */
  public static <T> FramedMessage frame(Marshaller<T> marshaller, T message, Compressor compressor) {
    if (compressor == null) {
      return frame(marshaller, message);
    }
    // The compressor reads the message once, so one array of it costs no more than parts would.
    byte[] serialized = marshaller.serialize(message, PREFIX_LENGTH);
    return FramedMessage.of(
        Compression.compressFramed(serialized, PREFIX_LENGTH, serialized.length - PREFIX_LENGTH, compressor));
  }

  private static FramedMessage framed(ByteBuffer[] parts) {
    if (parts.length == 0 || parts[0].remaining() < PREFIX_LENGTH) {
      throw new IllegalStateException("a marshaller's first part lacks the " + PREFIX_LENGTH + " bytes of headroom");
    }
    FramedMessage message = FramedMessage.ofParts(parts);
    ByteBuffer first = parts[0];
    writePrefix(first.array(), first.arrayOffset() + first.position(), false, message.length() - PREFIX_LENGTH);
    return message;
  }

  static void writePrefix(byte[] framed, int at, boolean compressed, int length) {
    framed[at] = (byte) (compressed ? 1 : 0);
    framed[at + 1] = (byte) (length >>> 24);
    framed[at + 2] = (byte) (length >>> 16);
    framed[at + 3] = (byte) (length >>> 8);
    framed[at + 4] = (byte) length;
  }

  /**
   * Queues a framed message; blocks while the peer's flow-control window is closed, until an
   * interrupt.
   */
  public static void write(CallStream stream, FramedMessage framed, boolean endStream)
      throws StreamClosedException, InterruptedException {
    stream.writeMessage(framed, endStream);
  }
}
