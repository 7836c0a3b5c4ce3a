package dev.shuttle.compiler;

/** The four kinds of rpc; the names match {@code dev.shuttle.MethodType}, which the output uses. */
enum RpcKind {
  UNARY("unary", "UnaryHandler"),
  SERVER_STREAMING("serverStreaming", "ServerStreamingHandler"),
  CLIENT_STREAMING("clientStreaming", "ClientStreamingHandler"),
  BIDI_STREAMING("bidiStreaming", "BidiStreamingHandler");

  private final String bindMethod;
  private final String handlerInterface;

  RpcKind(String bindMethod, String handlerInterface) {
    this.bindMethod = bindMethod;
    this.handlerInterface = handlerInterface;
  }

  /** The {@code ServiceDefinition.Builder} method that binds an rpc of this kind. */
  String bindMethod() {
    return bindMethod;
  }

  /** The simple name of the {@code dev.shuttle} handler interface of this kind. */
  String handlerInterface() {
    return handlerInterface;
  }

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
