package dev.shuttle.interop;

import java.time.Duration;

/**
 * How rpc_soak and channel_soak run, from the flags the official interop clients share: {@code
 * --soak_iterations} large-unary calls ({@code --soak_request_size} bytes out, {@code
 * --soak_response_size} back) over {@code --soak_num_threads} threads, each call apart from the
 * previous one of its thread by at least {@code --soak_min_time_ms_between_rpcs}. An iteration
 * fails when its call fails or takes longer than {@code
 * --soak_per_iteration_max_acceptable_latency_ms}; the case fails when more than {@code
 * --soak_max_failures} do, or when {@code --soak_overall_timeout_seconds} pass before every
 * iteration ran.
 */
record SoakSettings(
    int iterations,
    int maxFailures,
    Duration maxAcceptableLatency,
    Duration minTimeBetweenCalls,
    Duration overallTimeout,
    int requestSize,
    int responseSize,
    int threads) {

  /** The official clients' defaults: 10 iterations, none may fail, a second each, 10 s in all. */
  static final SoakSettings DEFAULTS =
      new SoakSettings(10, 0, Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(10), 271828, 314159, 1);

  SoakSettings {
    if (threads < 1) {
      throw new IllegalArgumentException("soak threads must be at least 1, got " + threads);
    }
    if (iterations % threads != 0) {
      throw new IllegalArgumentException(
          "soak iterations (" + iterations + ") must divide evenly among the threads (" + threads + ")");
    }
  }
}
