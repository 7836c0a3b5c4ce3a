package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;

/**
 * The parameters of one SETTINGS frame, validated as RFC 9113 section 6.5.2 requires. A setting
 * the frame did not carry reads as -1; unknown identifiers are ignored.
 */
public final class Http2Settings {
  private final long[] values = {-1, -1, -1, -1, -1, -1, -1};

  private Http2Settings() {} // parsed from the wire only

  /** Parses and validates a SETTINGS payload. */
  static Http2Settings parse(byte[] buf, int offset, int length) throws Http2Exception {
    if (length % 6 != 0) {
      throw Http2Exception.connectionError(
          Http2ErrorCode.FRAME_SIZE_ERROR, "SETTINGS length " + length + " is not a multiple of 6");
    }
    Http2Settings settings = new Http2Settings();
    for (int i = offset; i < offset + length; i += 6) {
      int id = ((buf[i] & 0xff) << 8) | (buf[i + 1] & 0xff);
      long value = Bytes.readInt(buf, i + 2) & 0xffffffffL;
      switch (id) {
        case FrameType.SETTINGS_ENABLE_PUSH -> {
          if (value > 1) {
            throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "ENABLE_PUSH must be 0 or 1");
          }
        }
        case FrameType.SETTINGS_INITIAL_WINDOW_SIZE -> {
          if (value > Http2Config.MAX_WINDOW) {
            throw Http2Exception.connectionError(
                Http2ErrorCode.FLOW_CONTROL_ERROR, "INITIAL_WINDOW_SIZE above 2^31-1");
          }
        }
        case FrameType.SETTINGS_MAX_FRAME_SIZE -> {
          if (value < Http2Config.MIN_MAX_FRAME_SIZE || value > Http2Config.MAX_MAX_FRAME_SIZE) {
            throw Http2Exception.connectionError(
                Http2ErrorCode.PROTOCOL_ERROR, "MAX_FRAME_SIZE outside [16384, 16777215]: " + value);
          }
        }
        default -> {}
      }
      if (id >= 1 && id <= 6) {
        settings.values[id] = value;
      }
    }
    return settings;
  }

  /** The value of a setting, or -1 when absent. Values above int range are clamped. */
  int get(int id) {
    long v = values[id];
    return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
  }

  boolean has(int id) {
    return values[id] >= 0;
  }

  public int headerTableSize() {
    return get(FrameType.SETTINGS_HEADER_TABLE_SIZE);
  }

  public int maxConcurrentStreams() {
    return get(FrameType.SETTINGS_MAX_CONCURRENT_STREAMS);
  }

  public int initialWindowSize() {
    return get(FrameType.SETTINGS_INITIAL_WINDOW_SIZE);
  }

  public int maxFrameSize() {
    return get(FrameType.SETTINGS_MAX_FRAME_SIZE);
  }

  public int maxHeaderListSize() {
    return get(FrameType.SETTINGS_MAX_HEADER_LIST_SIZE);
  }
}
