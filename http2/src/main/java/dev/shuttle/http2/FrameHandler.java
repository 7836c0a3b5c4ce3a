package dev.shuttle.http2;

/**
 * What {@link FrameReader} reports, one call per frame (a header block arrives whole, after its
 * CONTINUATION frames). Frame-level syntax is already checked; stream state is the callee's job.
 */
interface FrameHandler {
  /**
   * @param flowControlledLength the frame's whole payload length, padding included, which is what
   *     flow control counts
   */
  void onData(int streamId, byte[] buf, int offset, int length, int flowControlledLength, boolean endStream)
      throws Http2Exception;

  void onHeaders(int streamId, Http2Headers headers, boolean endStream) throws Http2Exception;

  /** A header block decoded fine but exceeded our header list limit; the stream must fail. */
  void onHeaderListTooLarge(int streamId, boolean endStream) throws Http2Exception;

  void onPriority(int streamId, int dependency) throws Http2Exception;

  void onRstStream(int streamId, Http2ErrorCode code) throws Http2Exception;

  void onSettings(Http2Settings settings) throws Http2Exception;

  void onSettingsAck() throws Http2Exception;

  void onPushPromise(int streamId) throws Http2Exception;

  void onPing(boolean ack, long payload) throws Http2Exception;

  void onGoAway(int lastStreamId, Http2ErrorCode code, String debugData) throws Http2Exception;

  void onWindowUpdate(int streamId, int increment) throws Http2Exception;

  /** A CONTINUATION frame arrived (its fragment is part of the block reported later). */
  default void onContinuation(int streamId) throws Http2Exception {}
}
