package dev.shuttle.internal;

import dev.shuttle.Status;

/**
 * What a server call hears from its client after the request headers. Called one at a time, in
 * the order the client sent; implementations are quick, never block and run no application code.
 */
public interface ServerStreamListener {
  /** Request bytes: framed messages, possibly split anywhere. Valid only during the call. */
  void onData(byte[] data, int offset, int length, boolean endStream);

  /** The client has sent its last message. */
  void onHalfClose();

  /** The stream ended abnormally (the client cancelled, the connection was lost); nothing more arrives. */
  void onFailure(Status status);
}
