package dev.shuttle.internal;

import dev.shuttle.Deadline;
import dev.shuttle.Metadata;
import dev.shuttle.MethodDescriptor;

/** One connection of a channel, as calls use it: it opens their streams. */
public interface ClientTransport {
  /**
   * Opens a call's stream and queues its request headers.
   *
   * @param metadata the caller's request metadata, or null
   * @param deadline the call's deadline, or null
   * @param encoding the {@code grpc-encoding} of the request messages, or null
   * @param acceptEncoding the encodings the client reads, comma-separated; empty for none
   * @param maxWaitNanos how long to wait for the server to take one more stream
   * @return the stream, or null when the wait ended first
   * @throws StreamClosedException when the connection cannot take the stream
   */
  ClientStream newStream(
      MethodDescriptor<?, ?> method,
      Metadata metadata,
      Deadline deadline,
      String encoding,
      String acceptEncoding,
      ClientStreamListener listener,
      long maxWaitNanos)
      throws StreamClosedException, InterruptedException;

  /** Whether new streams can be opened. */
  boolean isUsable();

  /** Takes no new streams; those in progress finish, then the connection closes. */
  void shutdown();

  /** Ends every stream and closes the connection now; their calls fail with {@code UNAVAILABLE}. */
  void shutdownNow();

  /** Whether the connection has closed (after {@link #shutdown()}: once its last stream ended). */
  boolean isTerminated();
}
