package dev.shuttle.interop;

import io.grpc.testing.integration.GrpcJavaInteropPrograms;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The interop matrix: every {@link InteropCase} between Shuttle and grpc-java's official interop
 * programs, both ways, in cleartext and over TLS (gRPC's interop test certificates, as the official
 * runners use them), and between Shuttle's own client and server; each cell is recorded in
 * {@link InteropMatrix}, which is printed after the run. Everything runs in this JVM.
 */
class InteropMatrixTest {
  /**
   * The cases our client cannot pass against grpc-java's TestServiceServer as the spec words
   * them, and why: its service never looks at {@code expect_compressed} (grpc-java's API does not
   * show a handler whether a request arrived compressed), so it accepts the probe these cases need
   * refused; and it ignores {@code ResponseParameters.compressed}. grpc/grpc's run_interop_tests.py
   * leaves the compression cases out for Java servers. The rest of each case still runs, and its
   * cell fails if that fails.
   */
  private static final Map<InteropCase, String> GRPC_JAVA_SERVER_CANNOT =
      Map.of(
          InteropCase.CLIENT_COMPRESSED_UNARY, probeNotChecked(),
          InteropCase.CLIENT_COMPRESSED_STREAMING, probeNotChecked(),
          InteropCase.SERVER_COMPRESSED_STREAMING,
          "grpc-java's TestServiceServer ignores ResponseParameters.compressed and sends every streaming response "
              + "uncompressed; the responses passed, their compressed flags unchecked");

  private static String probeNotChecked() {
    return "grpc-java's TestServiceServer never checks expect_compressed (grpc-java shows a handler no request's "
        + "compressed flag), so it accepts the probe the case needs refused; the compressed and uncompressed calls passed";
  }

  private static GrpcJavaInteropPrograms.Server grpcJavaServer;
  private static GrpcJavaInteropPrograms.Server grpcJavaTlsServer;
  private static InteropServer shuttleServer;
  private static InteropServer shuttleTlsServer;

  @BeforeAll
  static void startServers() throws Exception {
    grpcJavaServer = GrpcJavaInteropPrograms.startServer(false);
    grpcJavaTlsServer = GrpcJavaInteropPrograms.startServer(true);
    shuttleServer = InteropServer.start(new InetSocketAddress("127.0.0.1", 0), false);
    shuttleTlsServer = InteropServer.start(new InetSocketAddress("127.0.0.1", 0), true);
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
        () -> GrpcJavaInteropPrograms.runClient(InteropPeers.grpcJavaClientFlags(shuttleServer.port(), c, false)));
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
        () -> GrpcJavaInteropPrograms.runClient(InteropPeers.grpcJavaClientFlags(shuttleTlsServer.port(), c, true)));
  }

  /** Runs Shuttle's client against grpc-java's server, leaving out only what that server cannot do. */
  private static void againstGrpcJava(InteropClient.Settings settings) throws Exception {
    InteropCase c = settings.testCase();
    InteropCases cases = InteropPeers.shuttleCases(settings);
    String cannot = GRPC_JAVA_SERVER_CANNOT.get(c);
    if (cannot != null) {
      cases.skippingMessageFlagChecks().run(c);
      throw new InteropMatrix.NotSupported(cannot);
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
