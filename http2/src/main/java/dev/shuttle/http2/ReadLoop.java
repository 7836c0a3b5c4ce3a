package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * The body of a connection's reader thread: reads frames and hands them to the
 * {@link FrameDispatcher} until the peer closes or breaks the protocol, then ends the connection.
 * It sets the read timeouts (the preface, a header block left unfinished), stops reading while
 * the write queue is over budget (TCP back-pressure on a peer that does not read us), and after
 * a connection error lingers: it reads and drops what the peer still sends for a moment, since
 * closing a socket with unread input makes TCP reset the connection and the peer may then lose
 * our GOAWAY.
 */
final class ReadLoop implements Runnable {
  private static final System.Logger LOG = LazyLogger.of(ReadLoop.class);
  private static final long MAX_DISCARDED_BYTES = 4L << 20;
  /**
   * How far the streams opened lately lean to platform or virtual openers (+1 and -1 each,
   * within this bound) before the reader moves: a client whose callers are mixed stays put.
   */
  private static final int OPENER_LEAN_BOUND = 8;
  private static final int OPENER_LEAN_TO_MOVE = 4;

  private final Http2Connection connection;
  private final Http2Socket socket;
  private final DeadlineInputStream input;
  private final FrameReader reader;
  private final FrameDispatcher dispatcher;
  private final WriteScheduler writer;
  private final Http2Config config;
  /**
   * Whether this client's reader follows the kind of thread that opens its streams; off for good
   * once a thread to move to could not be started.
   */
  private volatile boolean followsOpeners;
  /** Platform openers minus virtual ones, lately; guarded by the connection's lock. */
  private int openerLean;
  /** Whether the reader should be a platform thread; it checks between frames. */
  private volatile boolean platformWanted;

  ReadLoop(
      Http2Connection connection, Http2Socket socket, DeadlineInputStream input, FrameReader reader, FrameDispatcher dispatcher) {
    this.connection = connection;
    this.socket = socket;
    this.input = input;
    this.reader = reader;
    this.dispatcher = dispatcher;
    this.writer = connection.writer;
    this.config = connection.config;
    this.followsOpeners = connection.client && config.readerThread() == Http2Config.ReaderThread.LIKE_STREAM_OPENERS;
  }

  /** A thread, unstarted, that runs this loop. */
  Thread newThread(boolean platform) {
    Thread.Builder threads = platform ? Thread.ofPlatform().daemon() : Thread.ofVirtual();
    return threads.name(connection.name()).unstarted(this);
  }

  /**
   * Counts a stream's opener, for {@link Http2Config.ReaderThread#LIKE_STREAM_OPENERS}: the
   * kernel wakes a platform reader itself, which saves a platform caller a thread switch per
   * response, and a virtual reader hands a virtual caller its response on its own carrier.
   * Called with the connection's lock held.
   */
  void streamOpenedBy(Thread opener) {
    if (!followsOpeners) {
      return;
    }
    int lean = Math.max(-OPENER_LEAN_BOUND, Math.min(OPENER_LEAN_BOUND, openerLean + (opener.isVirtual() ? -1 : 1)));
    openerLean = lean;
    boolean platform = platformWanted;
    if (lean >= OPENER_LEAN_TO_MOVE && !platform) {
      platformWanted = true;
    } else if (lean <= -OPENER_LEAN_TO_MOVE && platform) {
      platformWanted = false;
    }
  }

  /**
   * Hands the reading to a thread of the wanted kind, if this one is not; only between frames
   * outside a header block, where the loop holds no state of its own. The new thread runs
   * {@link #run()} again: a client connection has no preface to read.
   */
  private boolean movedToWantedThread() {
    if (!followsOpeners) {
      return false;
    }
    boolean platform = platformWanted;
    if (platform == !Thread.currentThread().isVirtual()) {
      return false;
    }
    Thread next = newThread(platform);
    connection.readerMovesTo(next);
    try {
      next.start();
    } catch (OutOfMemoryError e) { // no thread to be had (a process limit): read on here
      connection.readerMovesTo(Thread.currentThread());
      followsOpeners = false;
      LOG.log(Level.WARNING, "{0}: the reader stays on this thread: {1}", connection.name(), e.getMessage());
      return false;
    }
    return true;
  }

  @Override
  public void run() {
    StreamFailure end = new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, null, "connection closed by peer");
    boolean inHeaderBlock = false;
    try {
      long prefaceDeadline = 0;
      if (!connection.client) {
        // A peer that connects and says nothing (or trickles it) must not hold a connection forever.
        prefaceDeadline = System.nanoTime() + config.prefaceTimeout().toNanos();
        input.setDeadline(prefaceDeadline);
        reader.readPreface();
      }
      long blockDeadline = 0;
      boolean more = true;
      while (more) {
        inHeaderBlock = reader.inHeaderBlock();
        if (!inHeaderBlock) {
          blockDeadline = 0;
          if (movedToWantedThread()) {
            return; // that thread reads from here on, and ends the connection when it is over
          }
        } else if (blockDeadline == 0) {
          blockDeadline = System.nanoTime() + config.headerBlockTimeout().toNanos();
        }
        if (prefaceDeadline != 0 && dispatcher.settingsReceived()) {
          prefaceDeadline = 0;
        }
        long deadline = earliest(prefaceDeadline, blockDeadline);
        if (deadline == 0) {
          input.clearDeadline();
        } else {
          input.setDeadline(deadline);
        }
        if (writer.isOverBudget()) {
          // The peer does not read what we send: stop reading what it sends until it does.
          writer.flushAsync();
          writer.awaitBelowBudget();
        }
        try {
          more = reader.readFrame(dispatcher);
        } catch (Http2Exception e) {
          if (e.isConnectionError()) {
            throw e;
          }
          dispatcher.streamError(e);
        }
        connection.markRead();
        if (writer.provokedOverBudget()) {
          throw Http2Exception.connectionError(
              Http2ErrorCode.ENHANCE_YOUR_CALM, "peer provokes more frames than the write budget holds");
        }
      }
    } catch (Http2Exception e) {
      end = connectionError(e);
    } catch (SocketTimeoutException e) {
      if (inHeaderBlock) {
        end = connectionError(
            Http2Exception.connectionError(
                Http2ErrorCode.ENHANCE_YOUR_CALM, "header block unfinished after " + config.headerBlockTimeout()));
      } else {
        LOG.log(Level.DEBUG, "{0}: no preface and SETTINGS within {1}", connection.name(), config.prefaceTimeout());
        end = new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, null, "no connection preface in time");
      }
    } catch (IOException e) {
      end = new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, null, "read failed: " + e.getMessage());
    } catch (Throwable t) { // a bug of ours, or OutOfMemoryError: end this connection, free what it holds
      LOG.log(Level.ERROR, connection.name() + ": HTTP/2 reader failed", t);
      end = connectionError(Http2Exception.connectionError(Http2ErrorCode.INTERNAL_ERROR, "internal error"));
    }
    connection.terminate(end);
  }

  /** Ends the connection for a protocol violation: GOAWAY, linger; returns why the streams end. */
  private StreamFailure connectionError(Http2Exception e) {
    connection.queueGoAway(e);
    writer.flushAsync();
    try {
      if (connection.awaitOutputDone(Http2Connection.GOAWAY_WRITE_MILLIS)) {
        discardInputBriefly();
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    return Http2Connection.failureOf(e);
  }

  private void discardInputBriefly() {
    byte[] sink = new byte[4096];
    long deadline = System.nanoTime() + Http2Connection.LINGER_NANOS;
    long budget = MAX_DISCARDED_BYTES;
    try {
      InputStream in = socket.input();
      for (long left; (left = deadline - System.nanoTime()) > 0 && budget > 0; ) {
        socket.setReadTimeout(millis(left));
        int n = in.read(sink);
        if (n < 0) {
          return;
        }
        budget -= n;
      }
    } catch (IOException e) {
      // Closed or timed out: either way we are done.
    }
  }

  /** The earlier of two deadlines, 0 meaning none. */
  private static long earliest(long a, long b) {
    if (a == 0 || b == 0) {
      return a == 0 ? b : a;
    }
    return a - b < 0 ? a : b;
  }

  private static int millis(long nanos) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos)));
  }
}
