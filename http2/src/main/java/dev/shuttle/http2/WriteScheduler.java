package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.hpack.ByteSink;
import dev.shuttle.http2.hpack.HpackEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything one connection sends, in the order it goes out: control frames first, then the
 * frames of the streams that have something to send, a turn each of at most {@link #DATA_QUOTA}
 * DATA bytes, round robin, so that one large response cannot hold back the other streams.
 *
 * <p>Any thread queues into a lock-free inbox. One thread at a time drains: it sorts the inbox
 * into a control lane and a lane per stream (structures only the draining thread touches), then
 * writes as few socket writes as it can. {@link #flush()} drains on the caller's thread when
 * nobody else is writing (no thread hop for a lone call); if another thread is writing, that
 * thread takes its frames. {@link #flushAsync()} leaves the writing to a helper virtual thread,
 * which lets the threads runnable at that moment queue their frames first, so that many streams'
 * frames share one socket write. The connection's reader only ever flushes that way (a peer that
 * does not read would otherwise stop us reading it, and both sides would wait on each other), and
 * so does a stream's owner while other streams are busy ({@link StreamWrites#flush}).
 *
 * <p>A reset stream's frames still queued are dropped when the drain reaches its reset, and
 * their DATA's flow-control credit goes back to the connection ({@link Events#onDataDropped});
 * its RST_STREAM goes ahead of other streams' frames, and is left out when the peer cannot know
 * the stream (one of ours whose HEADERS never went out).
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
  /** The helper lets runnable threads queue more first only while less than this is queued. */
  private static final int YIELD_BELOW_BYTES = 8 * 1024;

  /** What the scheduler tells its connection; called on whichever thread was writing. */
  interface Events {
    /** Everything asked for before a close request is written; nothing more will be. */
    void onOutputDone();

    /** Writing failed; nothing more will be written. */
    void onWriteFailure(Throwable failure);

    /** DATA whose flow-control credit was taken was dropped (its stream was reset). */
    default void onDataDropped(int bytes) {}
  }

  private static final int RST_SIZE = WriteOp.RST_SIZE;

  private final OutputStream out;
  private final Events events;
  private final long budget;
  private final Thread helper;
  private final ConcurrentLinkedQueue<WriteOp> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writing = new AtomicBoolean();
  /** Bytes of every frame queued and not yet written, inbox and lanes alike. */
  private final AtomicLong queuedBytes = new AtomicLong();
  /** Of {@link #queuedBytes}, what the peer provoked. */
  private final AtomicLong provokedBytes = new AtomicLong();
  private volatile boolean helperWanted;
  /** Nothing more is written: output done, failed, or the connection is over. */
  private volatile boolean stopped;
  private volatile boolean overBudget;
  private volatile boolean provokedOverBudget;
  /** HEADERS and DATA frames written so far, counted per turn; keepalive policing reads it. */
  private volatile long payloadFramesWritten;

  // Writers waiting for the queue to drain below the budget: the rare path that needs a lock.
  private final ReentrantLock budgetLock = new ReentrantLock();
  private final Condition belowBudget = budgetLock.newCondition();
  private final AtomicInteger budgetWaiters = new AtomicInteger();

  // Touched only by the draining thread (the writing flag hands them from one to the next).
  private final ArrayDeque<WriteOp> control = new ArrayDeque<>();
  private final ArrayDeque<Http2Stream> ready = new ArrayDeque<>();
  private final HpackEncoder encoder;
  private final ByteSink block = new ByteSink(512);
  /** Taken from {@link WriteBuffers} for a drain and given back after it; null in between. */
  private ByteSink buf;
  private int maxFrameSize = Http2Config.MIN_MAX_FRAME_SIZE;
  private boolean closeWhenDone;
  private boolean closeAfterControl;
  private byte[] lastFrame;
  private long writtenBytes;
  /** Of {@link #writtenBytes}, what the peer provoked; taken off {@link #provokedBytes} likewise. */
  private long provokedWrittenBytes;
  private int droppedCredit;

  WriteScheduler(OutputStream out, long budget, HpackEncoder.Policy headerIndexing, Events events, String name) {
    this.out = out;
    this.encoder = new HpackEncoder(headerIndexing);
    this.budget = budget;
    this.events = events;
    this.helper = Thread.ofVirtual().name(name).unstarted(new Helper());
  }

  void start() {
    helper.start();
  }

  /** The helper thread's body: a class, since a method reference is one spun on a cold server's first connection. */
  private final class Helper implements Runnable {
    @Override
    public void run() {
      helperLoop();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Queueing, from any thread.

  /** Queues a control frame of our own (SETTINGS, WINDOW_UPDATE, PING, GOAWAY). */
  void control(byte[] frame) {
    add(new WriteOp.Control(frame, false));
  }

  /** Queues a control frame the peer provoked (a PING ack, a reset for its error). */
  void reply(byte[] frame) {
    add(new WriteOp.Control(frame, true));
  }

  /** Queues the acknowledgement of the peer's SETTINGS, which the peer provoked. */
  void settingsAck(int headerTableSize, int maxFrameSize) {
    add(new WriteOp.SettingsAck(headerTableSize, maxFrameSize));
  }

  /** Queues a frame in its stream's lane, after that stream's earlier frames. */
  void stream(WriteOp.OfStream op) {
    add(op);
  }

  /**
   * Resets a stream: what it still has queued is dropped, and RST_STREAM goes out ahead of other
   * streams' frames unless the peer cannot know the stream ({@code peerOpened} false and none of
   * its frames written yet).
   */
  void reset(Http2Stream stream, Http2ErrorCode code, boolean peerOpened, boolean provoked) {
    add(new WriteOp.Reset(stream, code, peerOpened, provoked));
  }

  /** Drops what a stream the peer reset still has queued. */
  void discard(Http2Stream stream) {
    add(new WriteOp.Discard(stream));
  }

  /**
   * Queues the RST_STREAM the peer provoked for a stream that is closed on our side: after that
   * stream's own frames when some are still queued (a reset must not overtake the answer it
   * follows, RFC 9113 5.1), ahead of other streams' frames otherwise.
   */
  void replyReset(int streamId, Http2ErrorCode code) {
    add(new WriteOp.ReplyReset(streamId, code));
  }

  /**
   * Asks for the end of output once everything queued is written, with {@code lastFrame} (a
   * GOAWAY) written after all of it; null for none.
   */
  void closeWhenDone(byte[] lastFrame) {
    add(new WriteOp.CloseWhenDone(lastFrame));
  }

  void closeWhenDone() {
    closeWhenDone(null);
  }

  /**
   * Queues {@code goAway} and asks for the end of output once it and the control frames before it
   * are written; stream frames are dropped.
   */
  void closeAfterControl(byte[] goAway) {
    add(new WriteOp.CloseAfterControl(goAway));
  }

  private void add(WriteOp op) {
    if (stopped) {
      return;
    }
    int size = op.size();
    boolean provoked = op.provoked();
    long provokedNow = provoked ? provokedBytes.addAndGet(size) : 0;
    inbox.add(op);
    if (queuedBytes.addAndGet(size) > budget) {
      overBudget = true;
      // A peer that only reads slowly finds our own writes over the budget, and its next PING
      // (grpc-java pings with every burst of DATA it gets) is no abuse: the reader waits for the
      // queue to drain. A peer whose provocations fill most of the budget does not read at all.
      if (provoked && provokedNow > budget / 2) {
        provokedOverBudget = true;
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
    return queuedBytes.get();
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
    budgetLock.lock();
    try {
      budgetWaiters.incrementAndGet(); // before looking again: the drainer signals after it clears the flag
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
      budgetWaiters.decrementAndGet();
      budgetLock.unlock();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void wakeBudgetWaiters() {
    if (budgetWaiters.get() > 0) {
      budgetLock.lock();
      try {
        belowBudget.signalAll();
      } finally {
        budgetLock.unlock();
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

  /**
   * Like {@link #flush()} but never blocks: the helper thread does the writing, after the threads
   * runnable now have had their turn to queue more.
   */
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
      // Let the threads that are runnable now go first: they are most often handlers about to
      // queue their answers, and the drain then puts them all in one socket write. Unparking
      // alone would not do it: the scheduler runs the thread just unparked ahead of them. When
      // a batch is already queued, its frames go now: under a steady stream of requests the
      // yield would put every answer behind one more round of all the runnable threads.
      if (queuedBytes.get() < YIELD_BELOW_BYTES) {
        Thread.yield();
      }
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

  /**
   * Whether there is something to write. A writer that queues after we look tries to take the
   * writing over itself, so nothing is left behind.
   */
  private boolean hasWork() {
    return !stopped && !inbox.isEmpty(); // a drain ends only with its lanes empty
  }

  private void drainOnce() throws IOException {
    while (!stopped) {
      absorbInbox();
      WriteOp op;
      while ((op = control.poll()) != null) {
        write(op);
      }
      if (closeAfterControl) {
        settle();
        writeOut();
        finish();
        return;
      }
      int dataBytes = 0;
      Http2Stream stream;
      while (dataBytes < FLUSH_THRESHOLD && control.isEmpty() && (stream = ready.poll()) != null) {
        dataBytes += takeTurn(stream);
        if (!inbox.isEmpty()) {
          absorbInbox(); // control frames queued meanwhile go next
        }
      }
      settle();
      if (control.isEmpty() && ready.isEmpty() && inbox.isEmpty()) {
        if (closeWhenDone) {
          if (lastFrame != null) {
            buf.write(lastFrame, 0, lastFrame.length);
          }
          writeOut();
          finish();
        } else {
          writeOut();
        }
        return;
      }
      if (buf.size() >= FLUSH_THRESHOLD) {
        writeOut();
      }
    }
  }

  /** Sorts what was queued into the control lane and the streams' lanes. Drainer only. */
  private void absorbInbox() {
    WriteOp op;
    while ((op = inbox.poll()) != null) {
      // instanceof rather than a pattern switch: each pattern switch bootstraps a class at run
      // time, milliseconds of a cold server's first call.
      if (op instanceof WriteOp.OfStream s) {
        enqueue(s);
      } else if (op instanceof WriteOp.Control c) {
        control.add(c);
      } else if (op instanceof WriteOp.SettingsAck a) {
        control.add(a);
      } else if (op instanceof WriteOp.Reset r) {
        dropLane(r.stream());
        r.stream().resetQueued = true;
        if (r.peerOpened() || r.stream().written) {
          control.add(new WriteOp.Control(Frames.rstStream(r.stream().id, r.code()), r.provoked()));
        } else {
          done(r); // accounted for a frame that will not go out
        }
      } else if (op instanceof WriteOp.Discard d) {
        dropLane(d.stream());
        d.stream().resetQueued = true;
      } else if (op instanceof WriteOp.ReplyReset r) {
        replyReset(r);
      } else if (op instanceof WriteOp.CloseWhenDone c) {
        closeWhenDone = true;
        if (lastFrame == null) {
          lastFrame = c.lastFrame();
        }
      } else if (op instanceof WriteOp.CloseAfterControl c) {
        // A connection error: the acks a flooding peer provoked would only delay the GOAWAY
        // that tells it why. Resets stay: each tells the peer what became of one stream. Our
        // own frames stay too: the peer must see our SETTINGS before anything else.
        control.removeIf(this::dropsBeforeGoAway);
        control.add(new WriteOp.Control(c.goAway(), false));
        closeAfterControl = true;
      } else {
        throw new AssertionError("unknown write: " + op);
      }
    }
    if (droppedCredit > 0) {
      int credit = droppedCredit;
      droppedCredit = 0;
      events.onDataDropped(credit);
    }
  }

  /** Whether a control frame is left out once a GOAWAY for a connection error is queued. */
  private boolean dropsBeforeGoAway(WriteOp op) {
    boolean reset = op instanceof WriteOp.Control c && c.frame()[3] == FrameType.RST_STREAM;
    boolean dropped = op.provoked() && !reset;
    if (dropped) {
      done(op);
    }
    return dropped;
  }

  private void enqueue(WriteOp.OfStream op) {
    Http2Stream stream = op.stream();
    if (stream.resetQueued) {
      drop(op); // queued before the writer learnt that the stream is gone
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
  }

  private void dropLane(Http2Stream stream) {
    if (stream.pending != null) {
      WriteOp op;
      while ((op = stream.pending.poll()) != null) {
        drop(op);
      }
    }
  }

  private void drop(WriteOp op) {
    done(op); // no longer queued, as if written
    if (op instanceof WriteOp.Data data) {
      droppedCredit += data.length();
    }
  }

  private void replyReset(WriteOp.ReplyReset r) {
    for (Http2Stream stream : ready) {
      if (stream.id == r.streamId() && stream.pending != null && !stream.pending.isEmpty()) {
        stream.pending.add(new WriteOp.StreamReset(stream, r.code(), true));
        return;
      }
    }
    control.add(new WriteOp.Control(Frames.rstStream(r.streamId(), r.code()), true));
  }

  /** Writes a stream's frames up to its DATA quota; returns the DATA bytes written. Drainer only. */
  private int takeTurn(Http2Stream stream) throws IOException {
    ArrayDeque<WriteOp> queue = stream.pending;
    int quota = DATA_QUOTA;
    boolean took = false;
    WriteOp op;
    while (quota > 0 && (op = queue.peek()) != null) {
      queue.poll();
      if (op instanceof WriteOp.Data data && data.length() > quota) {
        WriteOp.Data first = new WriteOp.Data(stream, data.data(), data.offset(), quota, false, data.provoked());
        write(first);
        done(-FrameType.HEADER_LENGTH, first); // the rest keeps its own header in the account
        queue.addFirst(
            new WriteOp.Data(
                stream, data.data(), data.offset() + quota, data.length() - quota, data.endStream(), data.provoked()));
        quota = 0;
      } else {
        write(op);
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
    return DATA_QUOTA - quota;
  }

  /** Counts {@code op} as no longer queued: written or dropped. Drainer only. */
  private void done(WriteOp op) {
    done(op.size(), op);
  }

  /** Counts {@code bytes} of {@code op} as no longer queued (negative: queued again). Drainer only. */
  private void done(int bytes, WriteOp op) {
    writtenBytes += bytes;
    if (op.provoked()) {
      provokedWrittenBytes += bytes;
    }
  }

  /** Takes what was written (or dropped) off the budget. Drainer only. */
  private void settle() {
    if (provokedWrittenBytes != 0) {
      provokedBytes.addAndGet(-provokedWrittenBytes);
      provokedWrittenBytes = 0;
    }
    if (writtenBytes != 0) {
      long left = queuedBytes.addAndGet(-writtenBytes);
      writtenBytes = 0;
      if (overBudget && left <= budget) {
        overBudget = false;
        wakeBudgetWaiters();
      }
    }
  }

  private void write(WriteOp op) throws IOException {
    done(op);
    if (op instanceof WriteOp.Headers h) { // instanceof chain: see absorbInbox
      writeHeaders(h);
    } else if (op instanceof WriteOp.Data d) {
      writeData(d);
    } else if (op instanceof WriteOp.StreamReset r) {
      byte[] frame = Frames.rstStream(r.stream().id, r.code());
      buf.write(frame, 0, frame.length);
    } else if (op instanceof WriteOp.Control c) {
      buf.write(c.frame(), 0, c.frame().length);
    } else if (op instanceof WriteOp.SettingsAck s) {
      if (s.headerTableSize() >= 0) {
        encoder.setMaxTableSize(s.headerTableSize());
      }
      if (s.maxFrameSize() > 0) {
        maxFrameSize = s.maxFrameSize();
      }
      Frames.writeHeader(buf, 0, FrameType.SETTINGS, FrameType.FLAG_ACK, 0);
    } else {
      throw new IllegalStateException("not a frame: " + op);
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
    buf.reset();
    events.onOutputDone();
  }

  private void fail(Throwable failure) {
    stop();
    buf.reset();
    events.onWriteFailure(failure);
  }

  /**
   * Ends writing, from any thread: nothing queued is written any more, and whoever waits on the
   * budget wakes. The lanes are left to the garbage collector with the connection.
   */
  void stop() {
    stopped = true;
    inbox.clear();
    overBudget = false;
    budgetLock.lock();
    try {
      belowBudget.signalAll();
    } finally {
      budgetLock.unlock();
    }
    LockSupport.unpark(helper);
  }
}
