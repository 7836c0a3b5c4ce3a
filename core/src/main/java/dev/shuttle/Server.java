package dev.shuttle;

import dev.shuttle.http2.Http2Config;
import dev.shuttle.http2.Http2Server;
import dev.shuttle.http2.TlsServerConfig;
import dev.shuttle.internal.CallDispatcher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server. Each call's handler runs on a virtual thread of its own (or on the executor you
 * pass), so handlers may block freely.
 *
 * <pre>{@code
 * Server server = Server.builder()
 *     .listen("127.0.0.1", 8888)
 *     .service(new Work())
 *     .start();
 * server.awaitTermination();
 * }</pre>
 *
 * <p>With {@link Builder#tls}, every connection is TLS (ALPN {@code h2}); handlers see the
 * client's certificates through {@link ServerContext#peerCertificates()}:
 *
 * <pre>{@code
 * Server server = Server.builder()
 *     .listen("0.0.0.0", 8443)
 *     .tls(TlsServerConfig.fromPem(Path.of("server.pem"), Path.of("server.key")))
 *     .service(new Work())
 *     .start();
 * }</pre>
 *
 * <p>{@link #shutdown()} stops taking calls and lets calls in progress finish;
 * {@link #shutdownNow()} ends them.
 */
public final class Server implements AutoCloseable {
  /** Inbound messages larger than this are refused with {@code RESOURCE_EXHAUSTED} (grpc-java and grpc-go agree). */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 4 * 1024 * 1024;

  private final Http2Server transport;

  private Server(Http2Server transport) {
    this.transport = transport;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The port the server listens on; useful after binding port 0. */
  public int port() {
    return transport.localAddress().getPort();
  }

  public InetSocketAddress address() {
    return transport.localAddress();
  }

  /** Stops accepting connections and calls; calls in progress run to completion. */
  public void shutdown() {
    transport.shutdown();
  }

  /** Stops accepting and ends every connection and call now. */
  public void shutdownNow() {
    transport.shutdownNow();
  }

  public boolean isShutdown() {
    return transport.isShutdown();
  }

  /** Waits until the server has shut down and its last connection has closed. */
  public void awaitTermination() throws InterruptedException {
    transport.awaitTermination();
  }

  /** Waits at most {@code timeout}; returns whether the server has terminated. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return transport.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Shuts down gracefully, waits up to 5 seconds for calls to finish, then ends the rest. */
  @Override
  public void close() {
    shutdown();
    try {
      if (!awaitTermination(Duration.ofSeconds(5))) {
        shutdownNow();
      }
    } catch (InterruptedException e) {
      shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Configures and starts a {@link Server}. */
  public static final class Builder {
    private InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
    private final Map<String, ServerMethod<?, ?>> methods = new LinkedHashMap<>();
    private Executor executor;
    private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private final Http2Config.Builder http2 = Http2Config.builder();
    private TlsServerConfig tls;

    private Builder() {}

    /**
     * Serves TLS only (HTTP/2 negotiated with ALPN {@code h2}); without it the server speaks
     * cleartext HTTP/2. A client speaking cleartext to a TLS server is refused at once.
     */
    public Builder tls(TlsServerConfig tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** The address to listen on; port 0 picks a free port. Default {@code 127.0.0.1:0}. */
    public Builder listen(String host, int port) {
      return listen(new InetSocketAddress(host, port));
    }

    public Builder listen(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    public Builder service(BindableService service) {
      return service(service.bindService());
    }

    public Builder service(ServiceDefinition service) {
      for (ServerMethod<?, ?> method : service.methods().values()) {
        String path = method.descriptor().path();
        if (methods.putIfAbsent(path, method) != null) {
          throw new IllegalArgumentException("method registered twice: " + method.descriptor().fullName());
        }
      }
      return this;
    }

    /** Runs handlers on this executor instead of a new virtual thread per call. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The largest request message accepted; default 4 MiB. */
    public Builder maxInboundMessageSize(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxInboundMessageSize must not be negative");
      }
      this.maxInboundMessageSize = bytes;
      return this;
    }

    /** The largest request header list accepted; default 8 KiB. */
    public Builder maxHeaderListSize(int bytes) {
      http2.maxHeaderListSize(bytes);
      return this;
    }

    /** Calls one connection may run at once; default {@value Http2Config#DEFAULT_MAX_CONCURRENT_STREAMS}. */
    public Builder maxConcurrentCallsPerConnection(int calls) {
      http2.maxConcurrentStreams(calls);
      return this;
    }

    /** The flow-control window of each call, in bytes; default 1 MiB. */
    public Builder initialStreamWindow(int bytes) {
      http2.initialStreamWindow(bytes);
      return this;
    }

    /** The flow-control window of each connection, in bytes; default 2 MiB. */
    public Builder connectionWindow(int bytes) {
      http2.connectionWindow(bytes);
      return this;
    }

    /** Stream resets a client may send per second before its connection is closed; default 200. */
    public Builder maxResetsPerSecond(int resets) {
      http2.maxResetsPerSecond(resets);
      return this;
    }

    /**
     * Tunes any HTTP/2 limit not covered above (CONTINUATION frames per header block, queued
     * control frames, HPACK table size, frame size...), each of which has a safe default.
     *
     * <pre>{@code
     * builder.http2(limits -> limits.maxQueuedControlFrames(1_000));
     * }</pre>
     */
    public Builder http2(java.util.function.Consumer<Http2Config.Builder> limits) {
      limits.accept(http2);
      return this;
    }

    /** Binds and starts serving. */
    public Server start() throws IOException {
      CallDispatcher dispatcher = new CallDispatcher(methods, executor, maxInboundMessageSize);
      return new Server(Http2Server.start(address, http2.build(), dispatcher, tls));
    }
  }
}
