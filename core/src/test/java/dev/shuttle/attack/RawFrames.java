package dev.shuttle.attack;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames (RFC 9113 section 4.1 and 6) and HPACK header blocks (RFC 7541: literals without
 * indexing, no Huffman) built byte by byte, so that attackers send exactly what they mean to,
 * independently of Shuttle's own writer and encoder.
 */
final class RawFrames {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int PRIORITY = 0x2;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int WINDOW_UPDATE = 0x8;
  static final int CONTINUATION = 0x9;

  static final int FLAG_END_STREAM = 0x1;
  static final int FLAG_ACK = 0x1;
  static final int FLAG_END_HEADERS = 0x4;
  static final int FLAG_PADDED = 0x8;
  static final int FLAG_PRIORITY = 0x20;

  static final int NO_ERROR = 0x0;
  static final int PROTOCOL_ERROR = 0x1;
  static final int SETTINGS_TIMEOUT = 0x4;
  static final int STREAM_CLOSED = 0x5;
  static final int REFUSED_STREAM = 0x7;
  static final int CANCEL = 0x8;
  static final int ENHANCE_YOUR_CALM = 0xb;

  static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
  static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  static final int DEFAULT_WINDOW = 65_535;
  static final int MAX_FRAME = 16_384;

  private RawFrames() {}

  static byte[] frameHeader(int length, int type, int flags, int streamId) {
    byte[] h = new byte[9];
    h[0] = (byte) (length >>> 16);
    h[1] = (byte) (length >>> 8);
    h[2] = (byte) length;
    h[3] = (byte) type;
    h[4] = (byte) flags;
    putInt(h, 5, streamId);
    return h;
  }

  static byte[] frame(int type, int flags, int streamId, byte[] payload) {
    return concat(frameHeader(payload.length, type, flags, streamId), payload);
  }

  static byte[] settings(int... idValuePairs) {
    byte[] p = new byte[idValuePairs.length / 2 * 6];
    for (int i = 0; i < idValuePairs.length / 2; i++) {
      p[i * 6] = (byte) (idValuePairs[i * 2] >>> 8);
      p[i * 6 + 1] = (byte) idValuePairs[i * 2];
      putInt(p, i * 6 + 2, idValuePairs[i * 2 + 1]);
    }
    return frame(SETTINGS, 0, 0, p);
  }

  static byte[] settingsAck() {
    return frame(SETTINGS, FLAG_ACK, 0, new byte[0]);
  }

  static byte[] headers(int streamId, int flags, byte[] block) {
    return frame(HEADERS, flags, streamId, block);
  }

  static byte[] continuation(int streamId, int flags, byte[] fragment) {
    return frame(CONTINUATION, flags, streamId, fragment);
  }

  static byte[] data(int streamId, boolean endStream, byte[] bytes) {
    return frame(DATA, endStream ? FLAG_END_STREAM : 0, streamId, bytes);
  }

  static byte[] rstStream(int streamId, int code) {
    return frame(RST_STREAM, 0, streamId, int32(code));
  }

  static byte[] windowUpdate(int streamId, int increment) {
    return frame(WINDOW_UPDATE, 0, streamId, int32(increment));
  }

  static byte[] priority(int streamId, int dependency) {
    byte[] p = new byte[5];
    putInt(p, 0, dependency);
    p[4] = 15;
    return frame(PRIORITY, 0, streamId, p);
  }

  static byte[] ping(boolean ack, long payload) {
    byte[] p = new byte[8];
    putInt(p, 0, (int) (payload >>> 32));
    putInt(p, 4, (int) payload);
    return frame(PING, ack ? FLAG_ACK : 0, 0, p);
  }

  /** The 5-byte gRPC prefix of an uncompressed message of this length. */
  static byte[] grpcPrefix(int length) {
    byte[] m = new byte[5];
    putInt(m, 1, length);
    return m;
  }

  /** A whole uncompressed gRPC message. */
  static byte[] grpcMessage(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    return concat(grpcPrefix(bytes.length), bytes);
  }

  /** The header block of a gRPC request to this path. */
  static byte[] grpcRequest(String path) {
    return block(
        ":method", "POST", ":scheme", "http", ":path", path, ":authority", "localhost",
        "content-type", "application/grpc", "te", "trailers");
  }

  /** Literal fields without indexing, literal names, raw strings. */
  static byte[] block(String... nameValues) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < nameValues.length; i += 2) {
      b.write(0x00);
      hpackString(b, nameValues[i]);
      hpackString(b, nameValues[i + 1]);
    }
    return b.toByteArray();
  }

  private static void hpackString(ByteArrayOutputStream b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    hpackInt(b, 7, bytes.length);
    b.write(bytes, 0, bytes.length);
  }

  /** RFC 7541 5.1, with the first octet's high bits zero (no Huffman). */
  private static void hpackInt(ByteArrayOutputStream b, int prefixBits, int value) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      b.write(value);
      return;
    }
    b.write(max);
    value -= max;
    while (value >= 0x80) {
      b.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    b.write(value);
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  static byte[] repeat(byte[] part, int times) {
    byte[] all = new byte[part.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(part, 0, all, i * part.length, part.length);
    }
    return all;
  }

  static byte[] int32(int v) {
    byte[] b = new byte[4];
    putInt(b, 0, v);
    return b;
  }

  static int getInt(byte[] b, int i) {
    return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
  }

  static void putInt(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }
}
