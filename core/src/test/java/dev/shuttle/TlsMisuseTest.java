package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that get TLS wrong: cleartext on a TLS port and TLS on a cleartext port, clients that do
 * not offer ALPN h2, clients that say nothing. Each fails fast and clearly, and the server goes
 * on serving others.
 */
class TlsMisuseTest {
  static final CallOptions GUARD = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30));

  @TempDir Path dir;
  TlsFixture tls;
  Server server;

  @BeforeEach
  void start() throws Exception {
    tls = new TlsFixture(dir);
    server = Server.builder().tls(tls.serverConfig().handshakeTimeout(Duration.ofSeconds(2)).build()).service(TlsCallTest.service()).start();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  private void assertServesATlsClient() throws Exception {
    try (Channel channel = Channel.tls("127.0.0.1:" + server.port(), tls.trustingClient())) {
      assertTrue(channel.unaryCall(TlsCallTest.SESSION, "", GUARD).startsWith("TLSv1.3"));
    }
  }

  @Test
  void aCleartextClientOnTheTlsPortIsToldTlsIsRequired() throws Exception {
    try (TlsFixture.LogCapture log = new TlsFixture.LogCapture(MutualTlsTest.serverLogSource());
        Channel channel = Channel.plaintext("127.0.0.1:" + server.port())) {
      StatusException e = assertThrows(StatusException.class, () -> channel.unaryCall(TlsCallTest.SESSION, "", GUARD));

      assertEquals(Status.Code.UNAVAILABLE, e.code(), e.status().toString());
      assertTrue(e.status().description().contains("requires TLS"), e.status().description());
      assertTrue(log.records().size() >= 1);
    }
    assertServesATlsClient();
  }

  @Test
  void aTlsClientOnACleartextPortFailsWithAClearMessage() throws Exception {
    try (Server cleartext = Server.builder().service(TlsCallTest.service()).start();
        Channel channel = Channel.tls("127.0.0.1:" + cleartext.port(), tls.trustingClient())) {
      StatusException e = assertThrows(StatusException.class, () -> channel.unaryCall(TlsCallTest.SESSION, "", GUARD));

      assertEquals(Status.Code.UNAVAILABLE, e.code(), e.status().toString());
      assertTrue(e.status().description().contains("did not answer with TLS"), e.status().description());
    }
  }

  @Test
  void aClientThatOffersNoAlpnIsRefusedWithNoApplicationProtocol() throws Exception {
    try (TlsFixture.LogCapture log = new TlsFixture.LogCapture(MutualTlsTest.serverLogSource())) {
      SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> handshakeOffering());

      assertTrue(e.getMessage().contains("no_application_protocol"), e.getMessage());
      MutualTlsTest.assertOneLineWithoutStackTrace(log, "TLS handshake with");
      assertTrue(TlsFixture.LogCapture.message(log.records().get(0)).contains("ALPN h2"));
    }
    assertServesATlsClient();
  }

  @Test
  void aClientThatOffersOnlyHttp11IsRefusedWithNoApplicationProtocol() throws Exception {
    try (TlsFixture.LogCapture log = new TlsFixture.LogCapture(MutualTlsTest.serverLogSource())) {
      SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> handshakeOffering("http/1.1"));

      assertTrue(e.getMessage().contains("no_application_protocol"), e.getMessage());
      MutualTlsTest.assertOneLineWithoutStackTrace(log, "TLS handshake with");
    }
  }

  @Test
  void aSilentClientDoesNotKeepTheServerFromServingOthersAndIsDroppedAtTheHandshakeTimeout() throws Exception {
    try (Socket silent = new Socket()) {
      silent.connect(new InetSocketAddress("127.0.0.1", server.port()));

      assertServesATlsClient();

      silent.setSoTimeout(30_000); // a guard only: the server's 2 s handshake timeout ends it first
      assertEquals(-1, silent.getInputStream().read(), "the server closes a connection that never handshakes");
    }
  }

  @Test
  void aClientSpeakingSomethingElseIsClosedAtItsFirstBytes() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
      socket.setSoTimeout(30_000); // a guard only
      OutputStream out = socket.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      int read;
      try {
        read = in.read();
      } catch (java.net.SocketException reset) {
        read = -1;
      }
      assertEquals(-1, read);
    }
    assertServesATlsClient();
  }

  @Test
  void aTls12RenegotiationEndsTheConnection() throws Exception {
    try (TlsFixture.LogCapture log = new TlsFixture.LogCapture(MutualTlsTest.serverLogSource());
        SSLSocket socket = jdkClient("TLSv1.2", "h2")) {
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // empty SETTINGS
      out.flush();

      socket.startHandshake(); // TLS 1.2: a renegotiation, after the preface

      InputStream in = socket.getInputStream();
      byte[] buf = new byte[1024];
      boolean ended = false;
      try {
        while (in.read(buf) >= 0) {
          // the server's SETTINGS and its answer to ours, then the end
        }
        ended = true;
      } catch (java.io.IOException closed) {
        ended = true;
      }
      assertTrue(ended);
      MutualTlsTest.assertOneLineWithoutStackTrace(log, "TLS connection with");
      assertTrue(TlsFixture.LogCapture.message(log.records().get(0)).contains("renegotiation"));
    }
    assertServesATlsClient();
  }

  /** A JDK TLS client that trusts our CA and offers these ALPN protocols (none: no extension). */
  private void handshakeOffering(String... protocols) throws Exception {
    try (SSLSocket socket = jdkClient(null, protocols)) {
      socket.startHandshake();
    }
  }

  /** A JDK TLS client socket, connected, not yet handshaken; {@code protocol} null for the defaults. */
  private SSLSocket jdkClient(String protocol, String... alpn) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", tls.ca.certificate());
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port());
    socket.setSoTimeout(30_000); // a guard only
    SSLParameters parameters = socket.getSSLParameters();
    if (alpn.length > 0) {
      parameters.setApplicationProtocols(alpn);
    }
    if (protocol != null) {
      parameters.setProtocols(new String[] {protocol});
    }
    socket.setSSLParameters(parameters);
    return socket;
  }
}
