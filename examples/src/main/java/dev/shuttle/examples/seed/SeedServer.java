package dev.shuttle.examples.seed;

import dev.shuttle.Server;
import dev.shuttle.http2.config.TlsServerConfig;
import dev.shuttle.services.health.HealthStatusManager;
import dev.shuttle.services.reflection.ReflectionService;
import java.io.IOException;
import sun.misc.Signal;

/**
 * The seed's server in Java: serves {@code TestServer} on {@code HOST:PORT} (default {@code
 * 127.0.0.1:8888}) until SIGTERM, then shuts down gracefully and exits 0.
 *
 * <pre>
 * java -cp examples/target/shuttle-examples-0.1.0-SNAPSHOT.jar:examples/target/lib/* \
 *     dev.shuttle.examples.seed.SeedServer 127.0.0.1:8888
 * </pre>
 *
 * <p>Prints {@code listening on HOST:PORT} once it accepts calls, then each request as the Python
 * seed does. With {@code --tls-cert} and {@code --tls-key} it serves TLS only, and with {@code
 * --tls-ca} as well it requires client certificates signed by those CAs. Exit status 0 after
 * SIGTERM or {@code --help}, 1 when it could not listen or load its TLS files, 64 bad arguments.
 */
public final class SeedServer {
  static final String USAGE =
      """
      usage: seed-server [HOST:PORT] [--tls-cert FILE --tls-key FILE [--tls-ca FILE]]

      Serves the seed's TestServer (GetRandom answers 10..20) on HOST:PORT, default 127.0.0.1:8888,
      until SIGTERM. Prints "listening on HOST:PORT" once it accepts calls.

        --tls-cert FILE  serve TLS only (ALPN h2), with this PEM certificate chain (leaf first)
        --tls-key FILE   the PEM private key of --tls-cert (PKCS#8, RSA or EC, not encrypted)
        --tls-ca FILE    require client certificates signed by the CAs in this PEM file (mTLS)
        -h, --help       print this and exit

      Rotated certificate files are picked up by new connections, without a restart.
      Exit status: 0 after SIGTERM, 1 if it cannot listen or load its TLS files, 64 bad arguments.
      """;

  private SeedServer() {}

  public static void main(String[] args) throws InterruptedException {
    SeedOptions options;
    try {
      options = SeedOptions.parse(args, false);
    } catch (IllegalArgumentException e) {
      System.err.println("seed-server: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(64);
      return;
    }
    if (options.help()) {
      System.out.print(USAGE);
      System.out.flush();
      return;
    }
    HostPort address = options.address();
    TlsServerConfig tls;
    try {
      tls = options.serverTls();
    } catch (IOException | RuntimeException e) {
      System.err.println("cannot load the TLS certificate and key: " + e.getMessage());
      System.exit(1);
      return;
    }
    Server server;
    try {
      Server.Builder builder = Server.builder().listen(address.host(), address.port()).service(new Work());
      new HealthStatusManager().addTo(builder); // grpc.health.v1: SERVING, NOT_SERVING once stopping
      builder.service(ReflectionService.v1()).service(ReflectionService.v1alpha()); // grpcurl list, describe
      if (tls != null) {
        builder.tls(tls);
      }
      server = builder.start();
    } catch (IOException e) {
      System.err.println("cannot listen on " + address.target() + ": " + e.getMessage());
      System.exit(1);
      return;
    }
    // Replacing the JVM's own TERM handling (run shutdown hooks, exit 143) lets in-flight calls
    // finish and main return normally, so the exit status is 0.
    Signal.handle(new Signal("TERM"), signal -> server.shutdown());
    System.out.println("listening on " + new HostPort(address.host(), server.port()).target());
    System.out.flush();
    server.awaitTermination();
  }
}
