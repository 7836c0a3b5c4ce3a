package io.grpc.testing.integration;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * grpc-java's official interop programs, {@link TestServiceServer} and {@link TestServiceClient}
 * from io.grpc:grpc-interop-testing, run in this JVM with the flags their command lines take. In
 * their package because starting the server on port 0 and reading the port it got uses methods
 * grpc-java keeps package-private for its own tests.
 */
public final class GrpcJavaInteropPrograms {
  /** Held, so that the level set here stays: the soak cases log every iteration at INFO. */
  private static final Logger SOAK_LOG = Logger.getLogger(SoakClient.class.getName());

  static {
    SOAK_LOG.setLevel(Level.WARNING);
  }

  private GrpcJavaInteropPrograms() {}

  /** grpc-java's interop server, serving until closed. */
  public static final class Server implements AutoCloseable {
    private final TestServiceServer server;

    private Server(TestServiceServer server) {
      this.server = server;
    }

    public int port() {
      return server.getPort();
    }

    /** Ends every call and waits (at most 5 s, grpc-java's own bound) for the server to stop. */
    @Override
    public void close() throws Exception {
      server.stop();
    }
  }

  /**
   * Starts {@code TestServiceServer --port=0 --use_tls=...}: every interface, a free port, and
   * with TLS the interop test certificate server1.pem.
   */
  public static Server startServer(boolean useTls) throws Exception {
    TestServiceServer server = new TestServiceServer();
    server.parseArgs(new String[] {"--port=0", "--use_tls=" + useTls});
    server.start();
    return new Server(server);
  }

  /**
   * Runs {@code TestServiceClient} with these flags: returns when its case passed, throws what it
   * threw when it failed (an {@link AssertionError} or a gRPC status exception). Not concurrently:
   * the client registers its ORCA load-balancing policy in a process-wide registry.
   */
  public static synchronized void runClient(String... flags) throws Exception {
    // It prints "Running test ..." and "Test completed." to stdout; a failure is what it throws.
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      TestServiceClient.main(flags);
    } finally {
      System.setOut(stdout);
    }
  }
}
