package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shuttle.http2.TestPki;
import dev.shuttle.http2.config.TlsServerConfig;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server whose certificate files are rotated while it runs. */
class TlsReloadTest {
  @TempDir Path dir;
  Server server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void newConnectionsGetARotatedCertificateAndABadFileKeepsThePreviousOne() throws Exception {
    TlsFixture tls = new TlsFixture(dir);
    Path chain = dir.resolve("live.pem");
    Path key = dir.resolve("live.key");
    install(tls.server, chain, key);
    server = Server.builder().tls(TlsServerConfig.fromPem(chain, key)).service(TlsCallTest.service()).start();
    BigInteger first = serverCertificate(tls).getSerialNumber();

    TestPki.Issued rotated = tls.ca.server("rotated", "localhost", "127.0.0.1");
    install(rotated.writePem(dir, "rotated"), chain, key);
    BigInteger second = awaitServerCertificateOtherThan(tls, first);
    assertEquals(rotated.certificate().getSerialNumber(), second);

    try (TlsFixture.LogCapture log = new TlsFixture.LogCapture(Class.forName("dev.shuttle.http2.config.TlsMaterial"))) {
      // Half a rotation: a new certificate whose key is not there yet.
      TestPki.Issued next = tls.ca.server("next", "localhost", "127.0.0.1");
      Files.writeString(chain, TestPki.certificatesPem(next.chain()), StandardCharsets.US_ASCII);
      LogRecord warning = awaitWarning(tls, log);
      assertTrue(TlsFixture.LogCapture.message(warning).contains("keeping the previous material"), TlsFixture.LogCapture.message(warning));
      assertEquals(null, warning.getThrown());
      assertEquals(second, serverCertificate(tls).getSerialNumber(), "the bad pair must not replace the good one");

      // The rotation completes: the pair matches again and is taken.
      Files.writeString(key, TestPki.privateKeyPem(next.privateKey(), TestPki.KeyFormat.PKCS8), StandardCharsets.US_ASCII);
      assertEquals(next.certificate().getSerialNumber(), awaitServerCertificateOtherThan(tls, second));
    }
  }

  private static void install(TestPki.PemFiles files, Path chain, Path key) throws Exception {
    Files.copy(files.certificateChain(), chain, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(files.privateKey(), key, StandardCopyOption.REPLACE_EXISTING);
  }

  /** New connections, one at a time, until one shows another certificate (checked once a second). */
  private BigInteger awaitServerCertificateOtherThan(TlsFixture tls, BigInteger old) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      BigInteger serial = serverCertificate(tls).getSerialNumber();
      if (!serial.equals(old)) {
        return serial;
      }
      Thread.sleep(100);
    }
    return fail("the server kept its old certificate");
  }

  private LogRecord awaitWarning(TlsFixture tls, TlsFixture.LogCapture log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      serverCertificate(tls); // a new connection makes the server look at its files
      for (LogRecord record : log.records()) {
        if (record.getLevel() == Level.WARNING) {
          return record;
        }
      }
      Thread.sleep(100);
    }
    return fail("no warning about the bad file");
  }

  /** The certificate a new TLS connection (ALPN h2) to the server is shown. */
  private X509Certificate serverCertificate(TlsFixture tls) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", tls.ca.certificate());
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }
}
