package dev.shuttle;

/**
 * Where a streaming call's outgoing messages go. {@link #send} blocks while the peer's
 * flow-control window is closed, so a fast producer cannot outrun a slow consumer.
 */
public interface StreamSink<T> {
  /**
   * Sends one message.
   *
   * @throws StatusException when the call has ended (cancelled, deadline passed, peer gone)
   */
  void send(T message);
}
