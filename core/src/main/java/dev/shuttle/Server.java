package dev.shuttle;

import dev.shuttle.http2.LazyLogger;
import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.config.TlsServerConfig;
import dev.shuttle.internal.GrpcHeaders;
import dev.shuttle.internal.InterceptedMethod;
import dev.shuttle.internal.RequestBufferBudget;
import dev.shuttle.internal.ServerCallSettings;
import dev.shuttle.internal.ServerTransports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

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
 *
 * <p><b>In-process.</b> With {@link Builder#inProcess}, channels in the same JVM reach the
 * server by name through {@link Channel#inProcess}, with no socket and no HTTP/2: the calls,
 * handlers, interceptors, deadlines, cancellation, metadata and status are those of any other
 * call, and messages still cross as serialized bytes. A server given only a name opens no
 * socket; given {@link Builder#listen} as well, it serves both. In a JUnit 5 test:
 *
 * <pre>{@code
 * class GreeterTest {
 *   Server server;
 *   Channel channel;
 *
 *   @BeforeEach
 *   void start() throws IOException {
 *     server = Server.builder().inProcess("greeter-test").service(new Greeter()).start();
 *     channel = Channel.inProcess("greeter-test");
 *   }
 *
 *   @AfterEach
 *   void stop() {
 *     channel.close();
 *     server.shutdownNow();
 *   }
 *
 *   @Test
 *   void greets() {
 *     HelloReply reply = GreeterClient.of(channel).sayHello(HelloRequest.newBuilder().setName("Ada").build());
 *     assertEquals("Hello Ada", reply.getMessage());
 *   }
 * }
 * }</pre>
 *
 * <p><b>What a server holds at most.</b> Every limit below has a safe default and a builder
 * option. Request messages that handlers have not taken yet, partial ones included, are counted:
 * one connection holds at most {@link Builder#maxBufferedRequestBytesPerConnection} bytes of
 * them, and the whole server at most {@link Builder#maxBufferedRequestBytes} plus
 * {@link Builder#minBufferedRequestBytesPerConnection} for each open connection (a connection
 * holding less than that is never refused for the server's total, so a small call on a quiet
 * connection is served while others have spent the budget). A message that does not fit fails
 * its call with {@code RESOURCE_EXHAUSTED}; no window is returned for it. Each connection also
 * holds its HTTP/2 buffers (see {@link Http2Config}): a 64 KiB read buffer, one header block
 * while it arrives, and its write queue, bounded by {@code maxQueuedBytes}.
 *
 * <p><b>Handlers.</b> A connection has {@link Builder#maxConcurrentCallsPerConnection} call
 * slots. A call holds its slot while its handler runs; a call that ends early (cancelled by the
 * client, past its deadline, reset) wakes its handler (see
 * {@link Builder#interruptHandlersOnCancel}) and gives its slot back at once even if the
 * handler ignores all that, for up to {@code maxConcurrentCallsPerConnection} such lingering
 * handlers per connection; past that, a slot waits for its handler to return. So one connection
 * runs at most twice {@code maxConcurrentCallsPerConnection} handlers at once, however fast a
 * client resets its streams.
 */
public final class Server implements AutoCloseable {
  /** Inbound messages larger than this are refused with {@code RESOURCE_EXHAUSTED} (grpc-java and grpc-go agree). */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 4 * 1024 * 1024;
  /** grpc-java's and grpc-go's: a server pings a connection quiet for two hours. */
  public static final Duration DEFAULT_KEEP_ALIVE_TIME = Duration.ofHours(2);
  /**
   * The default flow-control window of each call: one request message of the default largest
   * size. With grpc-java's 1 MiB, a bidi stream of 1 KiB messages between two Shuttle processes
   * spent most of its time waiting for the server's WINDOW_UPDATE, which queues in TCP behind the
   * responses already sent; with 4 MiB it moved 10-60 % more messages per second on loopback.
   * The window bounds the whole messages a call holds that its handler has not taken (a message
   * still arriving gives its window back as it comes, and is bounded by the message size). It is
   * not memory the server allocates: what it buffers is bounded by
   * {@link Builder#maxBufferedRequestBytesPerConnection}.
   */
  public static final int DEFAULT_INITIAL_STREAM_WINDOW = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
  /**
   * The default flow-control window of each connection: two calls' worth. The server returns it
   * as DATA arrives, so it paces the link, never one call.
   */
  public static final int DEFAULT_CONNECTION_WINDOW = 2 * DEFAULT_INITIAL_STREAM_WINDOW;
  /** What any connection may buffer even when the server's total is spent. */
  public static final long DEFAULT_MIN_BUFFERED_REQUEST_BYTES_PER_CONNECTION = 64 * 1024;

  private static final System.Logger LOG = LazyLogger.of(Server.class);

  private final ServerTransports transports;
  private final RequestBufferBudget budget;
  private final List<Runnable> shutdownActions;
  private final AtomicBoolean shutdownBegun = new AtomicBoolean();
  private final List<ServiceDefinition> services;

  private Server(
      ServerTransports transports,
      RequestBufferBudget budget,
      List<Runnable> shutdownActions,
      List<ServiceDefinition> services) {
    this.transports = transports;
    this.budget = budget;
    this.shutdownActions = shutdownActions;
    this.services = services;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The port the server listens on; useful after binding port 0.
   *
   * @throws IllegalStateException when the server listens on no socket (in-process only)
   */
  public int port() {
    return address().getPort();
  }

  /** @throws IllegalStateException when the server listens on no socket (in-process only) */
  public InetSocketAddress address() {
    return transports.address();
  }

  /**
   * The services this server serves, in the order they were registered. A handler reaches its
   * server through {@link ServerContext#server()}, so a service can describe the others:
   *
   * <pre>{@code
   * for (ServiceDefinition service : context.server().services()) {
   *   names.add(service.name());
   * }
   * }</pre>
   */
  public List<ServiceDefinition> services() {
    return services;
  }

  /** The name in-process channels reach this server by; null when it has none. */
  public String inProcessName() {
    return transports.inProcessName();
  }

  /** Socket connections open now. */
  public int connectionCount() {
    return transports.connectionCount();
  }

  /** Bytes of request messages buffered now that handlers have not taken yet. */
  public long bufferedRequestBytes() {
    return budget.held();
  }

  /** The most request bytes buffered at once since the server started. */
  public long peakBufferedRequestBytes() {
    return budget.peak();
  }

  /**
   * Stops accepting connections and calls; calls in progress run to completion. The actions of
   * {@link Builder#onShutdown} run first.
   */
  public void shutdown() {
    runShutdownActions();
    transports.shutdown();
  }

  /** Stops accepting and ends every connection and call now (after the actions of {@link Builder#onShutdown}, if not run yet). */
  public void shutdownNow() {
    runShutdownActions();
    transports.shutdownNow();
  }

  private void runShutdownActions() {
    if (!shutdownBegun.compareAndSet(false, true)) {
      return;
    }
    for (Runnable action : shutdownActions) {
      try {
        action.run();
      } catch (RuntimeException e) {
        // One failing action must neither stop the others nor the shutdown itself.
        LOG.log(System.Logger.Level.WARNING, "a shutdown action failed", e);
      }
    }
  }

  public boolean isShutdown() {
    return transports.isShutdown();
  }

  /**
   * Waits until the server has shut down, its last connection has closed and its last
   * in-process call has ended.
   */
  public void awaitTermination() throws InterruptedException {
    transports.awaitTermination();
  }

  /** Waits at most {@code timeout}; returns whether the server has terminated. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return transports.awaitTermination(timeout);
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
    private boolean listenGiven;
    private String inProcessName;
    private final Map<String, ServerMethod<?, ?>> methods = new LinkedHashMap<>();
    private final List<ServiceDefinition> services = new ArrayList<>();
    private Executor executor;
    private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private boolean interruptHandlersOnCancel = true;
    private CompressionRegistry compression = CompressionRegistry.defaults();
    private long maxBufferedRequestBytes = -1;
    private long maxBufferedRequestBytesPerConnection = -1;
    private long minBufferedRequestBytesPerConnection = DEFAULT_MIN_BUFFERED_REQUEST_BYTES_PER_CONNECTION;
    // A server pings quiet connections whether or not they have calls, as grpc-java's does.
    private final Http2Config.Builder http2 =
        Http2Config.builder()
            .initialStreamWindow(DEFAULT_INITIAL_STREAM_WINDOW)
            .connectionWindow(DEFAULT_CONNECTION_WINDOW)
            .keepAliveTime(DEFAULT_KEEP_ALIVE_TIME)
            .keepAliveWithoutCalls(true)
            .notIndexedHeaders(GrpcHeaders.RARELY_REPEATED);
    private TlsServerConfig tls;
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private final List<Runnable> shutdownActions = new ArrayList<>();

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
      this.listenGiven = true;
      return this;
    }

    /**
     * Serves channels in this JVM that {@link Channel#inProcess(String) ask for} {@code name},
     * with no socket and no HTTP/2. Without {@link #listen} as well, the server opens no socket;
     * with it, it serves both ways. A name is served by one running server at a time; it is free
     * again once that server shuts down. HTTP/2 limits (windows, header list size, concurrent
     * calls, keepalive, connection age) do not apply in-process; message size, request-buffer
     * budget, compression, interceptors and the executor do.
     */
    public Builder inProcess(String name) {
      this.inProcessName = Objects.requireNonNull(name, "name");
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
      services.add(service);
      return this;
    }

    /**
     * Runs {@code interceptors} around every call of every service, in the order given (the
     * first outermost) and outside each service's own. Calling it again adds further in.
     * See {@link ServerInterceptor}.
     */
    public Builder intercept(ServerInterceptor... interceptors) {
      for (ServerInterceptor interceptor : interceptors) {
        this.interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      }
      return this;
    }

    /**
     * Runs {@code action} once when the server begins to shut down: on the first call of
     * {@link Server#shutdown}, {@link Server#shutdownNow} or {@link Server#close}, on that
     * thread, before the server stops taking calls. Actions run in the order they were added;
     * one that throws is logged and the others still run. For instance, to tell load balancers
     * the server is going away while its last calls finish:
     *
     * <pre>{@code
     * Server server = Server.builder()
     *     .service(new Greeter())
     *     .onShutdown(() -> draining.set(true))
     *     .start();
     * }</pre>
     */
    public Builder onShutdown(Runnable action) {
      shutdownActions.add(Objects.requireNonNull(action, "action"));
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

    /**
     * The flow-control window of each call, in bytes: how much of whole messages a client may
     * send a call before its handler takes them; default {@value #DEFAULT_INITIAL_STREAM_WINDOW}.
     * Past it the call is reset with {@code FLOW_CONTROL_ERROR}. Keep it well under
     * {@link #maxBufferedRequestBytesPerConnection}: calls that each fill their window while
     * their handlers lag, on one connection, are refused once together they pass that budget.
     */
    public Builder initialStreamWindow(int bytes) {
      http2.initialStreamWindow(bytes);
      return this;
    }

    /** The flow-control window of each connection, in bytes; default {@value #DEFAULT_CONNECTION_WINDOW}. */
    public Builder connectionWindow(int bytes) {
      http2.connectionWindow(bytes);
      return this;
    }

    /**
     * Stream resets per second, those a client sends and those its errors make us send, before
     * its connection is closed with ENHANCE_YOUR_CALM; default 200.
     */
    public Builder maxResetsPerSecond(int resets) {
      http2.maxResetsPerSecond(resets);
      return this;
    }

    /**
     * Whether the thread of a handler whose call is cancelled (by the client, its deadline, or a
     * lost connection) is interrupted, so that a handler blocked in {@code sleep}, a lock or I/O
     * notices; default true. Blocked {@code receive}/{@code send} on the call end either way.
     */
    public Builder interruptHandlersOnCancel(boolean interrupt) {
      this.interruptHandlersOnCancel = interrupt;
      return this;
    }

    /**
     * Request bytes the whole server may buffer before handlers take them, beyond which calls
     * fail with {@code RESOURCE_EXHAUSTED}; default a quarter of the maximum heap, between 8 MiB
     * and 1 GiB.
     */
    public Builder maxBufferedRequestBytes(long bytes) {
      this.maxBufferedRequestBytes = atLeast(bytes, 1, "maxBufferedRequestBytes");
      return this;
    }

    /** Request bytes one connection may buffer before handlers take them; default half the server's. */
    public Builder maxBufferedRequestBytesPerConnection(long bytes) {
      this.maxBufferedRequestBytesPerConnection = atLeast(bytes, 1, "maxBufferedRequestBytesPerConnection");
      return this;
    }

    /**
     * Request bytes any connection may buffer even when the server's total is spent; default
     * 64 KiB. The server then holds at most {@code maxBufferedRequestBytes} plus this much per
     * open connection.
     */
    public Builder minBufferedRequestBytesPerConnection(long bytes) {
      this.minBufferedRequestBytesPerConnection = atLeast(bytes, 0, "minBufferedRequestBytesPerConnection");
      return this;
    }

    /**
     * The message encodings the server reads and may answer in; default gzip and identity.
     * A request in another encoding is answered {@code UNIMPLEMENTED} with the list.
     */
    public Builder compression(CompressionRegistry registry) {
      this.compression = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Connections open at once; one more is sent GOAWAY and closed. Default: no cap. */
    public Builder maxConnections(int connections) {
      http2.maxConnections(connections);
      return this;
    }

    /**
     * A connection with no call for this long is closed gracefully (GOAWAY); default never.
     * grpc-java's and grpc-go's {@code maxConnectionIdle}.
     */
    public Builder maxConnectionIdle(Duration idle) {
      http2.maxConnectionIdle(idle);
      return this;
    }

    /**
     * A connection older than this (give or take 10 %) is closed gracefully, so clients
     * reconnect and spread over servers; default never.
     */
    public Builder maxConnectionAge(Duration age) {
      http2.maxConnectionAge(age);
      return this;
    }

    /** How long calls may still run after {@link #maxConnectionAge} before the connection closes; default as long as they need. */
    public Builder maxConnectionAgeGrace(Duration grace) {
      http2.maxConnectionAgeGrace(grace);
      return this;
    }

    /** After this long without hearing from a client, ping it; default 2 hours. Null: never. */
    public Builder keepAliveTime(Duration time) {
      http2.keepAliveTime(time);
      return this;
    }

    /** How long a keepalive ping may go unanswered before the connection is closed; default 20 s. */
    public Builder keepAliveTimeout(Duration timeout) {
      http2.keepAliveTimeout(timeout);
      return this;
    }

    /**
     * The shortest interval at which clients may send keepalive pings; more often ends their
     * connection with GOAWAY ENHANCE_YOUR_CALM {@code too_many_pings}. Default 5 minutes.
     */
    public Builder permitKeepAliveTime(Duration time) {
      http2.permitKeepAliveTime(time);
      return this;
    }

    /** Whether clients may ping while they have no call open; default false. */
    public Builder permitKeepAliveWithoutCalls(boolean permit) {
      http2.permitKeepAliveWithoutCalls(permit);
      return this;
    }

    /**
     * Tunes any HTTP/2 limit not covered above (CONTINUATION frames per header block, queued
     * control frames, HPACK table size, frame size...), each of which has a safe default.
     *
     * <pre>{@code
     * builder.http2(limits -> limits.maxQueuedBytes(256 * 1024));
     * }</pre>
     */
    public Builder http2(java.util.function.Consumer<Http2Config.Builder> limits) {
      limits.accept(http2);
      return this;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound, or another running server has the
     *     {@link #inProcess} name
     */
    public Server start() throws IOException {
      long total = maxBufferedRequestBytes > 0 ? maxBufferedRequestBytes : defaultBufferedRequestBytes();
      long perConnection =
          maxBufferedRequestBytesPerConnection > 0 ? maxBufferedRequestBytesPerConnection : Math.max(1, total / 2);
      RequestBufferBudget budget = new RequestBufferBudget(total, perConnection, minBufferedRequestBytesPerConnection);
      // Handlers reach the server through their context; one that runs before start() returns
      // waits the moment it takes to get there.
      CompletableFuture<Server> self = new CompletableFuture<>();
      ServerCallSettings settings =
          new ServerCallSettings(executor, maxInboundMessageSize, interruptHandlersOnCancel, compression, self);
      Map<String, ServerMethod<?, ?>> served = new LinkedHashMap<>();
      List<ServerInterceptor> chain = List.copyOf(interceptors);
      for (Map.Entry<String, ServerMethod<?, ?>> method : methods.entrySet()) {
        served.put(method.getKey(), InterceptedMethod.of(method.getValue(), chain));
      }
      ServerTransports transports =
          ServerTransports.start(address, listenGiven, inProcessName, served, settings, budget, http2.build(), tls);
      Server server = new Server(transports, budget, List.copyOf(shutdownActions), List.copyOf(services));
      self.complete(server);
      return server;
    }

    private static long defaultBufferedRequestBytes() {
      long quarterHeap = Runtime.getRuntime().maxMemory() / 4;
      return Math.max(8L << 20, Math.min(1L << 30, quarterHeap));
    }

    private static long atLeast(long value, long min, String name) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
      }
      return value;
    }
  }
}
