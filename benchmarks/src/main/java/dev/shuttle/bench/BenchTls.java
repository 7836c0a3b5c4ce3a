package dev.shuttle.bench;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

/**
 * TLS for the benchmarks: a throw-away self-signed certificate for 127.0.0.1, and the names of
 * the TLS implementations each stack runs on, for the tables.
 *
 * <p>The certificate comes from the JDK's own {@code keytool}, so a benchmark needs nothing the
 * JDK does not bring; the key is written as PKCS#8 PEM, which both Shuttle and grpc-java read.
 *
 * <pre>{@code
 * try (BenchTls.SelfSigned cert = BenchTls.selfSigned()) {
 *   startServer("--tls-cert=" + cert.certificate(), "--tls-key=" + cert.privateKey());
 * }
 * }</pre>
 */
final class BenchTls {
  private BenchTls() {}

  /** A certificate and its key as PEM files in a directory of their own, deleted on close. */
  record SelfSigned(Path dir, Path certificate, Path privateKey) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static final char[] STORE_PASSWORD = "bench-only".toCharArray();

  /**
   * Makes an EC P-256 certificate for {@code 127.0.0.1} and {@code localhost}, valid for two days:
   * the key type servers are usually given today, and one whose handshake costs little next to a
   * benchmark's long-lived connections.
   */
  static SelfSigned selfSigned() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("bench-tls");
    Path store = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", "server",
        "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD)));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("keytool could not make a certificate: " + output.strip());
    }
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, STORE_PASSWORD);
      Key key = keys.getKey("server", STORE_PASSWORD);
      Certificate certificate = keys.getCertificate("server");
      Path certFile = dir.resolve("server.pem");
      Path keyFile = dir.resolve("server.key");
      Files.writeString(certFile, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
      // getEncoded() of a private key is its PKCS#8 form.
      Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
      Files.delete(store);
      return new SelfSigned(dir, certFile, keyFile);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the certificate keytool made: " + e.getMessage(), e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** What Shuttle's TLS runs on: the JDK's SSLEngine, from the default provider. */
  static String jdkProvider() {
    try {
      return "JDK " + SSLContext.getDefault().getProvider().getName() + " (Java " + Runtime.version().feature() + ")";
    } catch (GeneralSecurityException e) {
      return "JDK";
    }
  }

  /**
   * grpc-java's server context built as {@code NettyServerBuilder.useTransportSecurity} builds
   * it, with grpc-java's default provider: the BoringSSL inside grpc-netty-shaded when it loads
   * here, else the JDK's.
   */
  static SslContext grpcServerContext(Path certificate, Path privateKey) throws IOException {
    return GrpcSslContexts.forServer(certificate.toFile(), privateKey.toFile()).build();
  }

  /** A grpc-java client context trusting {@code certificate}, with grpc-java's default provider. */
  static SslContext grpcClientContext(Path certificate) throws IOException {
    return GrpcSslContexts.forClient().trustManager(certificate.toFile()).build();
  }

  /** The provider a grpc-java context runs on, in words. */
  static String grpcProvider(SslContext context) {
    return context.getClass().getSimpleName().contains("OpenSsl")
        ? "OpenSSL provider (" + OpenSsl.versionString() + ", netty-tcnative)"
        : jdkProvider();
  }

  /** "TLSv1.3 TLS_AES_128_GCM_SHA256": what a connection negotiated. */
  static String describe(SSLSession session) {
    return session.getProtocol() + " " + session.getCipherSuite();
  }
}
