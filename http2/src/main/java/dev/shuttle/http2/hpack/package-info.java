/**
 * HPACK, header compression for HTTP/2 (RFC 7541): {@link dev.shuttle.http2.hpack.HpackEncoder}
 * and {@link dev.shuttle.http2.hpack.HpackDecoder}, one of each per connection direction. The
 * classes are not thread-safe; each is owned by a single reader or writer.
 */
package dev.shuttle.http2.hpack;
