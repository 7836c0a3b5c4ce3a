package dev.shuttle.interop;

import dev.shuttle.http2.config.TlsClientConfig;
import dev.shuttle.http2.config.TlsServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * gRPC's interop test certificates, which every official interop program uses with
 * {@code --use_tls=true}: {@code server1.pem}/{@code server1.key}, a certificate for
 * {@code *.test.google.fr} (clients override the host name to {@value #SERVER_HOST_OVERRIDE}),
 * and {@code ca.pem}, the test CA that signed it.
 *
 * <p>The build copies them from grpc-java's {@code io.grpc:grpc-testing} artifact, which ships
 * them under {@code certs/}, into this module's jar: the interop programs then need no grpc-java
 * at run time. They are public test material; never trust them for anything else. The TLS
 * configuration reads PEM files, so they are written once per process to a private temporary
 * directory, removed when the JVM exits.
 */
final class InteropCertificates {
  /** The host name clients check server1.pem against, as the official interop clients do. */
  static final String SERVER_HOST_OVERRIDE = "foo.test.google.fr";

  private static final String RESOURCES = "/dev/shuttle/interop/certs/";

  private final Path serverCertificate;
  private final Path serverKey;
  private final Path ca;

  private InteropCertificates(Path dir) {
    this.serverCertificate = dir.resolve("server1.pem");
    this.serverKey = dir.resolve("server1.key");
    this.ca = dir.resolve("ca.pem");
  }

  /** The certificates as files, written on first use. */
  static InteropCertificates files() {
    return Holder.INSTANCE;
  }

  /** TLS for an interop server: server1's certificate and key. */
  TlsServerConfig serverTls() throws IOException {
    return TlsServerConfig.fromPem(serverCertificate, serverKey);
  }

  /** TLS for an interop client trusting the test CA, checking {@code serverName} (null: the host dialled). */
  TlsClientConfig clientTlsTrustingTestCa(String serverName) throws IOException {
    TlsClientConfig.Builder tls = TlsClientConfig.builder().trustPem(ca);
    if (serverName != null) {
      tls.serverName(serverName);
    }
    return tls.build();
  }

  Path ca() {
    return ca;
  }

  private static final class Holder {
    static final InteropCertificates INSTANCE = extract();

    private static InteropCertificates extract() {
      try {
        Path dir = Files.createTempDirectory("shuttle-interop-certs-");
        dir.toFile().deleteOnExit();
        for (String name : new String[] {"server1.pem", "server1.key", "ca.pem"}) {
          Path file = dir.resolve(name);
          try (InputStream in = InteropCertificates.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
              throw new IOException(
                  RESOURCES + name + " is missing from the class path: the build copies it from io.grpc:grpc-testing");
            }
            Files.copy(in, file);
          }
          file.toFile().deleteOnExit();
        }
        return new InteropCertificates(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the interop test certificates: " + e.getMessage(), e);
      }
    }
  }
}
