package dev.shuttle;

import java.net.SocketAddress;
import java.time.Duration;

/**
 * What a handler knows about the call it serves, and how it shapes the response's metadata.
 *
 * <pre>{@code
 * public Response getRandom(Request request, ServerContext context) {
 *   String user = context.requestMetadata().get("x-user");
 *   context.responseTrailers().add("x-served-by", "shuttle");
 *   ...
 * }
 * }</pre>
 */
public interface ServerContext {
  /** The method being called. */
  MethodDescriptor<?, ?> method();

  /** The request headers the client sent, without HTTP/2 pseudo-headers and gRPC's own. */
  Metadata requestMetadata();

  /** The time left before the client's deadline, or {@code null} when it set none. */
  Duration timeRemaining();

  /** Whether the call has ended early: cancelled by the client, its deadline passed, or gone. */
  boolean isCancelled();

  /**
   * Headers to send before the first response message. Add to them before the first message is
   * sent; later changes are not sent.
   */
  Metadata responseHeaders();

  /** Trailers to send with the final status. Add to them any time before the handler returns. */
  Metadata responseTrailers();

  /** The client's address. */
  SocketAddress remoteAddress();
}
