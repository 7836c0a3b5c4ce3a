package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;
import java.util.concurrent.Future;

/**
 * Checks that a quiet connection is still there: after {@link Http2Config#keepAliveTime()} with
 * nothing received it sends a PING, and closes the connection when nothing at all arrives within
 * {@link Http2Config#keepAliveTimeout()}. Without streams open it pings only when
 * {@link Http2Config#keepAliveWithoutCalls()} says so. Runs on the timer thread, as its own timer
 * task: a method reference would be a class spun at run time while a cold server takes its first
 * connection.
 */
final class KeepAlivePinger implements Runnable {
  /** "keepaliv": tells our keepalive PING from others in logs and captures. */
  static final long PAYLOAD = 0x6b656570616c6976L;

  private final Http2Connection connection;
  private final long timeNanos;
  private final long timeoutNanos;
  private final boolean withoutCalls;
  private volatile Future<?> timer;
  private volatile boolean stopped;
  // Touched by the timer thread only.
  private boolean pingOutstanding;
  private long pingSentNanos;

  KeepAlivePinger(Http2Connection connection, Http2Config config) {
    this.connection = connection;
    this.timeNanos = config.keepAliveTime().toNanos();
    this.timeoutNanos = config.keepAliveTimeout().toNanos();
    this.withoutCalls = config.keepAliveWithoutCalls();
  }

  void start() {
    schedule(timeNanos);
  }

  void stop() {
    stopped = true;
    Http2Timers.cancel(timer);
  }

  private void schedule(long delayNanos) {
    if (!stopped) {
      timer = Http2Timers.schedule(this, delayNanos);
    }
  }

  /** One timer, rescheduled each time: either waiting for a quiet spell, or for a PING's answer. */
  @Override
  public void run() {
    long now = System.nanoTime();
    long lastRead = connection.lastReadNanos();
    if (pingOutstanding) {
      if (lastRead - pingSentNanos >= 0) {
        pingOutstanding = false; // anything received since the PING shows the peer is there
      } else if (now - pingSentNanos >= timeoutNanos) {
        connection.closeForKeepAlive();
        return;
      } else {
        schedule(Math.min(timeNanos, pingSentNanos + timeoutNanos - now));
        return;
      }
    }
    long quiet = now - lastRead;
    if (quiet < timeNanos) {
      schedule(timeNanos - quiet);
    } else if (!withoutCalls && connection.activeStreams() == 0) {
      schedule(timeNanos);
    } else {
      pingOutstanding = true;
      pingSentNanos = now;
      connection.sendPing(PAYLOAD);
      schedule(Math.min(timeNanos, timeoutNanos));
    }
  }
}
