package dev.shuttle.http2.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The numbers of RFC 9113 (frame types, flags, error codes, settings) and builders for raw frames,
 * well-formed or not. Written from the RFC for the conformance client; it shares no code with
 * Shuttle's Frames or FrameWriter, so that a mistake there cannot hide behind the same mistake
 * here.
 */
final class Wire {
  // RFC 9113 section 6: frame types.
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

  // Flags.
  static final int END_STREAM = 0x1;
  static final int ACK = 0x1;
  static final int END_HEADERS = 0x4;
  static final int PADDED = 0x8;
  static final int PRIORITY_FLAG = 0x20;

  // RFC 9113 section 7: error codes.
  static final int NO_ERROR = 0x0;
  static final int PROTOCOL_ERROR = 0x1;
  static final int INTERNAL_ERROR = 0x2;
  static final int FLOW_CONTROL_ERROR = 0x3;
  static final int SETTINGS_TIMEOUT = 0x4;
  static final int STREAM_CLOSED = 0x5;
  static final int FRAME_SIZE_ERROR = 0x6;
  static final int REFUSED_STREAM = 0x7;
  static final int CANCEL = 0x8;
  static final int COMPRESSION_ERROR = 0x9;
  static final int CONNECT_ERROR = 0xa;
  static final int ENHANCE_YOUR_CALM = 0xb;
  static final int INADEQUATE_SECURITY = 0xc;
  static final int HTTP_1_1_REQUIRED = 0xd;

  // RFC 9113 section 6.5.2: settings.
  static final int HEADER_TABLE_SIZE = 0x1;
  static final int ENABLE_PUSH = 0x2;
  static final int MAX_CONCURRENT_STREAMS = 0x3;
  static final int INITIAL_WINDOW_SIZE = 0x4;
  static final int MAX_FRAME_SIZE = 0x5;
  static final int MAX_HEADER_LIST_SIZE = 0x6;

  /** The smallest SETTINGS_MAX_FRAME_SIZE, and the value in force until the peer says otherwise. */
  static final int DEFAULT_MAX_FRAME_SIZE = 1 << 14;

  /** RFC 9113 section 3.4: the client connection preface. */
  static final byte[] PREFACE = ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

  private static final String[] ERROR_NAMES = {
    "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
    "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
    "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"
  };
  private static final String[] TYPE_NAMES = {
    "DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY",
    "WINDOW_UPDATE", "CONTINUATION"
  };

  private Wire() {}

  static String errorName(int code) {
    return code >= 0 && code < ERROR_NAMES.length ? ERROR_NAMES[code] : "0x" + Integer.toHexString(code);
  }

  static String typeName(int type) {
    return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "type 0x" + Integer.toHexString(type);
  }

  // ---------------------------------------------------------------------------------------------
  // RFC 9113 section 4.1: the frame header.

  /** A 9-octet frame header; the length need not match what follows (for malformed frames). */
  static byte[] frameHeader(int length, int type, int flags, int streamId) {
    return new byte[] {
      (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
      (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8), (byte) streamId
    };
  }

  /** A frame whose length field is the payload's length. */
  static byte[] frame(int type, int flags, int streamId, byte[] payload) {
    return concat(frameHeader(payload.length, type, flags, streamId), payload);
  }

  // ---------------------------------------------------------------------------------------------
  // RFC 9113 section 6: one builder per frame type.

  static byte[] data(int streamId, int flags, byte[] payload) {
    return frame(DATA, flags, streamId, payload);
  }

  static byte[] data(int streamId, boolean endStream, String payload) {
    return data(streamId, endStream ? END_STREAM : 0, ascii(payload));
  }

  static byte[] headers(int streamId, int flags, byte[] fieldBlock) {
    return frame(HEADERS, flags, streamId, fieldBlock);
  }

  /** HEADERS with the PRIORITY flag and its five octets of (deprecated) priority fields. */
  static byte[] headersWithPriority(
      int streamId, int flags, int dependency, boolean exclusive, int weight, byte[] fieldBlock) {
    return frame(HEADERS, flags | PRIORITY_FLAG, streamId, concat(priorityFields(dependency, exclusive, weight), fieldBlock));
  }

  /**
   * A DATA, HEADERS or PUSH_PROMISE frame with the PADDED flag: the pad-length octet, the content,
   * then {@code padLength} zero octets.
   */
  static byte[] padded(int type, int flags, int streamId, byte[] content, int padLength) {
    return frame(type, flags | PADDED, streamId, concat(new byte[] {(byte) padLength}, content, new byte[padLength]));
  }

  static byte[] priority(int streamId, int dependency, boolean exclusive, int weight) {
    return frame(PRIORITY, 0, streamId, priorityFields(dependency, exclusive, weight));
  }

  /** Exclusive bit, 31-bit dependency, weight octet (the weight on the wire is weight - 1). */
  static byte[] priorityFields(int dependency, boolean exclusive, int wireWeight) {
    return concat(int32(dependency | (exclusive ? 0x80000000 : 0)), new byte[] {(byte) wireWeight});
  }

  static byte[] rstStream(int streamId, int errorCode) {
    return frame(RST_STREAM, 0, streamId, int32(errorCode));
  }

  /** A SETTINGS frame from (identifier, value) pairs. */
  static byte[] settings(int... idValuePairs) {
    return frame(SETTINGS, 0, 0, settingsPayload(idValuePairs));
  }

  static byte[] settingsPayload(int... idValuePairs) {
    if (idValuePairs.length % 2 != 0) {
      throw new IllegalArgumentException("settings come in (identifier, value) pairs");
    }
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    for (int i = 0; i < idValuePairs.length; i += 2) {
      p.write(idValuePairs[i] >>> 8);
      p.write(idValuePairs[i]);
      p.writeBytes(int32(idValuePairs[i + 1]));
    }
    return p.toByteArray();
  }

  static byte[] settingsAck() {
    return frame(SETTINGS, ACK, 0, new byte[0]);
  }

  static byte[] ping(long opaque) {
    return frame(PING, 0, 0, int64(opaque));
  }

  static byte[] pingAck(long opaque) {
    return frame(PING, ACK, 0, int64(opaque));
  }

  static byte[] goAway(int lastStreamId, int errorCode, String debug) {
    return frame(GOAWAY, 0, 0, concat(int32(lastStreamId), int32(errorCode), ascii(debug)));
  }

  static byte[] windowUpdate(int streamId, int increment) {
    return frame(WINDOW_UPDATE, 0, streamId, int32(increment));
  }

  static byte[] continuation(int streamId, int flags, byte[] fragment) {
    return frame(CONTINUATION, flags, streamId, fragment);
  }

  static byte[] pushPromise(int streamId, int flags, int promisedStreamId, byte[] fieldBlock) {
    return frame(PUSH_PROMISE, flags, streamId, concat(int32(promisedStreamId), fieldBlock));
  }

  // ---------------------------------------------------------------------------------------------
  // Octets.

  static byte[] int32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  static byte[] int64(long v) {
    return concat(int32((int) (v >>> 32)), int32((int) v));
  }

  static int readInt32(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  static long readInt64(byte[] b, int at) {
    return ((long) readInt32(b, at) << 32) | (readInt32(b, at + 4) & 0xffffffffL);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** {@code n} octets of 'x'. */
  static byte[] filler(int n) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) 'x');
    return b;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
