package dev.shuttle.compiler;

/** The four kinds of rpc; the names match {@code dev.shuttle.MethodType}, which the output uses. */
enum RpcKind {
  UNARY,
  SERVER_STREAMING,
  CLIENT_STREAMING,
  BIDI_STREAMING;

  /** Whether the server answers with a stream, written to a sink, rather than one response. */
  boolean serverStreams() {
    return this == SERVER_STREAMING || this == BIDI_STREAMING;
  }

  /** Whether the client calls with a stream of requests, read from a source, rather than one. */
  boolean clientStreams() {
    return this == CLIENT_STREAMING || this == BIDI_STREAMING;
  }

  static RpcKind of(boolean clientStreams, boolean serverStreams) {
    if (clientStreams) {
      return serverStreams ? BIDI_STREAMING : CLIENT_STREAMING;
    }
    return serverStreams ? SERVER_STREAMING : UNARY;
  }
}
