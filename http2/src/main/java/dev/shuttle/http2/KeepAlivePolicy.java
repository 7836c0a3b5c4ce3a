package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;
import java.util.concurrent.TimeUnit;

/**
 * A server's rule for how often a client may ping (the keepalive enforcement of grpc-java and
 * grpc-go): no more often than {@link Http2Config#permitKeepAliveTime()} while calls are open, and
 * than every two hours while none is unless {@link Http2Config#permitKeepAliveWithoutCalls()}. A
 * ping too soon is a strike; a ping after HEADERS or DATA we sent clears them (a client may probe
 * bandwidth as data arrives). More than two strikes end the connection with ENHANCE_YOUR_CALM
 * and the debug data {@code too_many_pings}, which gRPC clients take as a cue to ping less.
 *
 * <p>Used by the connection's reader thread only.
 */
final class KeepAlivePolicy {
  static final String TOO_MANY_PINGS = "too_many_pings";
  private static final long WITHOUT_CALLS_NANOS = TimeUnit.HOURS.toNanos(2);
  private static final int MAX_STRIKES = 2;

  private final long permitNanos;
  private final boolean permitWithoutCalls;
  private final WriteScheduler writer;
  private boolean pinged;
  private long lastPingNanos;
  private long writtenAtLastPing;
  private int strikes;

  KeepAlivePolicy(Http2Config config, WriteScheduler writer) {
    this.permitNanos = config.permitKeepAliveTime().toNanos();
    this.permitWithoutCalls = config.permitKeepAliveWithoutCalls();
    this.writer = writer;
  }

  void onPing(boolean callsOpen) throws Http2Exception {
    long now = System.nanoTime();
    long written = writer.payloadFramesWritten();
    boolean tooSoon = false;
    if (pinged && written == writtenAtLastPing) {
      long minimum = callsOpen || permitWithoutCalls ? permitNanos : WITHOUT_CALLS_NANOS;
      tooSoon = now - lastPingNanos < minimum;
    } else {
      strikes = 0;
    }
    pinged = true;
    lastPingNanos = now;
    writtenAtLastPing = written;
    if (tooSoon && ++strikes > MAX_STRIKES) {
      throw Http2Exception.connectionError(Http2ErrorCode.ENHANCE_YOUR_CALM, TOO_MANY_PINGS);
    }
  }
}
