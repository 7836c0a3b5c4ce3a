package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's timers: the peer must acknowledge our SETTINGS in time; an idle connection and
 * an old one are shut down gracefully, the old one closed once its grace is over; and whatever
 * one-off task the connection asks for (the second GOAWAY, the end of a linger). All are
 * cancelled when the connection ends.
 */
final class ConnectionTimers {
  private static final System.Logger LOG = LazyLogger.of(ConnectionTimers.class);

  private final Http2Connection connection;
  private final Http2Config config;
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private final List<Future<?>> pending = new ArrayList<>(4);
  private boolean cancelled;

  ConnectionTimers(Http2Connection connection) {
    this.connection = connection;
    this.config = connection.config;
  }

  void start(FrameDispatcher dispatcher) {
    schedule(new Timeout(Timeout.SETTINGS_ACK, dispatcher), config.settingsAckTimeout().toNanos());
    if (config.maxConnectionIdle() != null) {
      schedule(new Timeout(Timeout.IDLE, dispatcher), config.maxConnectionIdle().toNanos());
    }
    if (config.maxConnectionAge() != null) {
      long age = config.maxConnectionAge().toNanos();
      // Connections made together should not all end together.
      long jitter = (long) (age * 0.1 * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
      schedule(new Timeout(Timeout.MAX_AGE, dispatcher), age + jitter);
    }
  }

  /**
   * One of the connection's own timeouts. A class rather than lambdas: every connection starts
   * these, and while the JVM is cold each lambda is a class to spin before the first call.
   */
  private final class Timeout implements Runnable {
    static final int SETTINGS_ACK = 0;
    static final int IDLE = 1;
    static final int MAX_AGE = 2;
    static final int AGE_GRACE = 3;
    static final int FINISH_SHUTDOWN = 4;
    static final int TERMINATE = 5;

    private final int kind;
    private final FrameDispatcher dispatcher;
    private final StreamFailure failure;

    Timeout(int kind, FrameDispatcher dispatcher) {
      this(kind, dispatcher, null);
    }

    Timeout(int kind, FrameDispatcher dispatcher, StreamFailure failure) {
      this.kind = kind;
      this.dispatcher = dispatcher;
      this.failure = failure;
    }

    @Override
    public void run() {
      switch (kind) {
        case SETTINGS_ACK -> checkSettingsAcknowledged(dispatcher);
        case IDLE -> checkIdle(this);
        case MAX_AGE -> onMaxAge(dispatcher);
        case AGE_GRACE -> connection.close();
        case FINISH_SHUTDOWN -> connection.finishShutdown();
        case TERMINATE -> connection.terminate(failure);
        default -> throw new AssertionError(kind);
      }
    }
  }

  private void checkSettingsAcknowledged(FrameDispatcher dispatcher) {
    if (!dispatcher.settingsAcknowledged()) {
      connection.abort(
          Http2Exception.connectionError(
              Http2ErrorCode.SETTINGS_TIMEOUT, "SETTINGS not acknowledged within " + config.settingsAckTimeout()));
    }
  }

  private void checkIdle(Timeout timeout) {
    long idleFor = connection.idleNanos();
    long limit = config.maxConnectionIdle().toNanos();
    if (idleFor >= limit) {
      LOG.log(Level.DEBUG, "{0}: idle for {1}; shutting down", connection.name(), config.maxConnectionIdle());
      connection.shutdownGracefully();
    } else {
      schedule(timeout, limit - idleFor);
    }
  }

  private void onMaxAge(FrameDispatcher dispatcher) {
    LOG.log(Level.DEBUG, "{0}: older than {1}; shutting down", connection.name(), config.maxConnectionAge());
    connection.shutdownGracefully();
    if (config.maxConnectionAgeGrace() != null) {
      schedule(new Timeout(Timeout.AGE_GRACE, dispatcher), config.maxConnectionAgeGrace().toNanos());
    }
  }

  /** Sends the second GOAWAY of a graceful shutdown after {@code delayNanos}, if the peer is slow to answer. */
  void finishShutdownAfter(long delayNanos) {
    schedule(new Timeout(Timeout.FINISH_SHUTDOWN, null), delayNanos);
  }

  /**
   * Ends the connection with {@code failure} after {@code delayNanos}. Every connection that closes
   * passes here, often while the JVM is still cold, hence a Timeout and not a lambda.
   */
  void terminateAfter(StreamFailure failure, long delayNanos) {
    schedule(new Timeout(Timeout.TERMINATE, null, failure), delayNanos);
  }

  /** Runs {@code task} on the timer thread after {@code delayNanos}, unless the connection ends first. */
  private void schedule(Runnable task, long delayNanos) {
    lock.lock();
    try {
      if (cancelled) {
        return;
      }
      for (Iterator<Future<?>> timers = pending.iterator(); timers.hasNext(); ) {
        if (timers.next().isDone()) {
          timers.remove();
        }
      }
      pending.add(Http2Timers.schedule(task, delayNanos));
    } finally {
      lock.unlock();
    }
  }

  void cancelAll() {
    List<Future<?>> timers;
    lock.lock();
    try {
      cancelled = true;
      timers = new ArrayList<>(pending);
      pending.clear();
    } finally {
      lock.unlock();
    }
    for (Future<?> timer : timers) {
      Http2Timers.cancel(timer);
    }
  }
}
