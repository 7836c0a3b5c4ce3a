package dev.shuttle.http2;

/** Learns of connection-wide events; called on the reader thread, so it must not block. */
public interface Http2ConnectionListener {
  Http2ConnectionListener NONE = new Http2ConnectionListener() {};

  /**
   * The peer sent GOAWAY: no new streams may be opened on this connection. {@code debugData} is
   * the peer's text, such as {@code too_many_pings}.
   */
  default void onGoAway(Http2Connection connection, Http2ErrorCode code, String debugData) {}

  /** The connection has ended and its socket is closed. */
  default void onTerminated(Http2Connection connection) {}
}
