package dev.shuttle.http2;

import dev.shuttle.http2.hpack.ByteSink;
import dev.shuttle.http2.hpack.HpackEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The connection's single writer. Any thread enqueues ops; one thread at a time drains the whole
 * queue into a buffer and writes it with one socket write, repeating until the queue is empty.
 *
 * <p>An application thread that flushes drains by itself when nobody else is writing (no thread
 * hop on the hot path); if another thread is writing, that thread picks the ops up. The reader
 * thread must never block on the socket (a peer that does not read would then stop us reading,
 * and both sides deadlock), so its flushes go to a helper virtual thread instead.
 */
final class FrameWriter {
  private static final int FLUSH_THRESHOLD = 64 * 1024;
  private static final int MAX_RETAINED_BUFFER = 256 * 1024;
  private static final int MAX_ROUNDS_PER_CALLER = 4;

  private final OutputStream out;
  private final Runnable closeSocket;
  private final Consumer<IOException> onFailure;
  private final ConcurrentLinkedQueue<WriteOp> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writing = new AtomicBoolean();
  private final AtomicInteger queuedReplies = new AtomicInteger();
  private final HpackEncoder encoder = new HpackEncoder();
  private final Thread helper;
  private volatile boolean helperWanted;
  private volatile boolean closed;
  private final CountDownLatch socketClosed = new CountDownLatch(1);

  // Touched only by the draining thread.
  private ByteSink buf = new ByteSink(16 * 1024);
  private final ByteSink block = new ByteSink(512);
  private int maxFrameSize = Http2Config.MIN_MAX_FRAME_SIZE;

  FrameWriter(OutputStream out, Runnable closeSocket, Consumer<IOException> onFailure, String name) {
    this.out = out;
    this.closeSocket = closeSocket;
    this.onFailure = onFailure;
    this.helper = Thread.ofVirtual().name(name).unstarted(this::helperLoop);
    this.helper.start();
  }

  void enqueue(WriteOp op) {
    queue.add(op);
  }

  /**
   * Queues a frame the peer provoked ({@link WriteOp.Reply} or {@link WriteOp.SettingsAck});
   * returns how many such frames are queued now.
   */
  int enqueueReply(WriteOp op) {
    if (!(op instanceof WriteOp.Reply) && !(op instanceof WriteOp.SettingsAck)) {
      throw new IllegalArgumentException("not a reply: " + op);
    }
    int queued = queuedReplies.incrementAndGet();
    queue.add(op);
    return queued;
  }

  /** Writes everything queued, on this thread unless another thread is already writing. */
  void flush() {
    if (writing.compareAndSet(false, true)) {
      drain();
    }
  }

  /** Like {@link #flush()} but never blocks: the helper thread does the writing. */
  void flushAsync() {
    if (!queue.isEmpty() && writing.compareAndSet(false, true)) {
      helperWanted = true;
      LockSupport.unpark(helper);
    }
  }

  /** Waits until the writer has closed the socket, at most {@code millis}. */
  void awaitClosed(long millis) {
    try {
      socketClosed.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void helperLoop() {
    while (!closed) {
      if (!helperWanted) {
        LockSupport.park(this);
        continue;
      }
      helperWanted = false;
      drain();
    }
  }

  /** Drains while holding {@code writing}; releases it only once the queue is seen empty. */
  private void drain() {
    for (int round = 1; ; round++) {
      try {
        drainOnce();
      } catch (IOException e) {
        fail(e);
      }
      if (round >= MAX_ROUNDS_PER_CALLER && !queue.isEmpty() && Thread.currentThread() != helper) {
        // Others keep queueing: hand the writing over (still held) to the helper, so that an
        // application thread gets back to its own call.
        helperWanted = true;
        LockSupport.unpark(helper);
        return;
      }
      writing.set(false);
      if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private void drainOnce() throws IOException {
    WriteOp op;
    boolean close = false;
    while ((op = queue.poll()) != null) {
      if (closed) {
        continue; // the socket is gone; drop what is left
      }
      switch (op) {
        case WriteOp.Headers h -> writeHeaders(h);
        case WriteOp.Data d -> writeData(d);
        case WriteOp.Control c -> buf.write(c.frame(), 0, c.frame().length);
        case WriteOp.Reply r -> {
          queuedReplies.decrementAndGet();
          buf.write(r.frame(), 0, r.frame().length);
        }
        case WriteOp.SettingsAck s -> {
          queuedReplies.decrementAndGet();
          if (s.headerTableSize() >= 0) {
            encoder.setMaxTableSize(s.headerTableSize());
          }
          if (s.maxFrameSize() > 0) {
            maxFrameSize = s.maxFrameSize();
          }
          Frames.writeHeader(buf, 0, FrameType.SETTINGS, FrameType.FLAG_ACK, 0);
        }
        case WriteOp.Close ignored -> close = true;
      }
      if (buf.size() >= FLUSH_THRESHOLD) {
        writeOut();
      }
      if (close) {
        break;
      }
    }
    if (!closed) {
      writeOut();
    }
    if (close) {
      closed = true;
      closeSocket.run();
      socketClosed.countDown();
    }
  }

  private void writeHeaders(WriteOp.Headers h) {
    block.reset();
    encoder.beginBlock(block);
    if (h.preEncoded() != null) {
      block.write(h.preEncoded(), 0, h.preEncoded().length);
    } else {
      Http2Headers headers = h.headers();
      for (int i = 0; i < headers.size(); i++) {
        encoder.encodeHeader(headers.name(i), headers.value(i), block);
      }
    }
    byte[] bytes = block.array();
    int length = block.size();
    int first = Math.min(length, maxFrameSize);
    int flags = (h.endStream() ? FrameType.FLAG_END_STREAM : 0) | (first == length ? FrameType.FLAG_END_HEADERS : 0);
    Frames.writeHeader(buf, first, FrameType.HEADERS, flags, h.streamId());
    buf.write(bytes, 0, first);
    for (int offset = first; offset < length; ) {
      int n = Math.min(length - offset, maxFrameSize);
      boolean last = offset + n == length;
      Frames.writeHeader(buf, n, FrameType.CONTINUATION, last ? FrameType.FLAG_END_HEADERS : 0, h.streamId());
      buf.write(bytes, offset, n);
      offset += n;
    }
  }

  private void writeData(WriteOp.Data d) throws IOException {
    Frames.writeHeader(buf, d.length(), FrameType.DATA, d.endStream() ? FrameType.FLAG_END_STREAM : 0, d.streamId());
    if (d.length() >= FLUSH_THRESHOLD) {
      writeOut();
      out.write(d.data(), d.offset(), d.length());
    } else {
      buf.write(d.data(), d.offset(), d.length());
    }
  }

  private void writeOut() throws IOException {
    if (buf.size() > 0) {
      out.write(buf.array(), 0, buf.size());
      if (buf.size() > MAX_RETAINED_BUFFER) {
        buf = new ByteSink(16 * 1024);
      } else {
        buf.reset();
      }
    }
  }

  private void fail(IOException e) {
    closed = true;
    queue.clear();
    closeSocket.run();
    socketClosed.countDown();
    onFailure.accept(e);
  }

  /** Stops the helper thread; called once the connection is over. */
  void shutdown() {
    closed = true;
    LockSupport.unpark(helper);
  }
}
