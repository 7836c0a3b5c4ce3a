package dev.shuttle.http2;

import java.net.SocketAddress;

/**
 * One HTTP/2 stream, client- or server-initiated. Writes may come from any thread; inbound frames
 * go to the stream's {@link Http2StreamListener} on the reader thread. Nothing is sent until
 * {@link #flush()}, so that a caller can put headers, data and trailers in one socket write.
 *
 * <p>State fields are guarded by the connection's lock.
 */
public final class Http2Stream {
  final int id;
  final Http2Connection connection;
  volatile Http2StreamListener listener;

  // Guarded by connection.lock.
  long sendWindow;
  int recvWindow;
  int recvUnacked;
  boolean localEnded;
  boolean remoteEnded;
  boolean removed;
  int headerBlocksReceived;
  StreamFailure failure;
  private volatile Object attachment;

  Http2Stream(int id, Http2Connection connection, long sendWindow, int recvWindow) {
    this.id = id;
    this.connection = connection;
    this.sendWindow = sendWindow;
    this.recvWindow = recvWindow;
  }

  public int id() {
    return id;
  }

  public SocketAddress remoteAddress() {
    return connection.remoteAddress();
  }

  public Http2Connection connection() {
    return connection;
  }

  /** Queues a header block (response headers, or trailers with {@code endStream}). */
  public void writeHeaders(Http2Headers headers, boolean endStream) throws Http2StreamClosedException {
    connection.writeHeaders(this, headers, null, endStream);
  }

  /**
   * Queues a header block encoded earlier with {@code HpackEncoder.encodeStateless}: constant
   * headers cost no encoding work per call.
   */
  public void writePreEncodedHeaders(byte[] block, boolean endStream) throws Http2StreamClosedException {
    connection.writeHeaders(this, null, block, endStream);
  }

  /**
   * Queues DATA, split to fit the peer's frame size and windows. Blocks (after flushing what is
   * queued) while the peer's flow-control window is closed.
   */
  public void writeData(byte[] data, int offset, int length, boolean endStream) throws Http2StreamClosedException {
    connection.writeData(this, data, offset, length, endStream);
  }

  /** Sends what this connection has queued, on this thread unless another is already writing. */
  public void flush() {
    connection.flush();
  }

  /** Has what is queued sent without blocking this thread; for callers that must not block. */
  public void flushAsync() {
    connection.flushAsync();
  }

  /** Returns flow-control window for bytes the application has consumed. Never blocks. */
  public void consumed(int bytes) {
    connection.consumed(this, bytes);
  }

  /** Ends the stream now with RST_STREAM; the listener is not called. Never blocks. */
  public void reset(Http2ErrorCode code) {
    connection.reset(this, code);
  }

  /** Whether both sides have finished or the stream was reset. */
  public boolean isClosed() {
    return connection.isStreamClosed(this);
  }

  /** Lets the layer above keep its own per-stream object here. */
  public void attach(Object value) {
    attachment = value;
  }

  public Object attachment() {
    return attachment;
  }

  @Override
  public String toString() {
    return "stream " + id;
  }
}
