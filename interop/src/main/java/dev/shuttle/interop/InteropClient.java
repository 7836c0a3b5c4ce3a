package dev.shuttle.interop;

import dev.shuttle.Channel;
import dev.shuttle.StatusException;
import dev.shuttle.http2.config.TlsClientConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.StringJoiner;

/**
 * gRPC's interop client on Shuttle, with the command line of the official ones: runs one case of
 * doc/interop-test-descriptions.md ({@link InteropCases}) against the server at {@code
 * --server_host}:{@code --server_port}, and exits 0 only when it passed.
 *
 * <pre>
 * bin/interop-client --server_host=localhost --server_port=50051 --test_case=large_unary \
 *     [--use_tls=true --use_test_ca=true --server_host_override=foo.test.google.fr]
 * </pre>
 *
 * <p>Exit status 0 when the case passed, 1 when it failed (why on stderr), 2 for a usage error.
 */
public final class InteropClient {
  private static final Set<String> FLAGS =
      Set.of(
          "server_host", "server_port", "server_host_override", "test_case", "use_tls", "use_test_ca",
          "service_config_json", "soak_iterations", "soak_max_failures", "soak_per_iteration_max_acceptable_latency_ms",
          "soak_min_time_ms_between_rpcs", "soak_overall_timeout_seconds", "soak_request_size", "soak_response_size",
          "soak_num_threads");

  static final String USAGE =
      """
      usage: interop-client --server_port=PORT --test_case=CASE [--server_host=HOST]
                            [--use_tls=true|false] [--use_test_ca=true|false]
                            [--server_host_override=NAME] [--soak_...=N]

      Runs one case of gRPC's doc/interop-test-descriptions.md against an interop server, with
      Shuttle's client. Exit status 0 when it passed, 1 when it failed (the reason on stderr), 2 for
      a usage error.

        --server_host=HOST           the server's host; default localhost
        --server_port=PORT           the server's port
        --test_case=CASE             the case, one of:
      %s
        --use_tls=true|false         TLS (ALPN h2); default false
        --use_test_ca=true|false     with TLS, trust gRPC's interop test CA (ca.pem) instead of the
                                     JDK's CAs; default false
        --server_host_override=NAME  the name the server's certificate must carry and the
                                     :authority of calls; with the test CA: foo.test.google.fr
        --service_config_json=JSON   accepted for the official runners' sake and ignored: Shuttle's
                                     channel has no load-balancing policies to configure
      rpc_soak and channel_soak:
        --soak_iterations=N                              calls in all; default 10
        --soak_max_failures=N                            iterations that may fail; default 0
        --soak_per_iteration_max_acceptable_latency_ms=N slower is a failure; default 1000
        --soak_min_time_ms_between_rpcs=N                per thread; default 0
        --soak_overall_timeout_seconds=N                 default iterations * latency bound
        --soak_request_size=N --soak_response_size=N     default 271828 and 314159 bytes
        --soak_num_threads=N                             must divide the iterations; default 1
        -h, --help                   print this and exit
      """
          .formatted(caseList());

  /** Everything a run needs from the command line. */
  record Settings(
      String serverHost,
      int serverPort,
      String serverHostOverride,
      boolean useTls,
      boolean useTestCa,
      InteropCase testCase,
      SoakSettings soak) {

    /** Settings for {@code testCase} against a cleartext server, soaking with the defaults. */
    static Settings plaintext(String host, int port, InteropCase testCase) {
      return new Settings(host, port, null, false, false, testCase, SoakSettings.DEFAULTS);
    }

    /** These settings over TLS, trusting the test CA and checking server1's host name. */
    Settings withTestTls() {
      return new Settings(
          serverHost, serverPort, InteropCertificates.SERVER_HOST_OVERRIDE, true, true, testCase, soak);
    }

    Settings withCase(InteropCase c) {
      return new Settings(serverHost, serverPort, serverHostOverride, useTls, useTestCa, c, soak);
    }

    Settings withSoak(SoakSettings s) {
      return new Settings(serverHost, serverPort, serverHostOverride, useTls, useTestCa, testCase, s);
    }

    /** A new channel to the server, as these settings say. */
    Channel newChannel() {
      String target = (serverHost.contains(":") ? "[" + serverHost + "]" : serverHost) + ":" + serverPort;
      Channel.Builder channel = Channel.builder(target);
      if (serverHostOverride != null) {
        channel.authority(serverHostOverride);
      }
      if (useTls) {
        channel.tls(tls());
      }
      return channel.build();
    }

    private TlsClientConfig tls() {
      try {
        if (useTestCa) {
          return InteropCertificates.files().clientTlsTrustingTestCa(serverHostOverride);
        }
        TlsClientConfig.Builder tls = TlsClientConfig.builder();
        if (serverHostOverride != null) {
          tls.serverName(serverHostOverride);
        }
        return tls.build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private InteropClient() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** The program: returns its exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Settings settings;
    try {
      InteropFlags flags = InteropFlags.parse(args, FLAGS);
      if (flags.help()) {
        out.print(USAGE);
        out.flush();
        return 0;
      }
      settings = parse(flags);
    } catch (InteropFlags.UsageException e) {
      err.println("interop-client: " + e.getMessage());
      err.print(USAGE);
      err.flush();
      return 2;
    }
    String name = settings.testCase().flag();
    try {
      runCase(settings);
    } catch (StatusException e) {
      err.println("interop-client: " + name + " FAILED: a call ended with " + InteropCases.describe(e));
      err.flush();
      return 1;
    } catch (Exception | AssertionError e) {
      err.println("interop-client: " + name + " FAILED: " + e.getMessage());
      err.flush();
      return 1;
    }
    out.println("interop-client: " + name + " passed");
    out.flush();
    return 0;
  }

  /** Runs the case of {@code settings}; returns when it passed, throws when it did not. */
  static void runCase(Settings settings) throws Exception {
    new InteropCases(settings::newChannel, settings.soak()).run(settings.testCase());
  }

  private static Settings parse(InteropFlags flags) throws InteropFlags.UsageException {
    if (!flags.has("server_port")) {
      throw new InteropFlags.UsageException("--server_port is required");
    }
    if (!flags.has("test_case")) {
      throw new InteropFlags.UsageException("--test_case is required");
    }
    int port = flags.integer("server_port", 0);
    if (port < 1 || port > 65535) {
      throw new InteropFlags.UsageException("--server_port must be 1..65535, got " + port);
    }
    String caseName = flags.string("test_case", null);
    InteropCase testCase =
        InteropCase.fromFlag(caseName)
            .orElseThrow(() -> new InteropFlags.UsageException("unknown --test_case " + caseName));
    boolean useTls = flags.bool("use_tls", false);
    boolean useTestCa = flags.bool("use_test_ca", false);
    if (useTestCa && !useTls) {
      throw new InteropFlags.UsageException("--use_test_ca=true needs --use_tls=true");
    }
    flags.string("service_config_json", null); // accepted, and ignored: see --help
    return new Settings(
        flags.string("server_host", "localhost"),
        port,
        flags.string("server_host_override", null),
        useTls,
        useTestCa,
        testCase,
        soak(flags));
  }

  private static SoakSettings soak(InteropFlags flags) throws InteropFlags.UsageException {
    SoakSettings d = SoakSettings.DEFAULTS;
    int iterations = flags.count("soak_iterations", d.iterations());
    int latencyMs = flags.count("soak_per_iteration_max_acceptable_latency_ms", (int) d.maxAcceptableLatency().toMillis());
    // As the official clients do: by default, time enough for every iteration at its worst.
    int overallSeconds = flags.count("soak_overall_timeout_seconds", (int) ((long) iterations * latencyMs / 1000));
    try {
      return new SoakSettings(
          iterations,
          flags.count("soak_max_failures", d.maxFailures()),
          Duration.ofMillis(latencyMs),
          Duration.ofMillis(flags.count("soak_min_time_ms_between_rpcs", 0)),
          Duration.ofSeconds(overallSeconds),
          flags.count("soak_request_size", d.requestSize()),
          flags.count("soak_response_size", d.responseSize()),
          flags.count("soak_num_threads", d.threads()));
    } catch (IllegalArgumentException e) {
      throw new InteropFlags.UsageException(e.getMessage());
    }
  }

  private static String caseList() {
    StringJoiner lines = new StringJoiner("\n");
    StringBuilder line = new StringBuilder("                               ");
    for (InteropCase c : InteropCase.values()) {
      if (line.length() + c.flag().length() > 96) {
        lines.add(line.toString().stripTrailing());
        line = new StringBuilder("                               ");
      }
      line.append(c.flag()).append(' ');
    }
    lines.add(line.toString().stripTrailing());
    return lines.toString();
  }
}
