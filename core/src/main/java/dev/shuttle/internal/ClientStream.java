package dev.shuttle.internal;

/** The client's side of one call's stream, opened by a {@link ClientTransport}. */
public interface ClientStream extends CallStream {
  /** Queues the end of the request stream without a message. */
  void halfClose() throws StreamClosedException, InterruptedException;
}
