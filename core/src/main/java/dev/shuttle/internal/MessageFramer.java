package dev.shuttle.internal;

import dev.shuttle.http2.Http2Stream;
import dev.shuttle.http2.Http2StreamClosedException;

/** Writes gRPC length-prefixed messages to a stream. */
public final class MessageFramer {
  /** Below this size the prefix and message are copied into one array, for one DATA frame. */
  private static final int COPY_THRESHOLD = 16 * 1024 - 5;

  private MessageFramer() {}

  /** Queues one uncompressed message; blocks while the peer's flow-control window is closed. */
  public static void write(Http2Stream stream, byte[] message, boolean endStream) throws Http2StreamClosedException {
    int n = message.length;
    if (n <= COPY_THRESHOLD) {
      byte[] framed = new byte[5 + n];
      writePrefix(framed, n);
      System.arraycopy(message, 0, framed, 5, n);
      stream.writeData(framed, 0, framed.length, endStream);
    } else {
      byte[] prefix = new byte[5];
      writePrefix(prefix, n);
      stream.writeData(prefix, 0, 5, false);
      stream.writeData(message, 0, n, endStream);
    }
  }

  private static void writePrefix(byte[] b, int length) {
    b[0] = 0;
    b[1] = (byte) (length >>> 24);
    b[2] = (byte) (length >>> 16);
    b[3] = (byte) (length >>> 8);
    b[4] = (byte) length;
  }
}
