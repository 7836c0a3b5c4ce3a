package dev.shuttle.http2;

import dev.shuttle.http2.hpack.ByteSink;
import dev.shuttle.http2.hpack.HpackEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything one connection sends, in the order it goes out: control frames first, then the
 * frames of the streams that have something to send, a turn each of at most {@link #DATA_QUOTA}
 * DATA bytes, round robin, so that one large response cannot hold back the other streams.
 *
 * <p>One thread at a time drains the queues into a buffer and writes it with as few socket writes
 * as it can. An application thread that flushes drains by itself when nobody else is writing (no
 * thread hop on the hot path); if another thread is writing, that thread takes its frames. The
 * connection's reader never writes to the socket (a peer that does not read would then stop us
 * reading it, and both sides would wait on each other): its flushes go to a helper virtual thread.
 *
 * <p>The queues have a byte budget ({@link Http2Config#maxQueuedBytes()}). Past it, writers of
 * DATA wait and the connection's reader stops reading from the peer until the queue drains; a
 * frame the peer provoked (a PING or SETTINGS ack, a reset for its error, an answer to a request
 * refused before any handler ran) that finds the budget spent marks the connection for
 * ENHANCE_YOUR_CALM. So a connection queues at most the budget plus one DATA chunk per writing
 * stream.
 */
final class WriteScheduler {
  /** DATA bytes a stream may write in one turn before the next stream with work gets its turn. */
  static final int DATA_QUOTA = 16 * 1024;
  private static final int FLUSH_THRESHOLD = 64 * 1024;
  private static final int MAX_ROUNDS_PER_CALLER = 4;

  /** What the scheduler tells its connection; called on whichever thread was writing. */
  interface Events {
    /** Everything asked for before a close request is written; nothing more will be. */
    void onOutputDone();

    /** Writing failed; nothing more will be written. */
    void onWriteFailure(Throwable failure);
  }

  private enum Close {
    NONE,
    /** Once every queued frame is written: a graceful end. */
    WHEN_DONE,
    /** Once the control frames are written, dropping stream frames: a connection error. */
    AFTER_CONTROL
  }

  private final OutputStream out;
  private final Events events;
  private final long budget;
  private final Thread helper;
  private final AtomicBoolean writing = new AtomicBoolean();
  private volatile boolean helperWanted;
  /** Nothing more is written: output done, failed, or the connection is over. */
  private volatile boolean stopped;
  /** Written under the lock, read without it by the reader's and the writers' fast paths. */
  private volatile boolean overBudget;
  private volatile boolean provokedOverBudget;
  /** HEADERS and DATA frames taken for writing so far; keepalive policing reads it. */
  private volatile long payloadFramesWritten;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition belowBudget = lock.newCondition();
  // Guarded by lock.
  private final ArrayDeque<WriteOp> control = new ArrayDeque<>();
  private final ArrayDeque<Http2Stream> ready = new ArrayDeque<>();
  private long queuedBytes;
  private int budgetWaiters;
  private Close close = Close.NONE;
  private byte[] lastFrame;

  // Touched only by the draining thread.
  private final HpackEncoder encoder = new HpackEncoder();
  private final ArrayList<WriteOp> batch = new ArrayList<>();
  private final ByteSink block = new ByteSink(512);
  /** Taken from {@link WriteBuffers} for a drain and given back after it; null in between. */
  private ByteSink buf;
  private int maxFrameSize = Http2Config.MIN_MAX_FRAME_SIZE;

  WriteScheduler(OutputStream out, long budget, Events events, String name) {
    this.out = out;
    this.budget = budget;
    this.events = events;
    this.helper = Thread.ofVirtual().name(name).unstarted(this::helperLoop);
  }

  void start() {
    helper.start();
  }

  // ---------------------------------------------------------------------------------------------
  // Queueing, from any thread.

  /** Queues a control frame of our own (SETTINGS, WINDOW_UPDATE, PING, GOAWAY). */
  void control(byte[] frame) {
    addControl(new WriteOp.Control(frame), false);
  }

  /** Queues a control frame the peer provoked (a PING ack, a reset for its error). */
  void reply(byte[] frame) {
    addControl(new WriteOp.Control(frame), true);
  }

  /**
   * Queues the RST_STREAM the peer provoked for a stream that is closed on our side: after that
   * stream's own frames when some are still queued (a reset must not overtake the answer it
   * follows, RFC 9113 5.1), ahead of other streams' frames otherwise.
   */
  void replyReset(int streamId, Http2ErrorCode code) {
    lock.lock();
    try {
      if (stopped) {
        return;
      }
      for (Http2Stream stream : ready) {
        if (stream.id == streamId && !stream.pending.isEmpty()) {
          WriteOp.StreamReset op = new WriteOp.StreamReset(stream, code);
          stream.pending.add(op);
          account(op.size(), true);
          return;
        }
      }
      WriteOp op = new WriteOp.Control(Frames.rstStream(streamId, code));
      control.add(op);
      account(op.size(), true);
    } finally {
      lock.unlock();
    }
  }

  /** Queues the acknowledgement of the peer's SETTINGS, which the peer provoked. */
  void settingsAck(int headerTableSize, int maxFrameSize) {
    addControl(new WriteOp.SettingsAck(headerTableSize, maxFrameSize), true);
  }

  private void addControl(WriteOp op, boolean provoked) {
    lock.lock();
    try {
      if (!stopped) {
        control.add(op);
        account(op.size(), provoked);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Queues a frame in its stream's lane, after that stream's earlier frames. */
  void stream(WriteOp.OfStream op, boolean provoked) {
    Http2Stream stream = op.stream();
    lock.lock();
    try {
      if (stopped) {
        return;
      }
      if (stream.pending == null) {
        stream.pending = new ArrayDeque<>(4);
      }
      stream.pending.add(op);
      if (!stream.scheduled) {
        stream.scheduled = true;
        ready.add(stream);
      }
      account(op.size(), provoked);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Drops what a reset stream still has queued and queues its RST_STREAM ahead of other streams'
   * frames. The reset is left out when the peer cannot know the stream: one of ours whose
   * HEADERS never went out. Returns the DATA bytes dropped, whose flow-control credit is then
   * free again.
   */
  int reset(Http2Stream stream, Http2ErrorCode code, boolean peerOpened, boolean provoked) {
    lock.lock();
    try {
      int dropped = discard(stream);
      if (!stopped && (peerOpened || stream.written)) {
        WriteOp rst = new WriteOp.Control(Frames.rstStream(stream.id, code));
        control.add(rst);
        account(rst.size(), provoked);
      }
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  /** Drops what a stream the peer reset still has queued; returns the DATA bytes dropped. */
  int discard(Http2Stream stream) {
    lock.lock();
    try {
      int dropped = 0;
      if (stream.pending != null) {
        for (WriteOp op : stream.pending) {
          queuedBytes -= op.size();
          if (op instanceof WriteOp.Data data) {
            dropped += data.length();
          }
        }
        stream.pending.clear(); // the stream leaves the ready queue when the drainer next meets it
      }
      updateBudget();
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  /** Asks for the end of output once everything queued is written. */
  void closeWhenDone() {
    closeWhenDone(null);
  }

  /**
   * Asks for the end of output once everything queued is written, with {@code lastFrame} (a
   * GOAWAY) written after all of it; null for none.
   */
  void closeWhenDone(byte[] lastFrame) {
    lock.lock();
    try {
      if (close == Close.NONE) {
        close = Close.WHEN_DONE;
      }
      if (lastFrame != null && this.lastFrame == null) {
        this.lastFrame = lastFrame;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues {@code goAway} and asks for the end of output once it and the control frames before it
   * are written; stream frames not yet taken are dropped. One step, so that no stream frame can be
   * taken between the GOAWAY and the close.
   */
  void closeAfterControl(byte[] goAway) {
    lock.lock();
    try {
      if (!stopped) {
        WriteOp op = new WriteOp.Control(goAway);
        control.add(op);
        account(op.size(), false);
      }
      close = Close.AFTER_CONTROL;
    } finally {
      lock.unlock();
    }
  }

  /** Guarded by lock. */
  private void account(int size, boolean provoked) {
    queuedBytes += size;
    if (queuedBytes > budget) {
      overBudget = true;
      if (provoked) {
        provokedOverBudget = true;
      }
    }
  }

  /** Guarded by lock. */
  private void updateBudget() {
    if (overBudget && queuedBytes <= budget) {
      overBudget = false;
      if (budgetWaiters > 0) {
        belowBudget.signalAll();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The budget.

  /** Whether more than the budget is queued now. */
  boolean isOverBudget() {
    return overBudget;
  }

  /** Whether a frame the peer provoked found the budget spent: the connection should end. */
  boolean provokedOverBudget() {
    return provokedOverBudget;
  }

  long queuedBytes() {
    lock.lock();
    try {
      return queuedBytes;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits while more than the budget is queued, or until output ends. The caller must have
   * flushed (or asked the helper to) so that someone is writing.
   */
  void awaitBelowBudget() {
    while (!awaitBelowBudget(Long.MAX_VALUE)) {
      // keep waiting
    }
  }

  /** Like {@link #awaitBelowBudget()} for at most {@code nanos}; returns whether it is below. */
  boolean awaitBelowBudget(long nanos) {
    if (!overBudget) {
      return true;
    }
    boolean interrupted = false;
    lock.lock();
    try {
      budgetWaiters++;
      long left = nanos;
      while (overBudget && !stopped && left > 0) {
        try {
          left = belowBudget.awaitNanos(left);
        } catch (InterruptedException e) {
          interrupted = true; // kept for the caller, who decides; the wait goes on
        }
      }
      return !overBudget || stopped;
    } finally {
      budgetWaiters--;
      lock.unlock();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  long payloadFramesWritten() {
    return payloadFramesWritten;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing.

  /** Writes everything queued, on this thread unless another thread is already writing. */
  void flush() {
    if (writing.compareAndSet(false, true)) {
      InterruptGuard guard = InterruptGuard.enterWrite();
      try {
        drain();
      } finally {
        guard.exitWrite();
      }
    }
  }

  /** Like {@link #flush()} but never blocks: the helper thread does the writing. */
  void flushAsync() {
    if (writing.compareAndSet(false, true)) {
      helperWanted = true;
      LockSupport.unpark(helper);
    }
  }

  private void helperLoop() {
    while (!stopped) {
      if (!helperWanted) {
        LockSupport.park(this);
        continue;
      }
      helperWanted = false;
      drain();
    }
  }

  /** Drains while holding {@code writing}; releases it only once the queues are seen empty. */
  private void drain() {
    for (int round = 1; ; round++) {
      buf = WriteBuffers.take();
      try {
        drainOnce();
      } catch (Throwable t) { // OutOfMemoryError too: the connection ends and frees what it holds
        fail(t);
      } finally {
        WriteBuffers.give(buf);
        buf = null;
      }
      if (round >= MAX_ROUNDS_PER_CALLER && hasWork() && Thread.currentThread() != helper) {
        // Others keep queueing: hand the writing over (still held) to the helper, so that an
        // application thread gets back to its own call.
        helperWanted = true;
        LockSupport.unpark(helper);
        return;
      }
      writing.set(false);
      if (!hasWork() || !writing.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private boolean hasWork() {
    if (stopped) {
      return false;
    }
    lock.lock();
    try {
      return !control.isEmpty() || !ready.isEmpty() || close != Close.NONE;
    } finally {
      lock.unlock();
    }
  }

  private void drainOnce() throws IOException {
    while (!stopped) {
      boolean finished = false;
      byte[] last = null;
      lock.lock();
      try {
        takeBatch();
        if (batch.isEmpty()) {
          finished = close == Close.AFTER_CONTROL || (close == Close.WHEN_DONE && ready.isEmpty());
          last = finished && close == Close.WHEN_DONE ? lastFrame : null;
        }
        updateBudget();
      } finally {
        lock.unlock();
      }
      if (batch.isEmpty()) {
        if (last != null) {
          buf.write(last, 0, last.length);
        }
        writeOut();
        if (finished) {
          finish();
        }
        return;
      }
      for (int i = 0; i < batch.size(); i++) {
        write(batch.get(i));
      }
      batch.clear();
      if (buf.size() >= FLUSH_THRESHOLD) {
        writeOut();
      }
    }
  }

  /** Takes every control frame and one stream's turn into {@link #batch}; guarded by lock. */
  private void takeBatch() {
    WriteOp op;
    while ((op = control.poll()) != null) {
      batch.add(op);
      queuedBytes -= op.size();
    }
    if (close == Close.AFTER_CONTROL) {
      return;
    }
    Http2Stream stream;
    while ((stream = ready.poll()) != null) {
      if (takeTurn(stream)) {
        return;
      }
    }
  }

  /** Takes a stream's frames up to its DATA quota; returns whether it had any. Guarded by lock. */
  private boolean takeTurn(Http2Stream stream) {
    ArrayDeque<WriteOp> queue = stream.pending;
    int quota = DATA_QUOTA;
    boolean took = false;
    WriteOp op;
    while (quota > 0 && (op = queue.peek()) != null) {
      queue.poll();
      if (op instanceof WriteOp.Data data && data.length() > quota) {
        batch.add(new WriteOp.Data(stream, data.data(), data.offset(), quota, false));
        queue.addFirst(
            new WriteOp.Data(stream, data.data(), data.offset() + quota, data.length() - quota, data.endStream()));
        queuedBytes -= quota;
        quota = 0;
      } else {
        batch.add(op);
        queuedBytes -= op.size();
        if (op instanceof WriteOp.Data data) {
          quota -= data.length();
        }
      }
      took = true;
    }
    if (took) {
      stream.written = true;
      payloadFramesWritten++;
    }
    if (queue.isEmpty()) {
      stream.scheduled = false;
    } else {
      ready.add(stream);
    }
    return took;
  }

  private void write(WriteOp op) throws IOException {
    switch (op) {
      case WriteOp.Headers h -> writeHeaders(h);
      case WriteOp.Data d -> writeData(d);
      case WriteOp.StreamReset r -> {
        byte[] frame = Frames.rstStream(r.stream().id, r.code());
        buf.write(frame, 0, frame.length);
      }
      case WriteOp.Control c -> buf.write(c.frame(), 0, c.frame().length);
      case WriteOp.SettingsAck s -> {
        if (s.headerTableSize() >= 0) {
          encoder.setMaxTableSize(s.headerTableSize());
        }
        if (s.maxFrameSize() > 0) {
          maxFrameSize = s.maxFrameSize();
        }
        Frames.writeHeader(buf, 0, FrameType.SETTINGS, FrameType.FLAG_ACK, 0);
      }
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
    int streamId = h.stream().id;
    int first = Math.min(length, maxFrameSize);
    int flags = (h.endStream() ? FrameType.FLAG_END_STREAM : 0) | (first == length ? FrameType.FLAG_END_HEADERS : 0);
    Frames.writeHeader(buf, first, FrameType.HEADERS, flags, streamId);
    buf.write(bytes, 0, first);
    for (int offset = first; offset < length; ) {
      int n = Math.min(length - offset, maxFrameSize);
      boolean last = offset + n == length;
      Frames.writeHeader(buf, n, FrameType.CONTINUATION, last ? FrameType.FLAG_END_HEADERS : 0, streamId);
      buf.write(bytes, offset, n);
      offset += n;
    }
  }

  /** Writes DATA as frames of at most the peer's frame size. */
  private void writeData(WriteOp.Data d) throws IOException {
    int offset = d.offset();
    int remaining = d.length();
    do {
      int n = Math.min(remaining, maxFrameSize);
      boolean last = n == remaining;
      int flags = last && d.endStream() ? FrameType.FLAG_END_STREAM : 0;
      Frames.writeHeader(buf, n, FrameType.DATA, flags, d.stream().id);
      if (n >= FLUSH_THRESHOLD) {
        writeOut(); // a large frame goes from the caller's array, without a copy
        out.write(d.data(), offset, n);
      } else {
        buf.write(d.data(), offset, n);
      }
      offset += n;
      remaining -= n;
    } while (remaining > 0);
  }

  private void writeOut() throws IOException {
    if (buf.size() > 0) {
      out.write(buf.array(), 0, buf.size());
      buf.reset();
    }
  }

  private void finish() {
    stop();
    releaseBuffers();
    events.onOutputDone();
  }

  private void fail(Throwable failure) {
    stop();
    releaseBuffers();
    events.onWriteFailure(failure);
  }

  /** Drainer only: the connection writes nothing more. */
  private void releaseBuffers() {
    batch.clear();
    buf.reset();
  }

  /** Ends writing from any thread: drops what is queued and wakes whoever waits on the budget. */
  void stop() {
    lock.lock();
    try {
      stopped = true;
      control.clear();
      for (Http2Stream stream : ready) {
        if (stream.pending != null) {
          stream.pending.clear();
        }
        stream.scheduled = false;
      }
      ready.clear();
      queuedBytes = 0;
      overBudget = false;
      belowBudget.signalAll();
    } finally {
      lock.unlock();
    }
    LockSupport.unpark(helper);
  }
}
