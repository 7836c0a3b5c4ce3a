package dev.shuttle.examples.seed;

import dev.shuttle.Server;
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
 * seed does. Exit status 1 means it could not listen, 64 bad arguments.
 */
public final class SeedServer {
  private SeedServer() {}

  public static void main(String[] args) throws InterruptedException {
    HostPort address;
    try {
      address = HostPort.fromArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println("usage: SeedServer [HOST:PORT]: " + e.getMessage());
      System.exit(64);
      return;
    }
    Server server;
    try {
      server = Server.builder().listen(address.host(), address.port()).service(new Work()).start();
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
