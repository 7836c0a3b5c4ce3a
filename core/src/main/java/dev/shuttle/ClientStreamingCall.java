package dev.shuttle;

/**
 * A client-streaming call in progress: {@link #send} requests, then {@link #finish} for the one
 * response. Closing it before {@code finish} cancels the call.
 *
 * <pre>{@code
 * try (ClientStreamingCall<Point, RouteSummary> call = client.recordRoute()) {
 *   for (Point p : points) call.send(p);
 *   RouteSummary summary = call.finish();
 * }
 * }</pre>
 */
public interface ClientStreamingCall<Req, Resp> extends StreamSink<Req>, AutoCloseable {
  /** Says no more requests follow, and waits for the response. */
  Resp finish();

  /** The response headers, blocking until they arrive (or the call ends). */
  Metadata headers();

  /** The trailers; empty until the call has ended. */
  Metadata trailers();

  /**
   * Whether the next requests are compressed, when the call has a compression
   * ({@link CallOptions#withCompression}); default true. For a message that compresses badly.
   */
  void setMessageCompression(boolean compress);

  /** Cancels the call if it has not ended yet; does nothing otherwise. */
  @Override
  void close();
}
