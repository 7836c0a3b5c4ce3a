package dev.shuttle.http2;

import java.util.concurrent.Future;

/**
 * Checks that a quiet connection is still there: after {@link Http2Config#keepAliveTime()} with
 * nothing received it sends a PING, and closes the connection when nothing at all arrives within
 * {@link Http2Config#keepAliveTimeout()}. Without streams open it pings only when
 * {@link Http2Config#keepAliveWithoutCalls()} says so. Runs on the timer thread.
 */
final class KeepAlivePinger {
  /** "keepaliv": tells our keepalive PING from others in logs and captures. */
  static final long PAYLOAD = 0x6b656570616c6976L;

  private final Http2Connection connection;
  private final long timeNanos;
  private final long timeoutNanos;
  private final boolean withoutCalls;
  private volatile Future<?> timer;
  private volatile boolean stopped;
  private long pingSentNanos;

  KeepAlivePinger(Http2Connection connection, Http2Config config) {
    this.connection = connection;
    this.timeNanos = config.keepAliveTime().toNanos();
    this.timeoutNanos = config.keepAliveTimeout().toNanos();
    this.withoutCalls = config.keepAliveWithoutCalls();
  }

  void start() {
    schedule(this::checkQuiet, timeNanos);
  }

  void stop() {
    stopped = true;
    Http2Timers.cancel(timer);
  }

  private void schedule(Runnable task, long delayNanos) {
    if (!stopped) {
      timer = Http2Timers.schedule(task, delayNanos);
    }
  }

  private void checkQuiet() {
    long quiet = System.nanoTime() - connection.lastReadNanos();
    if (quiet < timeNanos) {
      schedule(this::checkQuiet, timeNanos - quiet);
    } else if (!withoutCalls && connection.activeStreams() == 0) {
      schedule(this::checkQuiet, timeNanos);
    } else {
      pingSentNanos = System.nanoTime();
      connection.sendPing(PAYLOAD);
      schedule(this::checkAnswered, timeoutNanos);
    }
  }

  private void checkAnswered() {
    if (connection.lastReadNanos() - pingSentNanos < 0) {
      connection.closeForKeepAlive();
    } else {
      checkQuiet();
    }
  }
}
