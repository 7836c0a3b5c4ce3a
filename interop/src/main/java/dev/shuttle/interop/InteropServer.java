package dev.shuttle.interop;

import dev.shuttle.Server;
import dev.shuttle.services.health.HealthStatusManager;
import dev.shuttle.services.reflection.ReflectionService;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import sun.misc.Signal;

/**
 * gRPC's interop server on Shuttle, with the command line of the official ones: serves {@code
 * grpc.testing.TestService} ({@link InteropTestService}), {@code grpc.testing.UnimplementedService}
 * and ORCA's {@code xds.service.orca.v3.OpenRcaService} on {@code --port}, in cleartext or, with
 * {@code --use_tls=true}, over TLS with gRPC's interop test certificate.
 *
 * <pre>
 * bin/interop-server --port=50051 [--use_tls=true]
 * </pre>
 *
 * <p>Prints a line containing {@code listening} once it accepts calls; SIGTERM stops it gracefully
 * (calls still running get {@value #GRACE_SECONDS} seconds) and it exits 0. Exit status 1 when it
 * cannot listen, 2 for a usage error. In a test, {@link #start} runs one in-process.
 */
public final class InteropServer implements AutoCloseable {
  /** Requests up to this size are accepted: very_large_request sends 10 MiB, as grpc-java's server allows. */
  static final int MAX_INBOUND_MESSAGE_SIZE = 16 * 1024 * 1024;

  static final long GRACE_SECONDS = 5;

  private static final Set<String> FLAGS = Set.of("port", "use_tls", "host");

  static final String USAGE =
      """
      usage: interop-server --port=PORT [--use_tls=true|false] [--host=ADDRESS]

      gRPC's interop server on Shuttle: grpc.testing.TestService (every server feature of
      doc/interop-test-descriptions.md), grpc.testing.UnimplementedService and ORCA's
      xds.service.orca.v3.OpenRcaService. Prints a line containing "listening" once it accepts
      calls; SIGTERM stops it (calls in progress get 5 seconds) with exit status 0.

        --port=PORT           the port to listen on; 0 picks a free one (the listening line says which)
        --use_tls=true|false  TLS with gRPC's interop test certificate, server1.pem for
                              *.test.google.fr (clients: --use_test_ca=true
                              --server_host_override=foo.test.google.fr); default false
        --host=ADDRESS        the address to listen on; default all interfaces, as the official
                              interop servers do (--host=127.0.0.1 for this machine only)
        -h, --help            print this and exit

      Exit status: 0 after SIGTERM or --help, 1 if it cannot listen, 2 for a usage error.
      """;

  private final Server server;
  private final boolean tls;

  private InteropServer(Server server, boolean tls) {
    this.server = server;
    this.tls = tls;
  }

  /**
   * Starts a server on {@code address} (port 0: a free one), over TLS with the interop test
   * certificate when {@code useTls}.
   */
  static InteropServer start(InetSocketAddress address, boolean useTls) throws IOException {
    return start(address, useTls, OrcaService.DEFAULT_MIN_INTERVAL);
  }

  /** As {@link #start(InetSocketAddress, boolean)}, with ORCA reports no closer than {@code orcaMinInterval}. */
  static InteropServer start(InetSocketAddress address, boolean useTls, Duration orcaMinInterval) throws IOException {
    BackendMetrics metrics = new BackendMetrics();
    // One id per server: pick_first_unary checks that every call reached the same one.
    String serverId = "shuttle-interop-" + UUID.randomUUID();
    Server.Builder builder =
        Server.builder()
            .listen(address)
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_SIZE)
            .service(new InteropTestService(serverId, metrics))
            .service(new InteropUnimplementedService())
            .service(new OrcaService(metrics, orcaMinInterval))
            .service(ReflectionService.v1())
            .service(ReflectionService.v1alpha());
    new HealthStatusManager().addTo(builder); // grpc.health.v1: SERVING, NOT_SERVING once stopping
    if (useTls) {
      builder.tls(InteropCertificates.files().serverTls());
    }
    return new InteropServer(builder.start(), useTls);
  }

  int port() {
    return server.port();
  }

  InetSocketAddress address() {
    return server.address();
  }

  boolean usesTls() {
    return tls;
  }

  /** Stops taking calls, gives those in progress {@value #GRACE_SECONDS} seconds, then ends the rest. */
  void stop() throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(Duration.ofSeconds(GRACE_SECONDS))) {
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(GRACE_SECONDS));
    }
  }

  void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  public static void main(String[] args) throws InterruptedException {
    System.exit(run(args, System.out, System.err));
  }

  /** The program: returns its exit status once the server has stopped (or could not start). */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    InetSocketAddress address;
    boolean useTls;
    try {
      InteropFlags flags = InteropFlags.parse(args, FLAGS);
      if (flags.help()) {
        out.print(USAGE);
        out.flush();
        return 0;
      }
      if (!flags.has("port")) {
        throw new InteropFlags.UsageException("--port is required");
      }
      int port = flags.integer("port", 0);
      if (port < 0 || port > 65535) {
        throw new InteropFlags.UsageException("--port must be 0..65535, got " + port);
      }
      useTls = flags.bool("use_tls", false);
      String host = flags.string("host", null);
      address = host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
      if (address.isUnresolved()) {
        throw new InteropFlags.UsageException("--host " + host + " does not resolve");
      }
    } catch (InteropFlags.UsageException e) {
      err.println("interop-server: " + e.getMessage());
      err.print(USAGE);
      err.flush();
      return 2;
    }
    InteropServer server;
    try {
      server = start(address, useTls);
    } catch (IOException | UncheckedIOException e) {
      err.println("interop-server: cannot listen on " + address + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    // The JVM's own TERM handling (shutdown hooks, exit 143) would cut calls short and make the
    // exit status say it failed; stopping here lets main return and exit 0.
    Signal.handle(
        new Signal("TERM"),
        signal ->
            Thread.ofPlatform().name("interop-server-stop").start(() -> {
              try {
                server.stop();
              } catch (InterruptedException e) {
                server.close();
              }
            }));
    InetSocketAddress bound = server.address();
    out.println(
        "interop-server: listening on "
            + (bound.getAddress().isAnyLocalAddress() ? "*" : bound.getAddress().getHostAddress())
            + ":" + bound.getPort()
            + (useTls ? " (TLS, certificate for *.test.google.fr)" : " (cleartext)"));
    out.flush();
    server.awaitTermination();
    out.println("interop-server: stopped");
    out.flush();
    return 0;
  }
}
