package dev.shuttle.internal;

/**
 * What a call writes to on either side: the transport's half of one RPC. HTTP/2 is one
 * implementation ({@link Http2ServerStream}, {@link Http2ClientTransport}), the in-process
 * transport another. Writes may come from any thread; nothing need reach the peer before
 * {@link #flush()}, so a call can hand over headers, a message and trailers in one go.
 */
public interface CallStream {
  /**
   * Queues one length-prefixed message ({@link MessageFramer}); the transport may refer to the
   * message's arrays until it is sent, so nobody changes them afterwards. Blocks while the
   * peer has not consumed enough of what was sent before (flow control), until an interrupt.
   *
   * @param endStream whether this message is the last the side sends
   */
  void writeMessage(FramedMessage framed, boolean endStream) throws StreamClosedException, InterruptedException;

  /** Sends what is queued, on this thread unless another is already sending. */
  void flush();

  /**
   * Tells the peer that the application has taken {@code bytes} of what arrived, so that it may
   * send more. Never blocks.
   */
  void consumed(int bytes);

  /** Ends the stream now, abnormally (HTTP/2: RST_STREAM CANCEL); the peer sees a cancellation. Never blocks. */
  void cancel();
}
