package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;

/**
 * The one place that counts what a peer does that costs us work without asking for any: resets
 * (those it sends and those it makes us send), empty DATA frames, WINDOW_UPDATE, PRIORITY,
 * SETTINGS, PING and CONTINUATION frames. Each kind has a rate per second in {@link Http2Config};
 * past it the connection ends with ENHANCE_YOUR_CALM.
 *
 * <p>PING and WINDOW_UPDATE frames that follow HEADERS or DATA we sent are not counted: a peer
 * answers our data with window and probes its bandwidth with pings, and a flood of them would
 * need a flood of our own data first.
 *
 * <p>Used by the connection's reader thread only.
 */
final class AbusePolicy {
  private final RateLimit resets;
  private final RateLimit emptyData;
  private final RateLimit windowUpdates;
  private final RateLimit priorities;
  private final RateLimit settings;
  private final RateLimit pings;
  private final RateLimit continuations;
  private final WriteScheduler writer;
  private long writtenAtLastWindowUpdate = -1;
  private long writtenAtLastPing = -1;

  AbusePolicy(Http2Config config, WriteScheduler writer) {
    this.resets = new RateLimit(config.maxResetsPerSecond(), "stream resets");
    this.emptyData = new RateLimit(config.maxEmptyDataFramesPerSecond(), "empty DATA frames");
    this.windowUpdates = new RateLimit(config.maxWindowUpdatesPerSecond(), "WINDOW_UPDATE frames");
    this.priorities = new RateLimit(config.maxPriorityFramesPerSecond(), "PRIORITY frames");
    this.settings = new RateLimit(config.maxSettingsFramesPerSecond(), "SETTINGS frames");
    this.pings = new RateLimit(config.maxPingsPerSecond(), "PING frames");
    this.continuations = new RateLimit(config.maxContinuationFramesPerSecond(), "CONTINUATION frames");
    this.writer = writer;
  }

  /** The peer reset a stream, or made us reset one (its error, a refusal). */
  void onReset() throws Http2Exception {
    resets.count();
  }

  /** A DATA frame without data or END_STREAM. */
  void onEmptyData() throws Http2Exception {
    emptyData.count();
  }

  void onWindowUpdate() throws Http2Exception {
    long written = writer.payloadFramesWritten();
    if (written != writtenAtLastWindowUpdate) {
      writtenAtLastWindowUpdate = written;
      return;
    }
    windowUpdates.count();
  }

  void onPriority() throws Http2Exception {
    priorities.count();
  }

  void onSettings() throws Http2Exception {
    settings.count();
  }

  void onPing() throws Http2Exception {
    long written = writer.payloadFramesWritten();
    if (written != writtenAtLastPing) {
      writtenAtLastPing = written;
      return;
    }
    pings.count();
  }

  void onContinuation() throws Http2Exception {
    continuations.count();
  }

  /** Events per one-second window, with a limit. */
  private static final class RateLimit {
    private static final long SECOND = 1_000_000_000L;
    private final int perSecond;
    private final String what;
    private long windowStart = System.nanoTime();
    private int count;

    RateLimit(int perSecond, String what) {
      this.perSecond = perSecond;
      this.what = what;
    }

    void count() throws Http2Exception {
      if (++count <= perSecond) {
        return;
      }
      long now = System.nanoTime();
      if (now - windowStart >= SECOND) {
        windowStart = now;
        count = 1;
        return;
      }
      throw Http2Exception.connectionError(
          Http2ErrorCode.ENHANCE_YOUR_CALM, "more than " + perSecond + " " + what + " per second");
    }
  }
}
