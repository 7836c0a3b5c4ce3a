package dev.shuttle.http2;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;

/**
 * The answer a TLS port gives a client that sent the cleartext HTTP/2 preface: in HTTP/2, so that
 * the client can tell its user what went wrong ("this port requires TLS") where a TLS alert
 * would read as a broken frame.
 *
 * <p>The GOAWAY waits for the client's first request: gRPC clients (grpc-java, for one) start
 * calls only once they have the server's SETTINGS, and a GOAWAY before any call would tell them
 * the call was never sent, which they retry at once on a new connection, again and again. Sent
 * after the request, with last stream id 0, it refuses that call, which clients retry at most
 * once, then report with the GOAWAY's text. Its code is NO_ERROR: gRPC clients map that to
 * UNAVAILABLE (PROTOCOL_ERROR would read as INTERNAL, a bug on one side, which this is not).
 */
final class CleartextRefusal {
  static final String MESSAGE = "this port requires TLS: connect with TLS, not cleartext";
  /** What the client may send before its first HEADERS; past it we answer anyway. */
  private static final int MAX_BYTES_BEFORE_REQUEST = 64 * 1024;

  private CleartextRefusal() {}

  /** Whether {@code bytes} (the client's first ones) begin the cleartext HTTP/2 preface. */
  static boolean isCleartextPreface(byte[] bytes, int offset, int length) {
    if (length < 4) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      if (bytes[offset + i] != FrameReader.CLIENT_PREFACE[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Sends SETTINGS, reads past the preface and the client's frames up to its first HEADERS (or
   * its end, or a bound), then sends GOAWAY with {@link #MESSAGE} and ends our side.
   *
   * <p>Then it reads what the client still sends (its request's DATA, say) until the client
   * closes or a bound: closing with unread bytes would send a TCP reset, which can reach the
   * client before it has read the GOAWAY, and it would report "broken pipe" instead. The caller's
   * handshake deadline, which closes the socket, bounds the wait.
   *
   * @param received what was read from the client so far
   */
  static void answer(byte[] received, int offset, int length, Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    out.write(Frames.settings(new int[0]));
    out.flush();
    DataInputStream frames =
        new DataInputStream(new SequenceInputStream(new ByteArrayInputStream(received, offset, length), in));
    try {
      frames.skipNBytes(FrameReader.CLIENT_PREFACE.length);
      for (long read = 0; read < MAX_BYTES_BEFORE_REQUEST; ) {
        byte[] header = frames.readNBytes(FrameType.HEADER_LENGTH);
        if (header.length < FrameType.HEADER_LENGTH) {
          break; // the client has gone
        }
        int payload = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        if ((header[3] & 0xff) == FrameType.HEADERS) {
          break;
        }
        frames.skipNBytes(payload);
        read += FrameType.HEADER_LENGTH + payload;
      }
    } catch (IOException e) {
      // The client stopped short: it gets the GOAWAY all the same, if it still reads.
    }
    out.write(Frames.goAway(0, Http2ErrorCode.NO_ERROR, MESSAGE));
    out.flush();
    socket.shutdownOutput();
    byte[] sink = new byte[4096];
    for (long discarded = 0; discarded < MAX_BYTES_BEFORE_REQUEST; ) {
      int n = frames.read(sink);
      if (n < 0) {
        return;
      }
      discarded += n;
    }
  }
}
