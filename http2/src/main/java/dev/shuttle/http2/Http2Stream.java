package dev.shuttle.http2;

import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.Condition;

/**
 * One HTTP/2 stream, client- or server-initiated. Writes may come from any thread; inbound frames
 * go to the stream's {@link Http2StreamListener} on the reader thread. Nothing is sent until
 * {@link #flush()}, so that a caller can put headers, data and trailers in one socket write.
 */
public final class Http2Stream {
  final int id;
  final Http2Connection connection;
  volatile Http2StreamListener listener;
  private volatile Object attachment;

  // Guarded by the connection's lock.
  StreamState state = StreamState.OPEN;
  long sendWindow;
  /** Connection window set aside for this stream's writer, who found it closed. */
  int connectionGrant;
  /** What this stream's writer waits to be granted of the connection window; 0: not waiting. */
  int wantedConnectionCredit;
  int receiveWindow;
  int receiveUnacked;
  int headerBlocksReceived;
  StreamFailure failure;
  /** The request's or response's content-length, or -1; checked against the DATA received. */
  long contentLength = -1;
  long dataReceived;
  /**
   * Who keeps this peer stream's concurrency slot: the registry while the stream is open, and
   * the layer above while it holds it ({@link #holdSlot()}). The slot is free when both are done;
   * counted without the lock, so a handler returning frees it without contending for it.
   */
  private volatile int slotClaims;
  /** 1 once the hold is given back (or there was none): two threads may race to give it. */
  private volatile int slotReleased;
  private static final AtomicIntegerFieldUpdater<Http2Stream> SLOT_CLAIMS =
      AtomicIntegerFieldUpdater.newUpdater(Http2Stream.class, "slotClaims");
  private static final AtomicIntegerFieldUpdater<Http2Stream> SLOT_RELEASED =
      AtomicIntegerFieldUpdater.newUpdater(Http2Stream.class, "slotReleased");
  private Condition creditChanged;
  // Written by whichever thread flushes, most often the stream's owner; a race only misjudges
  // one flush as a burst or not.
  boolean flushedBefore;
  long lastFlushNanos;

  // Touched only by the connection's draining writer thread.
  ArrayDeque<WriteOp> pending;
  boolean scheduled;
  /** Whether any frame of this stream has gone to the socket: the peer knows the stream. */
  boolean written;
  /** Whether the writer has seen this stream's reset: later frames of it are dropped. */
  boolean resetQueued;

  Http2Stream(int id, Http2Connection connection) {
    this.id = id;
    this.connection = connection;
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
    connection.writes.writeHeaders(this, headers, null, endStream);
  }

  /**
   * Queues a header block encoded earlier with {@code HpackEncoder.encodeStateless}: constant
   * headers cost no encoding work per call.
   */
  public void writePreEncodedHeaders(byte[] block, boolean endStream) throws Http2StreamClosedException {
    connection.writes.writeHeaders(this, null, block, endStream);
  }

  /**
   * Queues DATA; the frames refer to {@code data} until they are written, so the caller must not
   * change it afterwards. Blocks (after sending what is queued) while the peer's flow-control
   * window is closed, and while the connection has more queued than its write budget; an
   * interrupt ends that wait (nothing more of the data is queued).
   */
  public void writeData(byte[] data, int offset, int length, boolean endStream)
      throws Http2StreamClosedException, InterruptedException {
    connection.writes.writeData(this, data, offset, length, endStream);
  }

  /**
   * Sends what this connection has queued: on this thread when this is the connection's only
   * busy stream and nobody else is writing, otherwise by the connection's writer, together with
   * what the other streams queue meanwhile.
   */
  public void flush() {
    connection.writes.flush(this);
  }

  /** Whether this peer stream is still counted against our MAX_CONCURRENT_STREAMS. */
  boolean holdsSlot() {
    return slotClaims > 0;
  }

  /** Has what is queued sent without blocking this thread; for callers that must not block. */
  public void flushAsync() {
    connection.writes.flushAsync();
  }

  /** Returns flow-control window for bytes the application has consumed. Never blocks. */
  public void consumed(int bytes) {
    connection.writes.consumed(this, bytes);
  }

  /** Ends the stream now with RST_STREAM; the listener is not called. Never blocks. */
  public void reset(Http2ErrorCode code) {
    connection.writes.reset(this, code);
  }

  /** Whether both sides have finished or the stream was reset. */
  public boolean isClosed() {
    return connection.writes.isStreamClosed(this);
  }

  /**
   * Keeps this peer-opened stream counted against our MAX_CONCURRENT_STREAMS after it closes,
   * until {@link #releaseSlot()}: a server holds it while the stream's handler runs, so that
   * streams the peer resets cannot make it run handlers without bound.
   */
  public void holdSlot() {
    if (connection.streams.isLocal(id)) {
      return;
    }
    // Only while the registry's claim stands: a stream already gone has no slot to hold.
    for (int claims = slotClaims; claims > 0; claims = slotClaims) {
      if (SLOT_CLAIMS.compareAndSet(this, claims, claims + 1)) {
        return;
      }
    }
    slotReleased = 1; // nothing to release later
  }

  /** Gives back the slot taken by {@link #holdSlot()}; calling it again does nothing. */
  public void releaseSlot() {
    if (!connection.streams.isLocal(id) && SLOT_RELEASED.compareAndSet(this, 0, 1)) {
      dropSlotClaim();
    }
  }

  /** The registry's claim: taken when the peer opens the stream. */
  void claimSlot() {
    slotClaims = 1;
  }

  /** Drops one claim; the last one frees the slot. */
  void dropSlotClaim() {
    if (SLOT_CLAIMS.decrementAndGet(this) == 0) {
      connection.streams.slotFreed();
    }
  }

  /** Lets the layer above keep its own per-stream object here. */
  public void attach(Object value) {
    attachment = value;
  }

  public Object attachment() {
    return attachment;
  }

  /** Signalled when this stream's send credit may have grown or the stream ended; lock held. */
  Condition creditChanged() {
    if (creditChanged == null) {
      creditChanged = connection.newCondition();
    }
    return creditChanged;
  }

  /** Wakes a writer of this stream waiting for credit, if there is one; lock held. */
  void signalCredit() {
    if (creditChanged != null) {
      creditChanged.signalAll();
    }
  }

  @Override
  public String toString() {
    return "stream " + id;
  }
}
