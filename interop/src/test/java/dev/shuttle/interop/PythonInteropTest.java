package dev.shuttle.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The interop matrix's Python columns: grpcio's client (src/test/python/interop_client.py)
 * against other servers and other clients against grpcio's server (interop_server.py), over
 * every {@link InteropCase}. A case either side cannot run is recorded as such, with the reason.
 *
 * <p>The pairings with grpc-java show that the Python programs themselves follow the spec, so a
 * failure against Shuttle is Shuttle's. Another implementation joins with two methods: one that
 * hands {@link #pythonClientAgainst} its server's address and what that server cannot serve, one
 * that hands {@link #clientAgainstPythonServer} a way to run its client for a case.
 */
class PythonInteropTest {
  private static final String LOCALHOST = "127.0.0.1";

  /** Runs one interop case with some client against a server. */
  @FunctionalInterface
  interface ClientRunner {
    void run(InteropCase testCase, InteropTarget server) throws Exception;
  }

  @TempDir static Path certsDir;
  private static GrpcTestCertificates certs;
  private static PythonInteropPeer python;
  private static PythonInteropPeer.Server pythonServer;
  private static PythonInteropPeer.Server pythonTlsServer;
  private static GrpcJavaInteropPrograms.Server grpcJavaServer;
  private static GrpcJavaInteropPrograms.Server grpcJavaTlsServer;
  private static InteropServer shuttleServer;
  private static InteropServer shuttleTlsServer;

  @BeforeAll
  static void start() throws Exception {
    certs = GrpcTestCertificates.copyTo(certsDir);
    python = PythonInteropPeer.locate();
    pythonServer = python.startServer(null);
    pythonTlsServer = python.startServer(certs);
    grpcJavaServer = GrpcJavaInteropPrograms.startServer(false);
    grpcJavaTlsServer = GrpcJavaInteropPrograms.startServer(true);
    shuttleServer = InteropServer.start(new InetSocketAddress(LOCALHOST, 0), false);
    shuttleTlsServer = InteropServer.start(new InetSocketAddress(LOCALHOST, 0), true);
  }

  @AfterAll
  static void stop() throws Exception {
    List<Throwable> failures = new ArrayList<>();
    for (PythonInteropPeer.Server server : new PythonInteropPeer.Server[] {pythonServer, pythonTlsServer}) {
      try {
        if (server != null) {
          assertEquals(0, server.stop(), "interop_server.py did not stop cleanly on SIGTERM:\n" + server.output());
        }
      } catch (Exception | AssertionError e) {
        failures.add(e);
      }
    }
    for (GrpcJavaInteropPrograms.Server server : new GrpcJavaInteropPrograms.Server[] {grpcJavaServer, grpcJavaTlsServer}) {
      try {
        if (server != null) {
          server.close();
        }
      } catch (Exception e) {
        failures.add(e);
      }
    }
    for (InteropServer server : new InteropServer[] {shuttleServer, shuttleTlsServer}) {
      try {
        if (server != null) {
          server.close();
        }
      } catch (Exception e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      AssertionError error = new AssertionError("stopping the interop servers", failures.get(0));
      failures.stream().skip(1).forEach(error::addSuppressed);
      throw error;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The matrix.

  @ParameterizedTest(name = "{0}")
  @EnumSource(InteropCase.class)
  void pythonClientAgainstShuttleServer(InteropCase testCase) throws Exception {
    pythonClientAgainst(InteropMatrix.PYTHON_TO_SHUTTLE, testCase, InteropTarget.plaintext(LOCALHOST, shuttleServer.port()),
        Map.of());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(InteropCase.class)
  void shuttleClientAgainstPythonServer(InteropCase testCase) throws Exception {
    clientAgainstPythonServer(InteropMatrix.SHUTTLE_TO_PYTHON, testCase, Map.of(), PythonInteropTest::runShuttleClient);
  }

  /** Shuttle's client, in this JVM, with the short soaks of the other pairings. */
  private static void runShuttleClient(InteropCase testCase, InteropTarget server) throws Exception {
    InteropClient.Settings settings = InteropPeers.shuttleClient(server.port(), testCase);
    InteropPeers.shuttleCases(server.usesTls() ? settings.withTestTls() : settings).run(testCase);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(InteropCase.class)
  void pythonClientAgainstGrpcJavaServer(InteropCase testCase) throws Exception {
    pythonClientAgainst(InteropMatrix.PYTHON_TO_GRPC_JAVA, testCase, InteropTarget.plaintext(LOCALHOST, grpcJavaServer.port()),
        GrpcJavaInteropPrograms.SERVER_CANNOT_SERVE);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(InteropCase.class)
  void grpcJavaClientAgainstPythonServer(InteropCase testCase) throws Exception {
    clientAgainstPythonServer(InteropMatrix.GRPC_JAVA_TO_PYTHON, testCase, GrpcJavaInteropPrograms.CLIENT_CANNOT_RUN,
        GrpcJavaInteropPrograms::runClient);
  }

  /**
   * One cell: the Python client runs the case against server. A case the Python client or that
   * server cannot do is recorded as not supported, with both reasons, and not run.
   */
  static void pythonClientAgainst(String pairing, InteropCase testCase, InteropTarget server,
      Map<InteropCase, String> serverCannotServe) throws Exception {
    InteropMatrix.run(pairing, testCase, () -> {
      skipUnsupported(testCase, "Python client", python.clientCannotRun(), "server", serverCannotServe);
      python.runClient(testCase, server);
    });
  }

  /** One cell: client runs the case against the plaintext Python server. */
  static void clientAgainstPythonServer(String pairing, InteropCase testCase, Map<InteropCase, String> clientCannotRun,
      ClientRunner client) throws Exception {
    InteropMatrix.run(pairing, testCase, () -> {
      skipUnsupported(testCase, "client", clientCannotRun, "Python server", python.serverCannotServe());
      client.run(testCase, InteropTarget.plaintext(LOCALHOST, pythonServer.port()));
    });
  }

  private static void skipUnsupported(InteropCase testCase, String clientName, Map<InteropCase, String> client,
      String serverName, Map<InteropCase, String> server) {
    List<String> reasons = new ArrayList<>();
    if (client.containsKey(testCase)) {
      reasons.add(clientName + ": " + client.get(testCase));
    }
    if (server.containsKey(testCase)) {
      reasons.add(serverName + ": " + server.get(testCase));
    }
    if (!reasons.isEmpty()) {
      throw new InteropMatrix.NotSupported(String.join("; ", reasons));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // TLS with gRPC's test certificates, both ways; not matrix cells.

  @ParameterizedTest(name = "{0}")
  @EnumSource(names = {"LARGE_UNARY", "PING_PONG", "CUSTOM_METADATA"})
  void pythonClientCallsGrpcJavaServerOverTls(InteropCase testCase) throws Exception {
    python.runClient(testCase, InteropTarget.tls(LOCALHOST, grpcJavaTlsServer.port(), certs));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(names = {"LARGE_UNARY", "PING_PONG", "CUSTOM_METADATA"})
  void grpcJavaClientCallsPythonServerOverTls(InteropCase testCase) throws Exception {
    GrpcJavaInteropPrograms.runClient(testCase, InteropTarget.tls(LOCALHOST, pythonTlsServer.port(), certs));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(names = {"LARGE_UNARY", "PING_PONG", "CUSTOM_METADATA"})
  void pythonClientCallsShuttleServerOverTls(InteropCase testCase) throws Exception {
    python.runClient(testCase, InteropTarget.tls(LOCALHOST, shuttleTlsServer.port(), certs));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(names = {"LARGE_UNARY", "PING_PONG", "CUSTOM_METADATA"})
  void shuttleClientCallsPythonServerOverTls(InteropCase testCase) throws Exception {
    runShuttleClient(testCase, InteropTarget.tls(LOCALHOST, pythonTlsServer.port(), certs));
  }

  @Test
  void pythonClientOverTlsRefusesAServerWhoseCertificateNamesAnotherHost() throws Exception {
    // No host override: the client checks 127.0.0.1, which server1.pem does not name.
    PythonInteropPeer.Result result = python.runCommand(withoutHostOverride(
        python.clientCommand(InteropCase.EMPTY_UNARY, InteropTarget.tls(LOCALHOST, grpcJavaTlsServer.port(), certs))));
    assertEquals(1, result.exitCode(), result.output());
    assertTrue(result.output().contains("UNAVAILABLE"), result.output());
  }

  private static List<String> withoutHostOverride(List<String> command) {
    return command.stream().filter(arg -> !arg.startsWith("--server_host_override=")).toList();
  }

  // ---------------------------------------------------------------------------------------------
  // The programs' own contract.

  @Test
  void pythonClientExitsWithThreeAndTheReasonForEachCaseItCannotRun() throws Exception {
    assertFalse(python.clientCannotRun().isEmpty());
    for (Map.Entry<InteropCase, String> unsupported : python.clientCannotRun().entrySet()) {
      InteropMatrix.NotSupported e = assertThrows(InteropMatrix.NotSupported.class,
          () -> python.runClient(unsupported.getKey(), InteropTarget.plaintext(LOCALHOST, pythonServer.port())));
      assertTrue(e.getMessage().contains(unsupported.getValue()), e.getMessage());
    }
  }

  @Test
  void pythonServerStopsCleanlyOnSigterm() throws Exception {
    PythonInteropPeer.Server server = python.startServer(null);
    try {
      python.runClient(InteropCase.EMPTY_UNARY, InteropTarget.plaintext(LOCALHOST, server.port()));
    } finally {
      assertEquals(0, server.stop(), server.output());
    }
  }
}
