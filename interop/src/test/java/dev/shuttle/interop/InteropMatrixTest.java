package dev.shuttle.interop;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The interop matrix: every {@link InteropCase} between Shuttle and grpc-java's official interop
 * programs, both ways, in cleartext and over TLS (gRPC's interop test certificates, as the official
 * runners use them), and between Shuttle's own client and server; each cell is recorded in
 * {@link InteropMatrix}, which is printed after the run. Everything runs in this JVM.
 */
class InteropMatrixTest {
  private static final String LOCALHOST = "127.0.0.1";

  @TempDir static Path certsDir;
  private static GrpcTestCertificates certs;
  private static GrpcJavaInteropPrograms.Server grpcJavaServer;
  private static GrpcJavaInteropPrograms.Server grpcJavaTlsServer;
  private static InteropServer shuttleServer;
  private static InteropServer shuttleTlsServer;

  @BeforeAll
  static void startServers() throws Exception {
    certs = GrpcTestCertificates.copyTo(certsDir);
    grpcJavaServer = GrpcJavaInteropPrograms.startServer(false);
    grpcJavaTlsServer = GrpcJavaInteropPrograms.startServer(true);
    shuttleServer = InteropServer.start(new InetSocketAddress(LOCALHOST, 0), false);
    shuttleTlsServer = InteropServer.start(new InetSocketAddress(LOCALHOST, 0), true);
  }

  @AfterAll
  static void stopServers() throws Exception {
    for (InteropServer server : new InteropServer[] {shuttleServer, shuttleTlsServer}) {
      if (server != null) {
        server.close();
      }
    }
    for (GrpcJavaInteropPrograms.Server server : new GrpcJavaInteropPrograms.Server[] {grpcJavaServer, grpcJavaTlsServer}) {
      if (server != null) {
        server.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(InteropCase.class)
  void shuttleClientAgainstGrpcJavaServer(InteropCase c) throws Exception {
    InteropMatrix.run(
        InteropMatrix.SHUTTLE_TO_GRPC_JAVA, c, () -> againstGrpcJava(InteropPeers.shuttleClient(grpcJavaServer.port(), c)));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(InteropCase.class)
  void grpcJavaClientAgainstShuttleServer(InteropCase c) throws Exception {
    InteropMatrix.run(
        InteropMatrix.GRPC_JAVA_TO_SHUTTLE,
        c,
        () -> GrpcJavaInteropPrograms.runClient(c, InteropTarget.plaintext(LOCALHOST, shuttleServer.port())));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(InteropCase.class)
  void shuttleClientAgainstGrpcJavaServerOverTls(InteropCase c) throws Exception {
    InteropMatrix.run(
        InteropMatrix.SHUTTLE_TO_GRPC_JAVA_TLS,
        c,
        () -> againstGrpcJava(InteropPeers.shuttleClient(grpcJavaTlsServer.port(), c).withTestTls()));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(InteropCase.class)
  void grpcJavaClientAgainstShuttleServerOverTls(InteropCase c) throws Exception {
    InteropMatrix.run(
        InteropMatrix.GRPC_JAVA_TO_SHUTTLE_TLS,
        c,
        () -> GrpcJavaInteropPrograms.runClient(c, InteropTarget.tls(LOCALHOST, shuttleTlsServer.port(), certs)));
  }

  /** Runs Shuttle's client against grpc-java's server, leaving out only what that server cannot do. */
  private static void againstGrpcJava(InteropClient.Settings settings) throws Exception {
    InteropCase c = settings.testCase();
    InteropCases cases = InteropPeers.shuttleCases(settings);
    String cannot = GrpcJavaInteropPrograms.SERVER_CANNOT_SERVE.get(c);
    if (cannot != null) {
      cases.skippingMessageFlagChecks().run(c);
      throw new InteropMatrix.NotSupported(cannot + "; the rest of the case passed");
    }
    cases.run(c);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(InteropCase.class)
  void shuttleClientAgainstShuttleServer(InteropCase c) throws Exception {
    InteropMatrix.run(
        InteropMatrix.SHUTTLE_TO_SHUTTLE,
        c,
        () -> InteropPeers.shuttleCases(InteropPeers.shuttleClient(shuttleServer.port(), c)).run(c));
  }
}
