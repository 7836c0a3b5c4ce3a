package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.hpack.ByteSink;
import java.nio.charset.StandardCharsets;

/** Encodes HTTP/2 frames (RFC 9113 section 6); control frames come out as complete byte arrays. */
final class Frames {
  private Frames() {}

  static void writeHeader(ByteSink out, int length, int type, int flags, int streamId) {
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
    out.write(type);
    out.write(flags);
    out.write(streamId >>> 24);
    out.write(streamId >>> 16);
    out.write(streamId >>> 8);
    out.write(streamId);
  }

  private static byte[] frame(int length, int type, int flags, int streamId) {
    byte[] f = new byte[FrameType.HEADER_LENGTH + length];
    f[0] = (byte) (length >>> 16);
    f[1] = (byte) (length >>> 8);
    f[2] = (byte) length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    Bytes.writeInt(f, 5, streamId);
    return f;
  }

  static byte[] rstStream(int streamId, Http2ErrorCode code) {
    byte[] f = frame(4, FrameType.RST_STREAM, 0, streamId);
    Bytes.writeInt(f, 9, code.code());
    return f;
  }

  static byte[] windowUpdate(int streamId, int increment) {
    byte[] f = frame(4, FrameType.WINDOW_UPDATE, 0, streamId);
    Bytes.writeInt(f, 9, increment);
    return f;
  }

  static byte[] ping(boolean ack, long payload) {
    byte[] f = frame(8, FrameType.PING, ack ? FrameType.FLAG_ACK : 0, 0);
    Bytes.writeInt(f, 9, (int) (payload >>> 32));
    Bytes.writeInt(f, 13, (int) payload);
    return f;
  }

  static byte[] goAway(int lastStreamId, Http2ErrorCode code, String debug) {
    byte[] text = debug == null ? new byte[0] : debug.getBytes(StandardCharsets.UTF_8);
    int debugLength = Math.min(text.length, 1024);
    byte[] f = frame(8 + debugLength, FrameType.GOAWAY, 0, 0);
    Bytes.writeInt(f, 9, lastStreamId);
    Bytes.writeInt(f, 13, code.code());
    System.arraycopy(text, 0, f, 17, debugLength);
    return f;
  }

  /** The SETTINGS a connection opens with: what differs from the protocol's defaults, and our limits. */
  static byte[] initialSettings(boolean client, Http2Config config) {
    // A plain array, not a stream of boxed pairs: this runs on a cold server's first connection.
    int[] pairs = new int[10];
    int n = 0;
    if (client) {
      pairs[n++] = FrameType.SETTINGS_ENABLE_PUSH;
      pairs[n++] = 0;
    } else {
      pairs[n++] = FrameType.SETTINGS_MAX_CONCURRENT_STREAMS;
      pairs[n++] = config.maxConcurrentStreams();
    }
    if (config.initialStreamWindow() != Http2Config.DEFAULT_PROTOCOL_WINDOW) {
      pairs[n++] = FrameType.SETTINGS_INITIAL_WINDOW_SIZE;
      pairs[n++] = config.initialStreamWindow();
    }
    if (config.maxFrameSize() != Http2Config.MIN_MAX_FRAME_SIZE) {
      pairs[n++] = FrameType.SETTINGS_MAX_FRAME_SIZE;
      pairs[n++] = config.maxFrameSize();
    }
    if (config.headerTableSize() != Http2Config.DEFAULT_HEADER_TABLE_SIZE) {
      pairs[n++] = FrameType.SETTINGS_HEADER_TABLE_SIZE;
      pairs[n++] = config.headerTableSize();
    }
    pairs[n++] = FrameType.SETTINGS_MAX_HEADER_LIST_SIZE;
    pairs[n++] = config.maxHeaderListSize();
    return settings(java.util.Arrays.copyOf(pairs, n));
  }

  /** A SETTINGS frame from (identifier, value) pairs. */
  static byte[] settings(int... idValuePairs) {
    int count = idValuePairs.length / 2;
    byte[] f = frame(count * 6, FrameType.SETTINGS, 0, 0);
    for (int i = 0; i < count; i++) {
      int at = 9 + i * 6;
      f[at] = (byte) (idValuePairs[i * 2] >>> 8);
      f[at + 1] = (byte) idValuePairs[i * 2];
      Bytes.writeInt(f, at + 2, idValuePairs[i * 2 + 1]);
    }
    return f;
  }
}
