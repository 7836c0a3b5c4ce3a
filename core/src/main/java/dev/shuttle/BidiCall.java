package dev.shuttle;

/**
 * A bidirectional-streaming call in progress. Sending and receiving are independent and may run
 * on different threads; {@link #halfClose()} says no more requests follow. Closing it before the
 * call has ended cancels it.
 *
 * <pre>{@code
 * try (BidiCall<Note, Note> chat = client.routeChat()) {
 *   chat.send(note);
 *   chat.halfClose();
 *   for (Note reply : chat) { print(reply); }
 * }
 * }</pre>
 */
public interface BidiCall<Req, Resp> extends StreamSink<Req>, ResponseStream<Resp> {
  /** Says no more requests follow; receiving goes on. */
  void halfClose();

  /**
   * Whether the next requests are compressed, when the call has a compression
   * ({@link CallOptions#withCompression}); default true.
   */
  void setMessageCompression(boolean compress);
}
