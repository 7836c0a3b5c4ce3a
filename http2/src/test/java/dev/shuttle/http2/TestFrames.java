package dev.shuttle.http2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hand-built HTTP/2 frames and HPACK blocks for tests, written from RFC 9113 and RFC 7541
 * directly, without Shuttle's Frames, FrameWriter or HpackEncoder.
 */
final class TestFrames {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int PRIORITY = 0x2;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PUSH_PROMISE = 0x5;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int WINDOW_UPDATE = 0x8;
  static final int CONTINUATION = 0x9;

  static final int END_STREAM = 0x1;
  static final int ACK = 0x1;
  static final int END_HEADERS = 0x4;
  static final int PADDED = 0x8;
  static final int PRIORITY_FLAG = 0x20;

  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private TestFrames() {}

  static byte[] frame(int type, int flags, int streamId, byte[] payload) {
    return concat(header(payload.length, type, flags, streamId), payload);
  }

  static byte[] header(int length, int type, int flags, int streamId) {
    return new byte[] {
      (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
      (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8), (byte) streamId
    };
  }

  /** A payload with a pad-length octet in front and {@code padLength} zero octets behind. */
  static byte[] padded(byte[] content, int padLength) {
    return concat(new byte[] {(byte) padLength}, content, new byte[padLength]);
  }

  static byte[] settings(int... idValuePairs) {
    byte[] p = new byte[idValuePairs.length / 2 * 6];
    for (int i = 0; i < idValuePairs.length / 2; i++) {
      p[i * 6] = (byte) (idValuePairs[i * 2] >>> 8);
      p[i * 6 + 1] = (byte) idValuePairs[i * 2];
      System.arraycopy(int32(idValuePairs[i * 2 + 1]), 0, p, i * 6 + 2, 4);
    }
    return frame(SETTINGS, 0, 0, p);
  }

  static byte[] int32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  static byte[] int64(long v) {
    return concat(int32((int) (v >>> 32)), int32((int) v));
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Literal header fields without indexing, literal names, raw strings (RFC 7541 6.2.2). */
  static byte[] block(String... nameValues) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < nameValues.length; i += 2) {
      hpackInt(b, 0x00, 4, 0);
      hpackString(b, nameValues[i]);
      hpackString(b, nameValues[i + 1]);
    }
    return b.toByteArray();
  }

  /** A literal field with incremental indexing and a literal name (RFC 7541 6.2.1). */
  static byte[] indexedLiteral(String name, String value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    hpackInt(b, 0x40, 6, 0);
    hpackString(b, name);
    hpackString(b, value);
    return b.toByteArray();
  }

  static void hpackString(ByteArrayOutputStream b, String s) {
    byte[] bytes = ascii(s);
    hpackInt(b, 0x00, 7, bytes.length);
    b.writeBytes(bytes);
  }

  static void hpackInt(ByteArrayOutputStream b, int flags, int prefixBits, int value) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      b.write(flags | value);
      return;
    }
    b.write(flags | max);
    value -= max;
    while (value >= 0x80) {
      b.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    b.write(value);
  }
}
