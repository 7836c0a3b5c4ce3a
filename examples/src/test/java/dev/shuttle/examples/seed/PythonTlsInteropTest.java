package dev.shuttle.examples.seed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.CallOptions;
import dev.shuttle.Channel;
import dev.shuttle.Marshaller;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.Server;
import dev.shuttle.ServiceDefinition;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.http2.TestPki;
import dev.shuttle.http2.config.TlsClientConfig;
import dev.shuttle.http2.config.TlsServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python grpcio (Debian's, BoringSSL inside) against Shuttle over TLS, both ways, with grpc-java's
 * interop certificates: the seed's GetRandom, and a raw-bytes echo for 0 B, 64 KiB and 10 MiB
 * both ways (src/test/python/tls_peer.py). Client certificates: from the CA accepted, from a CA
 * of the test's own refused.
 */
class PythonTlsInteropTest {
  static final int LIMIT = 16 * 1024 * 1024;
  static final int[] SIZES = {0, 64 * 1024, 10 * 1024 * 1024};
  static final Marshaller<byte[]> BYTES =
      new Marshaller<>() {
        @Override
        public byte[] serialize(byte[] message) {
          return message;
        }

        @Override
        public byte[] parse(byte[] bytes, int offset, int length) {
          return Arrays.copyOfRange(bytes, offset, offset + length);
        }
      };
  static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.of(MethodType.UNARY, "shuttle.interop.test.PayloadEcho", "Echo", BYTES, BYTES);
  static final CallOptions GUARD = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(60));

  @TempDir static Path work;
  private static SeedPython python;
  private static TestPki.PemFiles stranger;

  private Process process;
  private Server server;

  @BeforeAll
  static void prepare() throws Exception {
    python = SeedPython.in(work).withTls();
    stranger = TestPki.newCa("not-the-grpc-test-ca").client("stranger").writePem(work, "stranger");
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  private static Path file(String name) {
    return work.resolve(name);
  }

  private Server javaServer(TlsServerConfig tls, PrintStream printed) throws IOException {
    server =
        Server.builder()
            .listen("127.0.0.1", 0)
            .tls(tls)
            .maxInboundMessageSize(LIMIT)
            .service(new Work(printed))
            .service(ServiceDefinition.builder("shuttle.interop.test.PayloadEcho").unary(ECHO, (req, ctx) -> req).build())
            .start();
    return server;
  }

  private static SeedPython.Run pythonClient(int port, String... extra) throws Exception {
    return python.runTlsClient(port, extra);
  }

  private Process pythonServer(int port, String... clientCa) throws Exception {
    process = python.startTlsServer(port, work.resolve("python-tls-server-" + port + ".log"), clientCa);
    return process;
  }

  private static TlsClientConfig.Builder javaClientTls() {
    return TlsClientConfig.builder().trustPem(file("ca.pem")).serverName(SeedPython.TLS_SERVER_NAME);
  }

  private static void assertEchoes(Channel channel) {
    for (int size : SIZES) {
      byte[] payload = new byte[size];
      new Random(size).nextBytes(payload);
      assertArrayEquals(payload, channel.unaryCall(ECHO, payload, GUARD), "echo of " + size + " bytes");
    }
  }

  @Test
  void pythonClientCallsTheJavaSeedServerOverTls() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    javaServer(
        TlsServerConfig.fromPem(file("server1.pem"), file("server1.key")),
        new PrintStream(printed, true, StandardCharsets.UTF_8));

    SeedPython.Run run = pythonClient(server.port(), "0", "65536", "10485760");

    assertEquals(0, run.exitCode(), run.output() + run.errors());
    assertTrue(run.output().contains("echo ok 0\necho ok 65536\necho ok 10485760"), run.output());
    String random = run.output().lines().filter(line -> line.matches("\\d+")).findFirst().orElseThrow();
    assertTrue(Integer.parseInt(random) >= 10 && Integer.parseInt(random) <= 20, run.output());
    assertEquals("id: \"123\"\n\n123\n", printed.toString(StandardCharsets.UTF_8));
  }

  @Test
  void javaClientCallsThePythonServerOverTls() throws Exception {
    int port = SeedPython.freePort();
    pythonServer(port);

    try (Channel channel = Channel.tls("127.0.0.1:" + port, javaClientTls().build());
        Channel large = Channel.builder("127.0.0.1:" + port).tls(javaClientTls().build()).maxInboundMessageSize(LIMIT).build()) {
      assertEquals(15, TestServerClient.of(channel).getRandom(Request.newBuilder().setId("123").build()).getRandom());
      assertEchoes(large);
    }
  }

  @Test
  void pythonClientCertificateFromTheCaIsAcceptedAndOneFromAnotherCaRefused() throws Exception {
    javaServer(
        TlsServerConfig.builder()
            .keyPem(file("server1.pem"), file("server1.key"))
            .trustPem(file("ca.pem"))
            .clientAuth(TlsServerConfig.ClientAuth.REQUIRE)
            .build(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    SeedPython.Run accepted = pythonClient(server.port(), "client.pem", "client.key", "65536");
    assertEquals(0, accepted.exitCode(), accepted.output() + accepted.errors());
    assertTrue(accepted.output().contains("echo ok 65536"), accepted.output());

    SeedPython.Run refused = pythonClient(server.port(), "stranger.pem", "stranger.key");
    assertNotEquals(0, refused.exitCode(), refused.output());
    assertTrue(refused.errors().contains("UNAVAILABLE"), refused.errors());
  }

  @Test
  void pythonServerAcceptsAJavaClientCertificateFromTheCaAndRefusesOneFromAnotherCa() throws Exception {
    int port = SeedPython.freePort();
    pythonServer(port, "ca.pem");

    try (Channel channel = Channel.tls("127.0.0.1:" + port, javaClientTls().keyPem(file("client.pem"), file("client.key")).build())) {
      assertEquals(15, TestServerClient.of(channel).getRandom(Request.newBuilder().setId("123").build()).getRandom());
    }
    try (Channel channel =
        Channel.tls("127.0.0.1:" + port, javaClientTls().keyPem(stranger.certificateChain(), stranger.privateKey()).build())) {
      StatusException e =
          assertThrows(StatusException.class, () -> TestServerClient.of(channel).getRandom(Request.newBuilder().setId("123").build()));
      assertEquals(Status.Code.UNAVAILABLE, e.code(), e.status().toString());
    }
  }

  @Test
  void theSeedsCleartextPythonClientOnATlsPortFailsFastWithUnavailable() throws Exception {
    javaServer(
        TlsServerConfig.fromPem(file("server1.pem"), file("server1.key")),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    SeedPython.Run run = python.runClient("127.0.0.1:" + server.port());

    assertNotEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("UNAVAILABLE"), run.output());
  }
}
