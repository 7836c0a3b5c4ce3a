/**
 * gRPC on virtual threads: servers, channels, calls, status, metadata, interceptors, and the
 * transports they run on (HTTP/2, and in-process for tests). Only {@code dev.shuttle} is
 * exported; {@code dev.shuttle.internal} is the implementation, free to change.
 */
module dev.shuttle.core {
  requires transitive dev.shuttle.http2;

  exports dev.shuttle;
}
