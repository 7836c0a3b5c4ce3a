package dev.shuttle.http2;

/** Accepts the streams that clients open on a server connection. */
public interface Http2ServerHandler {
  /**
   * A client opened a stream with these request headers. Runs on the connection's reader thread:
   * must not block; start work elsewhere and return the listener for the stream's later frames.
   */
  Http2StreamListener onNewStream(Http2Stream stream, Http2Headers headers, boolean endStream);

  /**
   * A client opened a stream whose header list exceeded our limit. The stream is open so the
   * handler can answer it; afterwards it is reset. Runs on the reader thread: must not block.
   */
  void onHeaderListTooLarge(Http2Stream stream);
}
