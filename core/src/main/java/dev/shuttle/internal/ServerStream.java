package dev.shuttle.internal;

import dev.shuttle.Metadata;
import dev.shuttle.Status;
import java.net.SocketAddress;
import javax.net.ssl.SSLSession;

/**
 * The server's side of one call's stream, as a {@link ServerCall} writes to it. The request
 * headers came with the stream; what arrives next goes to the call as a
 * {@link ServerStreamListener}.
 */
public interface ServerStream extends CallStream {
  /**
   * Queues the response headers.
   *
   * @param metadata the handler's response headers; null or empty for none
   * @param encoding the {@code grpc-encoding} of the response messages; null for none
   */
  void writeHeaders(Metadata metadata, String encoding) throws StreamClosedException;

  /** Queues the status and trailers after response headers, ending the stream. */
  void writeTrailers(Status status, Metadata trailers) throws StreamClosedException;

  /** Queues the status with the response headers and trailers in one block (no messages), ending the stream. */
  void writeTrailersOnly(Status status, Metadata headersAndTrailers) throws StreamClosedException;

  /** Has what is queued sent without blocking this thread; for callers that must not block. */
  void flushAsync();

  /**
   * Gives back the concurrency slot the call holds while its handler runs (taken when the stream
   * was made); calling it again does nothing.
   */
  void releaseSlot();

  /** The client's address. */
  SocketAddress remoteAddress();

  /** The TLS session of the connection; null when not TLS. */
  SSLSession tlsSession();
}
