package dev.shuttle.interop;

import java.time.Duration;

/** How the interop tests run Shuttle's client: in this JVM, with short soaks. */
final class InteropPeers {
  /**
   * Soak cases kept short for the test suite: a few iterations, with a latency bound loose
   * enough that a busy two-core machine never fails them on time alone (tests assert no timings).
   */
  static final int SOAK_ITERATIONS = 5;

  static final int SOAK_MAX_LATENCY_MS = 15_000;
  static final int SOAK_OVERALL_TIMEOUT_SECONDS = 90;

  static final SoakSettings SHORT_SOAK =
      new SoakSettings(
          SOAK_ITERATIONS,
          0,
          Duration.ofMillis(SOAK_MAX_LATENCY_MS),
          Duration.ZERO,
          Duration.ofSeconds(SOAK_OVERALL_TIMEOUT_SECONDS),
          SoakSettings.DEFAULTS.requestSize(),
          SoakSettings.DEFAULTS.responseSize(),
          1);

  private InteropPeers() {}

  /** Shuttle's client for {@code c} against a cleartext server on this machine. */
  static InteropClient.Settings shuttleClient(int port, InteropCase c) {
    return InteropClient.Settings.plaintext("127.0.0.1", port, c).withSoak(SHORT_SOAK);
  }

  static InteropCases shuttleCases(InteropClient.Settings settings) {
    return new InteropCases(settings::newChannel, settings.soak());
  }
}
