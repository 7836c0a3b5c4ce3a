/**
 * HTTP/2 (RFC 9113) and HPACK (RFC 7541) on the JDK alone, client and server, with TLS on the
 * JDK's own SSLEngine. Users meet {@link dev.shuttle.http2.Http2Config},
 * {@link dev.shuttle.http2.TlsServerConfig} and {@link dev.shuttle.http2.TlsClientConfig}; the
 * other public classes of {@code dev.shuttle.http2} are the connection, server and stream that
 * Shuttle's gRPC layer runs on, and the HPACK coder is for that layer alone.
 */
// "module": the name ends in a digit, as HTTP/2's does, and dev.shuttle.core, the one reader of
// hpack, is built after this module. "exports": Http2Headers, which core fills, is an hpack
// HeaderSink; that interface stays core's.
@SuppressWarnings({"module", "exports"})
module dev.shuttle.http2 {
  exports dev.shuttle.http2;
  exports dev.shuttle.http2.hpack to dev.shuttle.core;
}
