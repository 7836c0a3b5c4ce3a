package dev.shuttle.http2;

/**
 * Receives what the peer sends on one stream. Called on the connection's reader thread, one call
 * at a time and in wire order: implementations must be quick and must never block or run
 * application code.
 */
public interface Http2StreamListener {
  /**
   * A header block: the response headers (client) or trailers (either side, with
   * {@code endStream}).
   */
  void onHeaders(Http2Stream stream, Http2Headers headers, boolean endStream);

  /**
   * DATA payload. The bytes are valid only during the call; copy what you keep. Return window
   * for them with {@link Http2Stream#consumed(int)} once the application has taken them.
   */
  void onData(Http2Stream stream, byte[] data, int offset, int length, boolean endStream);

  /** The stream ended abnormally; nothing more arrives. */
  void onFailure(Http2Stream stream, StreamFailure failure);
}
