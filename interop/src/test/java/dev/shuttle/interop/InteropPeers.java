package dev.shuttle.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** How the interop tests run each client: Shuttle's in-process, grpc-java's through its flags. */
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

  /** The service config the official runners give interop clients for the ORCA cases. */
  static final String ORCA_SERVICE_CONFIG = "{\"loadBalancingConfig\":[{\"test_backend_metrics_load_balancer\":{}}]}";

  private InteropPeers() {}

  /** Shuttle's client for {@code c} against a cleartext server on this machine. */
  static InteropClient.Settings shuttleClient(int port, InteropCase c) {
    return InteropClient.Settings.plaintext("127.0.0.1", port, c).withSoak(SHORT_SOAK);
  }

  static InteropCases shuttleCases(InteropClient.Settings settings) {
    return new InteropCases(settings::newChannel, settings.soak());
  }

  /**
   * grpc-java's TestServiceClient flags for {@code c} against a server on this machine; with
   * TLS, trusting the test CA and checking server1's name, as the official runners do.
   */
  static String[] grpcJavaClientFlags(int port, InteropCase c, boolean tls) {
    List<String> flags = new ArrayList<>();
    flags.add("--server_host=127.0.0.1");
    flags.add("--server_port=" + port);
    flags.add("--test_case=" + c.flag());
    flags.add("--use_tls=" + tls);
    if (tls) {
      flags.add("--use_test_ca=true");
      flags.add("--server_host_override=" + InteropCertificates.SERVER_HOST_OVERRIDE);
    }
    switch (c) {
      case RPC_SOAK, CHANNEL_SOAK -> {
        flags.add("--soak_iterations=" + SOAK_ITERATIONS);
        flags.add("--soak_per_iteration_max_acceptable_latency_ms=" + SOAK_MAX_LATENCY_MS);
        flags.add("--soak_overall_timeout_seconds=" + SOAK_OVERALL_TIMEOUT_SECONDS);
      }
      // grpc-java's client reads ORCA reports in a load-balancing policy this config selects.
      case ORCA_PER_RPC, ORCA_OOB -> flags.add("--service_config_json=" + ORCA_SERVICE_CONFIG);
      default -> {}
    }
    return flags.toArray(String[]::new);
  }
}
