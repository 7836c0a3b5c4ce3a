package dev.shuttle.internal;

import dev.shuttle.Compressor;
import dev.shuttle.Marshaller;

/** Frames gRPC length-prefixed messages: 1 flag byte, 4 length bytes, then the message. */
public final class MessageFramer {
  public static final int PREFIX_LENGTH = 5;

  private MessageFramer() {}

  /** The message serialized behind room for its prefix, the prefix written: ready to send. */
  public static <T> byte[] frame(Marshaller<T> marshaller, T message) {
    byte[] framed = marshaller.serialize(message, PREFIX_LENGTH);
    writePrefix(framed, false, framed.length - PREFIX_LENGTH);
    return framed;
  }

  /** Like {@link #frame(Marshaller, Object)}, compressed when {@code compressor} is not null. */
  public static <T> byte[] frame(Marshaller<T> marshaller, T message, Compressor compressor) {
    byte[] framed = frame(marshaller, message);
    return compressor == null ? framed : Compression.compressFramed(framed, PREFIX_LENGTH, framed.length - PREFIX_LENGTH, compressor);
  }

  static void writePrefix(byte[] framed, boolean compressed, int length) {
    framed[0] = (byte) (compressed ? 1 : 0);
    framed[1] = (byte) (length >>> 24);
    framed[2] = (byte) (length >>> 16);
    framed[3] = (byte) (length >>> 8);
    framed[4] = (byte) length;
  }

  /**
   * Queues a framed message; blocks while the peer's flow-control window is closed, until an
   * interrupt.
   */
  public static void write(CallStream stream, byte[] framed, boolean endStream)
      throws StreamClosedException, InterruptedException {
    stream.writeMessage(framed, endStream);
  }
}
