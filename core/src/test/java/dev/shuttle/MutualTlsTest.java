package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.http2.TestPki;
import dev.shuttle.http2.config.TlsClientConfig;
import dev.shuttle.http2.config.TlsServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client certificates: required or optional, from the trusted CA or another, seen by handlers. */
class MutualTlsTest {
  static final MethodDescriptor<String, String> WHO =
      MethodDescriptor.of(MethodType.UNARY, "tls.Mutual", "Who", TestMarshallers.UTF8, TestMarshallers.UTF8);
  static final CallOptions GUARD = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30));

  @TempDir Path dir;
  TlsFixture tls;
  Server server;

  @BeforeEach
  void makeCertificates() {
    tls = new TlsFixture(dir);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutdownNow();
    }
  }

  private void start(TlsServerConfig.ClientAuth clientAuth, String protocol) throws Exception {
    TlsServerConfig config = tls.serverConfig().trustPem(tls.caPem).clientAuth(clientAuth).protocols(protocol).build();
    server =
        Server.builder()
            .tls(config)
            .service(
                ServiceDefinition.builder("tls.Mutual")
                    .unary(WHO, (req, ctx) -> ctx.peerCertificates().isEmpty()
                        ? "anonymous"
                        : ctx.peerCertificates().get(0).getSubjectX500Principal().getName()
                            + " issued by " + ctx.peerCertificates().get(0).getIssuerX500Principal().getName()
                            + ", chain of " + ctx.peerCertificates().size())
                    .build())
            .start();
  }

  private String call(TlsClientConfig config) {
    try (Channel channel = Channel.tls("127.0.0.1:" + server.port(), config)) {
      return channel.unaryCall(WHO, "", GUARD);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aRequiredClientCertificateFromTheTrustedCaReachesTheHandler(String protocol) throws Exception {
    start(TlsServerConfig.ClientAuth.REQUIRE, protocol);

    String who = call(tls.clientConfig().keyPem(tls.client.certificateChain(), tls.client.privateKey()).build());

    assertEquals("CN=shuttle-test-client issued by CN=shuttle-test-ca, chain of 2", who);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aClientCertificateSignedByAnotherCaIsRefused(String protocol) throws Exception {
    start(TlsServerConfig.ClientAuth.REQUIRE, protocol);
    TestPki.PemFiles stranger = TestPki.newCa("another-ca").client("stranger").writePem(dir, "stranger");
    TlsClientConfig config = tls.clientConfig().keyPem(stranger.certificateChain(), stranger.privateKey()).build();

    try (TlsFixture.LogCapture log = new TlsFixture.LogCapture(serverLogSource())) {
      StatusException e = assertThrows(StatusException.class, () -> call(config));

      assertEquals(Status.Code.UNAVAILABLE, e.code(), e.status().toString());
      // TLS 1.3 refuses the certificate just after the client's handshake is done, TLS 1.2
      // within it; the client learns the server's alert either way.
      assertTrue(e.status().description().contains("alert"), e.status().description());
      // Under TLS 1.3 the client's handshake is done before the server refuses, so the call
      // may try again on new connections (each refused, each logged once).
      assertEachLoggedAsOneLineWithoutStackTrace(log, "TLS handshake with");
    }
  }

  @Test
  void aClientWithoutACertificateIsRefusedWhenOneIsRequired() throws Exception {
    start(TlsServerConfig.ClientAuth.REQUIRE, "TLSv1.3");

    StatusException e = assertThrows(StatusException.class, () -> call(tls.trustingClient()));

    assertEquals(Status.Code.UNAVAILABLE, e.code(), e.status().toString());
  }

  @Test
  void anOptionalClientCertificateIsSeenWhenShownAndAbsentOtherwise() throws Exception {
    start(TlsServerConfig.ClientAuth.OPTIONAL, "TLSv1.3");

    assertEquals("anonymous", call(tls.trustingClient()));
    assertTrue(call(tls.clientConfig().keyPem(tls.client.certificateChain(), tls.client.privateKey()).build())
        .startsWith("CN=shuttle-test-client"));
  }

  @Test
  void clientAuthenticationWithoutTrustedCasIsAConfigurationError() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> tls.serverConfig().clientAuth(TlsServerConfig.ClientAuth.REQUIRE).build());
    assertTrue(e.getMessage().contains("trustPem"), e.getMessage());
  }

  static Class<?> serverLogSource() throws ClassNotFoundException {
    return Class.forName("dev.shuttle.http2.TlsSocket");
  }

  static void assertEachLoggedAsOneLineWithoutStackTrace(TlsFixture.LogCapture log, String prefix) throws InterruptedException {
    for (int i = 0; i < 200 && log.records().isEmpty(); i++) {
      Thread.sleep(25);
    }
    var records = log.records();
    assertTrue(!records.isEmpty(), "the server logged nothing");
    for (var record : records) {
      String message = TlsFixture.LogCapture.message(record);
      assertTrue(message.startsWith(prefix) && !message.contains("\n"), message);
      assertEquals(null, record.getThrown(), "a peer's mistake is logged without a stack trace");
    }
  }

  /** The server logged the failure once, as one line and without a stack trace. */
  static void assertOneLineWithoutStackTrace(TlsFixture.LogCapture log, String prefix) throws InterruptedException {
    // The server logs when its side of the handshake ends, which may be just after the client's.
    for (int i = 0; i < 200 && log.records().isEmpty(); i++) {
      Thread.sleep(25);
    }
    var records = log.records();
    assertEquals(1, records.size(), () -> records.stream().map(TlsFixture.LogCapture::message).toList().toString());
    String message = TlsFixture.LogCapture.message(records.get(0));
    assertTrue(message.startsWith(prefix) && !message.contains("\n"), message);
    assertEquals(null, records.get(0).getThrown(), "a peer's mistake is logged without a stack trace");
  }
}
