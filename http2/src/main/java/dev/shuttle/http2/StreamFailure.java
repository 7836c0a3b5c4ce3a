package dev.shuttle.http2;

/**
 * Why a stream ended without both sides finishing it normally.
 *
 * @param kind what happened
 * @param code the HTTP/2 error code involved, when there is one
 * @param detail a description for logs and status messages
 */
public record StreamFailure(Kind kind, Http2ErrorCode code, String detail) {
  /** The ways a stream can fail. */
  public enum Kind {
    /** The peer sent RST_STREAM with {@link #code()}. */
    RESET_BY_PEER,
    /** The peer refused the stream before processing it (REFUSED_STREAM, or GOAWAY below its id): safe to retry. */
    REFUSED,
    /** The peer broke the protocol on this stream; we reset it with {@link #code()}. */
    PROTOCOL_ERROR,
    /** The peer's header block exceeded our header list limit; we reset the stream. */
    HEADER_LIST_TOO_LARGE,
    /** The connection ended (closed, failed, or a connection error). */
    CONNECTION_LOST
  }
}
