package dev.shuttle.http2;

/** Error codes of RFC 9113 section 7, carried by RST_STREAM and GOAWAY. */
public enum Http2ErrorCode {
  NO_ERROR(0x0),
  PROTOCOL_ERROR(0x1),
  INTERNAL_ERROR(0x2),
  FLOW_CONTROL_ERROR(0x3),
  SETTINGS_TIMEOUT(0x4),
  STREAM_CLOSED(0x5),
  FRAME_SIZE_ERROR(0x6),
  REFUSED_STREAM(0x7),
  CANCEL(0x8),
  COMPRESSION_ERROR(0x9),
  CONNECT_ERROR(0xa),
  ENHANCE_YOUR_CALM(0xb),
  INADEQUATE_SECURITY(0xc),
  HTTP_1_1_REQUIRED(0xd);

  private static final Http2ErrorCode[] BY_CODE = values();
  private final int code;

  Http2ErrorCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** Unknown codes must not trigger special behaviour (RFC 9113 7); they read as INTERNAL_ERROR. */
  public static Http2ErrorCode of(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : INTERNAL_ERROR;
  }
}
