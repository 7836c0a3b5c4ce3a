/**
 * HTTP/2 (RFC 9113) and HPACK (RFC 7541) on the JDK alone, client and server, with TLS on the
 * JDK's own SSLEngine. Users configure it through {@code dev.shuttle.http2.config}
 * ({@link dev.shuttle.http2.config.Http2Config}, {@link dev.shuttle.http2.config.TlsServerConfig},
 * {@link dev.shuttle.http2.config.TlsClientConfig}); the connection, server and stream of
 * {@code dev.shuttle.http2} and the HPACK coder are for Shuttle's gRPC layer alone.
 */
// "module": the name ends in a digit, as HTTP/2's does, and dev.shuttle.core, the one reader of
// the engine, is built after this module.
@SuppressWarnings("module")
module dev.shuttle.http2 {
  exports dev.shuttle.http2.config;
  exports dev.shuttle.http2 to dev.shuttle.core;
  exports dev.shuttle.http2.hpack to dev.shuttle.core;
}
