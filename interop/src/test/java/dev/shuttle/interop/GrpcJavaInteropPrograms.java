package dev.shuttle.interop;

import io.grpc.testing.integration.TestServiceClient;
import io.grpc.testing.integration.TestServiceServer;
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
  /** What grpc-java's TestServiceServer does not implement, so no client can pass these against it. */
  static final Map<InteropCase, String> SERVER_CANNOT_SERVE = Map.of(
      InteropCase.CLIENT_COMPRESSED_UNARY,
      "grpc-java's TestServiceServer ignores expect_compressed (no CompressedRequest feature), so the case's "
          + "uncompressed probe is not rejected with INVALID_ARGUMENT",
      InteropCase.CLIENT_COMPRESSED_STREAMING,
      "grpc-java's TestServiceServer ignores expect_compressed (no CompressedRequest feature), so the case's "
          + "uncompressed probe is not rejected with INVALID_ARGUMENT");

  /** TestServiceClient runs every case of {@link InteropCase}. */
  static final Map<InteropCase, String> CLIENT_CANNOT_RUN = Map.of();

  static final Duration CASE_TIMEOUT = Duration.ofSeconds(90);

  /** The service config gRPC's runner gives the orca cases: the client's test LB policy. */
  private static final String ORCA_SERVICE_CONFIG =
      "{\"loadBalancingConfig\": [{\"test_backend_metrics_load_balancer\": {}}]}";

  private GrpcJavaInteropPrograms() {}

  /** A TestServiceServer on a free port, over TLS with its bundled server1.pem when tls is set. */
  static Server startServer(boolean tls) throws Exception {
    TestServiceServer server = new TestServiceServer();
    // parseArgs, start, stop and getPort are package-private (@VisibleForTesting); main would
    // block, print and install a shutdown hook.
    invoke(server, "parseArgs", new Class<?>[] {String[].class}, (Object) new String[] {"--port=0", "--use_tls=" + tls});
    invoke(server, "start", new Class<?>[0]);
    return new Server(server, (Integer) invoke(server, "getPort", new Class<?>[0]));
  }

  /** A running TestServiceServer; closing it stops it. */
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

  /**
   * Runs TestServiceClient's main for one case against target; returns when the case passed and
   * throws what it threw (an AssertionError mostly) when it did not.
   */
  static void runClient(InteropCase testCase, InteropTarget target) throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--server_host=" + target.host(),
        "--server_port=" + target.port(),
        "--test_case=" + testCase.flag(),
        "--use_tls=" + target.usesTls(),
        // Few iterations, and a latency bound no healthy run reaches: tests assert no timings.
        "--soak_iterations=3",
        "--soak_per_iteration_max_acceptable_latency_ms=20000",
        "--soak_overall_timeout_seconds=60"));
    if (target.usesTls()) {
      // TestServiceClient trusts its own bundled copy of gRPC's ca.pem.
      args.add("--use_test_ca=true");
      args.add("--server_host_override=" + GrpcTestCertificates.SERVER_NAME);
    }
    if (testCase == InteropCase.ORCA_PER_RPC || testCase == InteropCase.ORCA_OOB) {
      args.add("--service_config_json=" + ORCA_SERVICE_CONFIG);
    }
    FutureTask<Void> run = new FutureTask<>(() -> {
      TestServiceClient.main(args.toArray(String[]::new));
      return null;
    });
    Thread thread = new Thread(run, "grpc-java-interop-client-" + testCase.flag());
    thread.setDaemon(true);
    thread.start();
    try {
      run.get(CASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      thread.interrupt();
      throw new AssertionError("grpc-java's TestServiceClient, " + testCase.flag() + " against " + target
          + ": not done after " + CASE_TIMEOUT.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      throw rethrowable(e.getCause());
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
