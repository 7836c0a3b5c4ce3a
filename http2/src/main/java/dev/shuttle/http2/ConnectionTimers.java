package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
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
    schedule(
        () -> {
          if (!dispatcher.settingsAcknowledged()) {
            connection.abort(
                Http2Exception.connectionError(
                    Http2ErrorCode.SETTINGS_TIMEOUT, "SETTINGS not acknowledged within " + config.settingsAckTimeout()));
          }
        },
        config.settingsAckTimeout().toNanos());
    if (config.maxConnectionIdle() != null) {
      schedule(this::checkIdle, config.maxConnectionIdle().toNanos());
    }
    if (config.maxConnectionAge() != null) {
      long age = config.maxConnectionAge().toNanos();
      // Connections made together should not all end together.
      long jitter = (long) (age * 0.1 * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
      schedule(this::onMaxAge, age + jitter);
    }
  }

  private void checkIdle() {
    long idleFor = connection.idleNanos();
    long limit = config.maxConnectionIdle().toNanos();
    if (idleFor >= limit) {
      LOG.log(Level.DEBUG, "{0}: idle for {1}; shutting down", connection.name(), config.maxConnectionIdle());
      connection.shutdownGracefully();
    } else {
      schedule(this::checkIdle, limit - idleFor);
    }
  }

  private void onMaxAge() {
    LOG.log(Level.DEBUG, "{0}: older than {1}; shutting down", connection.name(), config.maxConnectionAge());
    connection.shutdownGracefully();
    if (config.maxConnectionAgeGrace() != null) {
      schedule(connection::close, config.maxConnectionAgeGrace().toNanos());
    }
  }

  /** Runs {@code task} on the timer thread after {@code delayNanos}, unless the connection ends first. */
  void schedule(Runnable task, long delayNanos) {
    lock.lock();
    try {
      if (cancelled) {
        return;
      }
      pending.removeIf(Future::isDone);
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
    timers.forEach(Http2Timers::cancel);
  }
}
