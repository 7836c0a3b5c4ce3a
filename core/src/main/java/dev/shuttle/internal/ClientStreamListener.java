package dev.shuttle.internal;

import dev.shuttle.Metadata;
import dev.shuttle.Status;

/**
 * What a client call hears from the server. Called one at a time, in the order the server sent;
 * implementations are quick, never block and run no application code. {@code stream} is the
 * stream the call is for, passed because it may arrive before {@code newStream} returned it.
 */
public interface ClientStreamListener {
  /**
   * The response headers.
   *
   * @param encoding the {@code grpc-encoding} of the response messages, or null
   */
  void onHeaders(ClientStream stream, Metadata headers, String encoding);

  /** Response bytes: framed messages, possibly split anywhere. Valid only during the call. */
  void onData(ClientStream stream, byte[] data, int offset, int length, boolean endStream);

  /**
   * The call's end: its status and trailers (for a trailers-only response, headers and trailers
   * together). Nothing more arrives.
   */
  void onTrailers(Status status, Metadata trailers);

  /**
   * The stream ended abnormally; nothing more arrives.
   *
   * @param refusedUnprocessed whether the server refused it before processing any of it, so it
   *     may be sent again
   */
  void onFailure(Status status, boolean refusedUnprocessed);
}
