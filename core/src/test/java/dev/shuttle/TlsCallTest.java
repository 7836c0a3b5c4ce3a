package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.http2.config.TlsClientConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Calls over TLS between a Shuttle client and a Shuttle server, on the JDK's TLS both sides. */
class TlsCallTest {
  static final MethodDescriptor<byte[], byte[]> BLOB =
      MethodDescriptor.of(MethodType.UNARY, "tls.Test", "Blob", TestMarshallers.BYTES, TestMarshallers.BYTES);
  static final MethodDescriptor<String, String> SESSION =
      MethodDescriptor.of(MethodType.UNARY, "tls.Test", "Session", TestMarshallers.UTF8, TestMarshallers.UTF8);
  static final CallOptions GUARD = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(60));

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

  static ServiceDefinition service() {
    return ServiceDefinition.builder("tls.Test")
        .unary(BLOB, (req, ctx) -> req)
        .unary(SESSION, (req, ctx) ->
            ctx.tlsSession().getProtocol() + " peers=" + ctx.peerCertificates().size())
        .build();
  }

  private Server start(String... protocols) throws Exception {
    var config = tls.serverConfig();
    if (protocols.length > 0) {
      config.protocols(protocols);
    }
    server = Server.builder().tls(config.build()).maxInboundMessageSize(16 << 20).service(service()).start();
    return server;
  }

  private Channel channel(TlsClientConfig config) {
    return Channel.builder("127.0.0.1:" + server.port()).tls(config).maxInboundMessageSize(16 << 20).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void unaryCallsOfEverySizeRoundTripOverEachTlsVersion(String protocol) throws Exception {
    start(protocol);
    try (Channel channel = channel(tls.trustingClient())) {
      assertEquals(protocol + " peers=0", channel.unaryCall(SESSION, "", GUARD));
      for (int size : new int[] {0, 1, 16 * 1024 - 9, 16 * 1024, 64 * 1024, 10 * 1024 * 1024}) {
        byte[] payload = new byte[size];
        new Random(size).nextBytes(payload);
        assertArrayEquals(payload, channel.unaryCall(BLOB, payload, GUARD), "payload of " + size + " bytes");
      }
    }
  }

  @Test
  void concurrentLargeCallsShareOneTlsConnectionBothWays() throws Exception {
    start();
    ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    try (Channel channel = channel(tls.trustingClient())) {
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        int seed = i;
        calls.add(callers.submit(() -> {
          for (int round = 0; round < 4; round++) {
            byte[] payload = new byte[300_000 + seed * 1_111 + round];
            new Random(seed * 31L + round).nextBytes(payload);
            assertArrayEquals(payload, channel.unaryCall(BLOB, payload, GUARD));
          }
          return null;
        }));
      }
      for (Future<?> call : calls) {
        call.get(60, TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aServerCertificateForAnotherHostIsRefusedUnlessTheServerNameSaysSo() throws Exception {
    var other = tls.ca.server("elsewhere", "api.example.test").writePem(dir, "elsewhere");
    server =
        Server.builder()
            .tls(dev.shuttle.http2.config.TlsServerConfig.fromPem(other.certificateChain(), other.privateKey()))
            .service(service())
            .start();

    try (Channel channel = channel(tls.trustingClient())) {
      StatusException e = assertThrows(StatusException.class, () -> channel.unaryCall(SESSION, "", GUARD));
      assertEquals(Status.Code.UNAVAILABLE, e.code());
      assertTrue(e.status().description().contains("127.0.0.1"), e.status().description());
    }
    try (Channel channel = channel(tls.clientConfig().serverName("api.example.test").build())) {
      assertTrue(channel.unaryCall(SESSION, "", GUARD).startsWith("TLSv1.3"));
    }
  }

  @Test
  void keysAndTrustFromKeyStoresServeLikePemFiles() throws Exception {
    var issued = tls.ca.issue("keystore-server", dev.shuttle.http2.TestPki.KeyType.RSA, true, "127.0.0.1");
    char[] password = "changeit".toCharArray();
    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", issued.privateKey(), password, issued.chain().toArray(java.security.cert.Certificate[]::new));
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", tls.ca.certificate());
    server =
        Server.builder()
            .tls(dev.shuttle.http2.config.TlsServerConfig.builder().keyStore(keys, password).build())
            .service(service())
            .start();

    try (Channel channel = channel(TlsClientConfig.builder().trustStore(trust).build())) {
      assertTrue(channel.unaryCall(SESSION, "", GUARD).startsWith("TLSv1.3"));
    }
  }

  @Test
  void aServerCertificateFromAnUntrustedCaIsRefused() throws Exception {
    start();
    Path otherCa = dev.shuttle.http2.TestPki.newCa("other-ca").writePem(dir, "other-ca");

    try (Channel channel = channel(TlsClientConfig.trusting(otherCa))) {
      StatusException e = assertThrows(StatusException.class, () -> channel.unaryCall(SESSION, "", GUARD));
      assertEquals(Status.Code.UNAVAILABLE, e.code());
      assertTrue(e.status().description().contains("TLS") || e.status().description().contains("PKIX"), e.status().description());
    }
  }
}
