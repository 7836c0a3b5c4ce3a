package dev.shuttle.interop;

import io.grpc.testing.integration.TestServiceClient;
import io.grpc.testing.integration.TestServiceServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * grpc-java's official interop programs (io.grpc:grpc-interop-testing), run in this JVM:
 * {@link TestServiceServer} and {@link TestServiceClient}, with the flags gRPC's interop runner
 * gives them.
 *
 * <pre>{@code
 * try (GrpcJavaInteropPrograms.Server server = GrpcJavaInteropPrograms.startServer(false)) {
 *   GrpcJavaInteropPrograms.runClient(InteropCase.EMPTY_UNARY, InteropTarget.plaintext("127.0.0.1", server.port()));
 * }
 * }</pre>
 */
final class GrpcJavaInteropPrograms {
  /**
   * What grpc-java's TestServiceServer does not implement, so a client that checks it cannot
   * pass the case against it as the spec words it. grpc/grpc's run_interop_tests.py leaves the
   * compression cases out for Java servers too.
   */
  static final Map<InteropCase, String> SERVER_CANNOT_SERVE =
      Map.of(
          InteropCase.CLIENT_COMPRESSED_UNARY, probeNotChecked(),
          InteropCase.CLIENT_COMPRESSED_STREAMING, probeNotChecked(),
          InteropCase.SERVER_COMPRESSED_STREAMING,
          "grpc-java's TestServiceServer ignores ResponseParameters.compressed and sends every streaming response "
              + "uncompressed");

  /** TestServiceClient runs every case of {@link InteropCase}. */
  static final Map<InteropCase, String> CLIENT_CANNOT_RUN = Map.of();

  static final Duration CASE_TIMEOUT = Duration.ofSeconds(90);

  /**
   * Soak cases kept short for the test suite: a few iterations, with a latency bound loose
   * enough that a busy two-core machine never fails them on time alone (tests assert no timings).
   */
  static final List<String> QUICK_SOAK_FLAGS =
      List.of(
          "--soak_iterations=" + InteropPeers.SOAK_ITERATIONS,
          "--soak_per_iteration_max_acceptable_latency_ms=" + InteropPeers.SOAK_MAX_LATENCY_MS,
          "--soak_overall_timeout_seconds=" + InteropPeers.SOAK_OVERALL_TIMEOUT_SECONDS);

  /** The service config gRPC's runner gives the orca cases: the client's test LB policy. */
  static final String ORCA_SERVICE_CONFIG = "{\"loadBalancingConfig\":[{\"test_backend_metrics_load_balancer\":{}}]}";

  /** Held, so that the level set here stays: the soak cases log every iteration at INFO. */
  private static final Logger SOAK_LOG = Logger.getLogger("io.grpc.testing.integration.SoakClient");

  static {
    SOAK_LOG.setLevel(Level.WARNING);
  }

  private GrpcJavaInteropPrograms() {}

  private static String probeNotChecked() {
    return "grpc-java's TestServiceServer never checks expect_compressed (grpc-java shows a handler no request's "
        + "compressed flag), so it accepts the uncompressed probe the case needs refused with INVALID_ARGUMENT";
  }

  /** A TestServiceServer on a free port, over TLS with its bundled server1.pem when tls is set. */
  static Server startServer(boolean tls) throws Exception {
    TestServiceServer server = new TestServiceServer();
    // parseArgs, start, stop and getPort are package-private (@VisibleForTesting); main would
    // block, print and install a shutdown hook.
    invoke(server, "parseArgs", new Class<?>[] {String[].class}, (Object) new String[] {"--port=0", "--use_tls=" + tls});
    invoke(server, "start", new Class<?>[0]);
    return new Server(server, (Integer) invoke(server, "getPort", new Class<?>[0]));
  }

  /** A running TestServiceServer; closing it ends every call and waits (at most 5 s) for it to stop. */
  static final class Server implements AutoCloseable {
    private final TestServiceServer server;
    private final int port;

    private Server(TestServiceServer server, int port) {
      this.server = server;
      this.port = port;
    }

    int port() {
      return port;
    }

    @Override
    public void close() throws Exception {
      invoke(server, "stop", new Class<?>[0]);
    }
  }

  /** TestServiceClient's flags for one case against target: TLS trusting the test CA, as the official runners do. */
  static List<String> clientFlags(InteropCase testCase, InteropTarget target) {
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--server_host=" + target.host(),
                "--server_port=" + target.port(),
                "--test_case=" + testCase.flag(),
                "--use_tls=" + target.usesTls()));
    if (target.usesTls()) {
      // TestServiceClient trusts its own bundled copy of gRPC's ca.pem.
      flags.add("--use_test_ca=true");
      flags.add("--server_host_override=" + GrpcTestCertificates.SERVER_NAME);
    }
    switch (testCase) {
      case RPC_SOAK, CHANNEL_SOAK -> flags.addAll(QUICK_SOAK_FLAGS);
      // grpc-java's client reads ORCA reports in a load-balancing policy this config selects.
      case ORCA_PER_RPC, ORCA_OOB -> flags.add("--service_config_json=" + ORCA_SERVICE_CONFIG);
      default -> {}
    }
    return flags;
  }

  /**
   * Runs TestServiceClient's main for one case against target; returns when the case passed and
   * throws what it threw (an AssertionError mostly) when it did not. One at a time: the client
   * registers its ORCA load-balancing policy in a process-wide registry, and its stdout
   * ("Running test ...") is silenced for the run.
   */
  static synchronized void runClient(InteropCase testCase, InteropTarget target) throws Exception {
    String[] args = clientFlags(testCase, target).toArray(String[]::new);
    FutureTask<Void> run =
        new FutureTask<>(
            () -> {
              TestServiceClient.main(args);
              return null;
            });
    Thread thread = new Thread(run, "grpc-java-interop-client-" + testCase.flag());
    thread.setDaemon(true);
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      thread.start();
      run.get(CASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      thread.interrupt();
      throw new AssertionError(
          "grpc-java's TestServiceClient, " + testCase.flag() + " against " + target + ": not done after "
              + CASE_TIMEOUT.toSeconds() + " s",
          e);
    } catch (ExecutionException e) {
      throw rethrowable(e.getCause());
    } finally {
      System.setOut(stdout);
    }
  }

  private static Exception rethrowable(Throwable cause) {
    if (cause instanceof Error error) {
      throw error;
    }
    return cause instanceof Exception exception ? exception : new RuntimeException(cause);
  }

  private static Object invoke(Object target, String name, Class<?>[] types, Object... args) throws Exception {
    Method method = target.getClass().getDeclaredMethod(name, types);
    method.setAccessible(true);
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw rethrowable(e.getCause());
    }
  }
}
