package dev.shuttle.http2;

/**
 * A protocol violation by the peer. A connection error ({@link #streamId()} is 0) ends the whole
 * connection with GOAWAY; a stream error ends only that stream with RST_STREAM.
 */
public final class Http2Exception extends Exception {
  private static final long serialVersionUID = 1L;

  private final Http2ErrorCode code;
  private final int streamId;

  private Http2Exception(Http2ErrorCode code, int streamId, String message) {
    super(message, null, false, false);
    this.code = code;
    this.streamId = streamId;
  }

  public static Http2Exception connectionError(Http2ErrorCode code, String message) {
    return new Http2Exception(code, 0, message);
  }

  public static Http2Exception streamError(int streamId, Http2ErrorCode code, String message) {
    if (streamId == 0) {
      throw new IllegalArgumentException("a stream error needs a stream");
    }
    return new Http2Exception(code, streamId, message);
  }

  public Http2ErrorCode code() {
    return code;
  }

  /** The failed stream, or 0 for a connection error. */
  public int streamId() {
    return streamId;
  }

  public boolean isConnectionError() {
    return streamId == 0;
  }
}
