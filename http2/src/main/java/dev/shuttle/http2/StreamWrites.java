package dev.shuttle.http2;

import java.util.concurrent.TimeUnit;

/**
 * What a stream's owner does to its connection, one method per {@link Http2Stream} operation:
 * queue header blocks and DATA (taking flow-control credit, and waiting on the write budget),
 * flush, give back window for what the application consumed, and reset. State changes happen
 * under the connection's lock; frames go to its {@link WriteScheduler}.
 */
final class StreamWrites {
  /** How often a writer waiting on the write budget checks whether its stream was reset. */
  private static final long BUDGET_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /**
   * Flushes of one stream closer together than this are a burst, written by the helper. A tight
   * loop of sends flushes every few microseconds; a loopback round trip takes some 70.
   */
  static final long BURST_GAP_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

  private final Http2Connection connection;
  private final WriteScheduler writer;
  private final FlowController flow;
  /** The largest chunk of one DATA write queued at once; the rest waits for it to drain. */
  private final int maxDataChunk;

  StreamWrites(Http2Connection connection) {
    this.connection = connection;
    this.writer = connection.writer;
    this.flow = connection.flow;
    this.maxDataChunk = Math.max(1024, connection.config.maxQueuedBytes() / 4);
  }

  void writeHeaders(Http2Stream stream, Http2Headers headers, byte[] preEncoded, boolean endStream)
      throws Http2StreamClosedException {
    boolean provoked = connection.onReaderThread();
    connection.lock.lock();
    try {
      connection.checkWritable(stream);
      writer.stream(new WriteOp.Headers(stream, headers, preEncoded, endStream, provoked));
      if (endStream) {
        connection.endLocal(stream);
      }
    } finally {
      connection.lock.unlock();
    }
  }

  void writeData(Http2Stream stream, byte[] data, int offset, int length, boolean endStream)
      throws Http2StreamClosedException, InterruptedException {
    try {
      queueData(stream, data, offset, length, endStream);
    } catch (InterruptedException e) {
      connection.lock.lock();
      try {
        flow.stopWaiting(stream); // a writer that gives up must not keep credit from the others
      } finally {
        connection.lock.unlock();
      }
      throw e;
    }
  }

  private void queueData(Http2Stream stream, byte[] data, int offset, int length, boolean endStream)
      throws Http2StreamClosedException, InterruptedException {
    boolean provoked = connection.onReaderThread();
    while (true) {
      while (writer.isOverBudget() && !provoked) {
        writer.flush();
        boolean below = writer.awaitBelowBudget(BUDGET_RECHECK_NANOS);
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while the write queue was over budget");
        }
        if (below) {
          break;
        }
        connection.lock.lock();
        try {
          connection.checkWritable(stream); // a stream reset while we wait ends the wait
        } finally {
          connection.lock.unlock();
        }
      }
      connection.lock.lock();
      try {
        connection.checkWritable(stream);
        int chunk = length == 0 ? 0 : flow.take(stream, Math.min(length, maxDataChunk));
        if (chunk > 0 || length == 0) {
          boolean last = chunk == length;
          writer.stream(new WriteOp.Data(stream, data, offset, chunk, endStream && last, provoked));
          if (endStream && last) {
            connection.endLocal(stream);
          }
          if (last) {
            return;
          }
          offset += chunk;
          length -= chunk;
          continue;
        }
      } finally {
        connection.lock.unlock();
      }
      writer.flush(); // what is queued may be what the peer waits for before it opens the window
      connection.lock.lock();
      try {
        connection.checkWritable(stream);
        if (!flow.hasCredit(stream)) {
          flow.queueForCredit(stream, Math.min(length, maxDataChunk));
          stream.creditChanged().await(); // a WINDOW_UPDATE, a grant, or the stream's end
        }
      } finally {
        connection.lock.unlock();
      }
    }
  }

  /**
   * Flushes for a stream's owner. The reader never writes (see {@link WriteScheduler}). Nor does a
   * thread while other streams of the connection are busy: their threads are likely runnable right
   * now, and the scheduler's helper, which runs after them, puts all their frames in one socket
   * write where each would otherwise make its own (64 unary calls in flight on one connection
   * made 64 writes). Nor does a stream that flushes again within {@link #BURST_GAP_NANOS} of its
   * last flush: it is sending a burst of messages, and the helper puts them in few writes (a
   * stream of 16-byte messages made a socket write for every 2.6 of them). A lone stream's first
   * flush, and one after a pause (an answer to each request of a ping-pong), writes on its own
   * thread, with no hop.
   */
  void flush(Http2Stream stream) {
    long now = System.nanoTime();
    boolean burst = stream.flushedBefore && now - stream.lastFlushNanos < BURST_GAP_NANOS;
    stream.flushedBefore = true;
    stream.lastFlushNanos = now;
    if (burst || connection.onReaderThread() || connection.streams.othersBusy(stream)) {
      writer.flushAsync();
    } else {
      writer.flush();
    }
  }

  void flushAsync() {
    writer.flushAsync();
  }

  void consumed(Http2Stream stream, int bytes) {
    if (bytes <= 0) {
      return;
    }
    int increment;
    connection.lock.lock();
    try {
      if (!stream.state.remoteOpen()) {
        return; // the peer sends no more on this stream: its window no longer matters
      }
      increment = flow.onStreamConsumed(stream, bytes);
      if (increment > 0) {
        writer.control(Frames.windowUpdate(stream.id, increment));
      }
    } finally {
      connection.lock.unlock();
    }
    if (increment > 0) {
      writer.flushAsync();
    }
  }

  void reset(Http2Stream stream, Http2ErrorCode code) {
    boolean provoked = connection.onReaderThread();
    connection.lock.lock();
    try {
      if (stream.state == StreamState.CLOSED) {
        return;
      }
      writer.reset(stream, code, !connection.streams.isLocal(stream.id), provoked);
      connection.streams.rememberReset(stream.id);
      connection.closeStream(stream, null);
    } finally {
      connection.lock.unlock();
    }
    writer.flushAsync();
  }

  boolean isStreamClosed(Http2Stream stream) {
    connection.lock.lock();
    try {
      return stream.state == StreamState.CLOSED;
    } finally {
      connection.lock.unlock();
    }
  }

}
