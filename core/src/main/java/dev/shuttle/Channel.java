package dev.shuttle;

import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.config.TlsClientConfig;
import dev.shuttle.internal.ClientCall;
import dev.shuttle.internal.ClientTransport;
import dev.shuttle.internal.GrpcHeaders;
import dev.shuttle.internal.InProcessServer;
import dev.shuttle.internal.ServerCall;
import dev.shuttle.internal.SocketDialer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client's connection to one server, shared by every call and every stub made on it. It
 * connects on the first call, reconnects when the connection is lost or the server sends GOAWAY,
 * and is safe to use from any number of threads.
 *
 * <pre>{@code
 * try (Channel channel = Channel.plaintext("127.0.0.1:8888")) {
 *   TestServerClient client = TestServerClient.of(channel);
 *   Response response = client.getRandom(Request.newBuilder().setId("123").build());
 * }
 * }</pre>
 *
 * <p>Over TLS, trusting the CA in a PEM file (the server's certificate must name the target's
 * host, or the {@link TlsClientConfig.Builder#serverName server name} set instead):
 *
 * <pre>{@code
 * try (Channel channel = Channel.tls("api.example.com:8443", TlsClientConfig.trusting(Path.of("ca.pem")))) {
 *   ...
 * }
 * }</pre>
 *
 * <p>In-process, to a {@link Server.Builder#inProcess server in the same JVM} (tests, mostly):
 * the same calls, stubs and interceptors, with no socket and no HTTP/2.
 *
 * <pre>{@code
 * Server server = Server.builder().inProcess("greeter").service(new Greeter()).start();
 * try (Channel channel = Channel.inProcess("greeter")) {
 *   HelloReply reply = GreeterClient.of(channel).sayHello(request);
 * }
 * }</pre>
 *
 * <p><b>Lifecycle</b>, as grpc-java's {@code ManagedChannel}: {@link #shutdown()} refuses new
 * calls and lets those running finish; {@link #shutdownNow()} also ends the running ones
 * ({@code UNAVAILABLE}); {@link #awaitTermination(Duration)} waits until every call has ended
 * and every connection has closed; {@link #close()} is {@link #shutdown()}.
 *
 * <p><b>Threads</b>: calls run on the caller's thread, virtual or platform. Each connection is
 * read by a thread of its own, of the kind that has been opening its calls lately
 * ({@link Http2Config.ReaderThread#LIKE_STREAM_OPENERS}): a platform reader wakes platform
 * callers (a servlet container's request threads, say) one thread switch sooner, and a virtual
 * reader hands a virtual caller its response on the same carrier. To fix the kind:
 * {@code http2(limits -> limits.readerThread(Http2Config.ReaderThread.VIRTUAL))}.
 *
 * <pre>{@code
 * channel.shutdown();
 * if (!channel.awaitTermination(Duration.ofSeconds(5))) {
 *   channel.shutdownNow();
 * }
 * }</pre>
 */
public final class Channel implements CallInvoker, AutoCloseable {
  /** Responses larger than this fail with {@code RESOURCE_EXHAUSTED} (grpc-java and grpc-go agree). */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 4 * 1024 * 1024;
  /**
   * The default flow-control window of each call: one message of the default largest size, so
   * that a stream of the largest messages is not held up for window in the middle of each. With
   * 1 MiB, a Shuttle server streaming 1 MiB messages stopped for window at every one of them:
   * 4 MiB moved them 10-19 % faster on loopback, and 64 KiB messages 15-20 %. It is what the
   * server may send a call ahead of the application, not memory the client allocates.
   */
  public static final int DEFAULT_INITIAL_STREAM_WINDOW = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
  /** The default flow-control window of a connection: two calls' worth. */
  public static final int DEFAULT_CONNECTION_WINDOW = 2 * DEFAULT_INITIAL_STREAM_WINDOW;

  private static final Executor ASYNC_CALLS = Thread::startVirtualThread;

  /** The in-process server's name; null for a socket channel. */
  private final String inProcessName;
  /** How socket connections are made; null for an in-process channel. */
  private final SocketDialer dialer;
  private final int maxInboundMessageSize;
  private final CompressionRegistry compression;
  private final ClientCall.ConnectionSource connections = new Connections();

  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private ClientTransport connection;
  /** Every connection made and not yet seen closed, the current one included. */
  private final List<ClientTransport> connectionsOpened = new ArrayList<>();

  private volatile boolean shutdown;
  /** Calls that have their stream and have not ended. */
  private final AtomicInteger runningCalls = new AtomicInteger();
  /** Its own lock, so that a call ending never waits for a connect in progress. */
  private final ReentrantLock terminationLock = new ReentrantLock();
  private final Condition callsEnded = terminationLock.newCondition();

  private Channel(Builder b) {
    this.inProcessName = b.inProcessName;
    this.dialer =
        b.inProcessName != null ? null : new SocketDialer(b.host, b.port, b.authority, b.connectTimeout, b.tls, b.http2.build());
    this.maxInboundMessageSize = b.maxInboundMessageSize;
    this.compression = b.compression;
  }

  /** A channel over cleartext HTTP/2 to {@code host:port} (IPv6 as {@code [::1]:port}). */
  public static Channel plaintext(String target) {
    return builder(target).build();
  }

  /** A channel over TLS (ALPN {@code h2}) to {@code host:port}. */
  public static Channel tls(String target, TlsClientConfig tls) {
    return builder(target).tls(tls).build();
  }

  public static Builder builder(String target) {
    return new Builder(target);
  }

  /**
   * A channel to the server in this JVM that serves {@code name} ({@link Server.Builder#inProcess}).
   * It finds the server on its first call, and again after that server shut down (a new server
   * may take the name); with no server of that name, calls fail with {@code UNAVAILABLE}.
   */
  public static Channel inProcess(String name) {
    return inProcessBuilder(name).build();
  }

  /**
   * Configures an in-process channel ({@link #inProcess(String)}). Options about sockets, TLS and
   * HTTP/2 (windows, header list size, keepalive, connect timeout) do not apply to it and are
   * ignored; {@code maxInboundMessageSize} and {@code compression} do apply.
   */
  public static Builder inProcessBuilder(String name) {
    return new Builder(Objects.requireNonNull(name, "name"), true);
  }

  /** The keepalive time new connections use now (null: none); it doubles on {@code too_many_pings}. */
  Duration keepAliveTime() {
    return dialer == null ? null : dialer.keepAliveTime();
  }

  /**
   * Opens a call of any kind as a stream, as interceptors see calls. A unary or server-streaming
   * call keeps its own path: its one request waits for the half-close, then it runs as
   * {@link #unaryCall} or {@link #serverStreamingCall} would run it.
   */
  @Override
  public <Req, Resp> BidiCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
    CallOptions fixed = fixDeadline(options);
    return switch (method.type()) {
      case UNARY, SERVER_STREAMING -> new OneRequestCall<>(this, method, fixed);
      case CLIENT_STREAMING, BIDI_STREAMING -> new ClientCall<>(connections, method, fixed).open();
    };
  }

  /** Makes a unary call and waits for its response. */
  @Override
  public <Req, Resp> Resp unaryCall(MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    return unaryCall(method, request, fixDeadline(options), null);
  }

  /**
   * The options with their deadline fixed now (the timeout counted from now, and the deadline
   * of a handler calling on its own thread), so that a retry or another thread keeps it.
   */
  private static CallOptions fixDeadline(CallOptions options) {
    Deadline deadline = options.effectiveDeadline(ServerCall.currentDeadline());
    return deadline == null ? options : options.withTimeout(null).withDeadline(deadline);
  }

  /** Each attempt of a unary call, as it starts: what cancels the call must reach the one running. */
  interface Attempts {
    void running(ClientCall<?, ?> attempt);
  }

  /** A unary call with options whose deadline is fixed already; {@code attempts} may be null. */
  <Req, Resp> Resp unaryCall(MethodDescriptor<Req, Resp> method, Req request, CallOptions options, Attempts attempts) {
    ClientCall<Req, Resp> call = new ClientCall<>(connections, method, options);
    if (attempts != null) {
      attempts.running(call);
    }
    try {
      return call.unary(request);
    } catch (StatusException e) {
      // A server going away may refuse calls it never started; those are safe to send again,
      // once, on a fresh connection (gRPC's transparent retry), within the same deadline.
      if (call.wasRefusedUnprocessed()) {
        ClientCall<Req, Resp> retry = new ClientCall<>(connections, method, options);
        if (attempts != null) {
          attempts.running(retry);
        }
        return retry.unary(request);
      }
      throw e;
    }
  }

  /**
   * Makes a unary call without blocking the caller; the future completes on a virtual thread,
   * never on the connection's reader. Cancelling the future cancels the call (RST_STREAM, and
   * the server's handler learns of it).
   */
  @Override
  public <Req, Resp> CompletableFuture<Resp> unaryCallAsync(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    CallOptions fixed = fixDeadline(options); // here, where a handler's deadline is known
    CancellableFuture<Resp> future = new CancellableFuture<>();
    ASYNC_CALLS.execute(() -> {
      try {
        future.complete(unaryCall(method, request, fixed, future));
      } catch (Throwable t) {
        future.completeExceptionally(t);
      }
    });
    return future;
  }

  /** A future whose cancel cancels the call behind it. */
  private static final class CancellableFuture<T> extends CompletableFuture<T> implements Attempts {
    private final ReentrantLock lock = new ReentrantLock();
    private ClientCall<?, ?> call; // guarded by lock

    /** The attempt now running; cancelled at once when the future already was. */
    @Override
    public void running(ClientCall<?, ?> attempt) {
      lock.lock();
      try {
        call = attempt;
      } finally {
        lock.unlock();
      }
      if (isCancelled()) {
        attempt.cancel(Status.CANCELLED.withDescription("the caller cancelled the future"));
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      ClientCall<?, ?> attempt;
      lock.lock();
      try {
        attempt = call;
      } finally {
        lock.unlock();
      }
      if (cancelled && attempt != null) {
        attempt.cancel(Status.CANCELLED.withDescription("the caller cancelled the future"));
      }
      return cancelled;
    }
  }

  /** Makes a server-streaming call; iterate the result, and close it to stop early. */
  @Override
  public <Req, Resp> ResponseStream<Resp> serverStreamingCall(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    return serverStreamingCallFixed(method, request, fixDeadline(options));
  }

  /** A server-streaming call with options whose deadline is fixed already. */
  <Req, Resp> ResponseStream<Resp> serverStreamingCallFixed(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    return new ClientCall<>(connections, method, options).serverStreaming(request);
  }

  /** Opens a client-streaming call: send requests, then {@code finish()} for the response. */
  @Override
  public <Req, Resp> ClientStreamingCall<Req, Resp> clientStreamingCall(
      MethodDescriptor<Req, Resp> method, CallOptions options) {
    return new ClientCall<>(connections, method, fixDeadline(options)).open();
  }

  /** Opens a bidirectional-streaming call. */
  @Override
  public <Req, Resp> BidiCall<Req, Resp> bidiStreamingCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
    return new ClientCall<>(connections, method, fixDeadline(options)).open();
  }

  /**
   * Refuses new calls ({@code UNAVAILABLE}) and lets the calls in progress finish; each
   * connection closes after its last call. Does not wait: see {@link #awaitTermination}.
   */
  public void shutdown() {
    for (ClientTransport opened : beginShutdown()) {
      opened.shutdown();
    }
  }

  /**
   * Refuses new calls and ends those in progress: the connections close now, their calls fail
   * with {@code UNAVAILABLE}, and the server sees them cancelled.
   */
  public void shutdownNow() {
    for (ClientTransport transport : beginShutdown()) {
      transport.shutdownNow();
    }
  }

  private List<ClientTransport> beginShutdown() {
    lock.lock();
    try {
      shutdown = true;
      connection = null;
      return List.copyOf(connectionsOpened);
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #shutdown()} or {@link #shutdownNow()} was called. */
  public boolean isShutdown() {
    return shutdown;
  }

  /** Whether the channel is shut down, every call has ended and every connection has closed. */
  public boolean isTerminated() {
    if (!shutdown || runningCalls.get() > 0) {
      return false;
    }
    lock.lock();
    try {
      connectionsOpened.removeIf(ClientTransport::isTerminated);
      return connectionsOpened.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the channel {@link #isTerminated() has terminated}, at most {@code timeout};
   * returns whether it has. Only a shut down channel terminates.
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!isTerminated()) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      terminationLock.lock();
      try {
        // Woken when the last call ends; a connection's close is looked for every few ms.
        if (runningCalls.get() > 0 || !shutdown) {
          callsEnded.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
        }
      } finally {
        terminationLock.unlock();
      }
      if (runningCalls.get() == 0 && shutdown) {
        Thread.sleep(Math.max(0, Math.min(TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()), 5)));
      }
    }
    return true;
  }

  /**
   * The same as {@link #shutdown()}: new calls are refused and those in progress finish, without
   * waiting for them. To wait, or to end them, use {@link #awaitTermination} and
   * {@link #shutdownNow()}.
   */
  @Override
  public void close() {
    shutdown();
  }

  /** Connects on demand and hands out the current connection. */
  private final class Connections implements ClientCall.ConnectionSource {
    @Override
    public ClientTransport connection(Deadline deadline) {
      lock.lock();
      try {
        if (shutdown) {
          throw new StatusException(Status.UNAVAILABLE.withDescription("channel is shut down"));
        }
        if (connection == null || !connection.isUsable()) {
          connection = connect(deadline);
          connectionsOpened.removeIf(ClientTransport::isTerminated);
          connectionsOpened.add(connection);
        }
        return connection;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public int maxInboundMessageSize() {
      return maxInboundMessageSize;
    }

    @Override
    public void callStarted() {
      runningCalls.incrementAndGet();
    }

    @Override
    public void callEnded() {
      if (runningCalls.decrementAndGet() == 0 && shutdown) {
        signalCallsEnded();
      }
    }

    private void signalCallsEnded() {
      terminationLock.lock();
      try {
        callsEnded.signalAll();
      } finally {
        terminationLock.unlock();
      }
    }

    @Override
    public CompressionRegistry compression() {
      return compression;
    }

    private ClientTransport connect(Deadline deadline) {
      if (inProcessName != null) {
        ClientTransport transport = InProcessServer.connect(inProcessName);
        if (transport == null) {
          throw new StatusException(Status.UNAVAILABLE.withDescription("no in-process server named \"" + inProcessName + "\""));
        }
        return transport;
      }
      return dialer.dial(deadline);
    }
  }

  /** Configures a {@link Channel}. */
  public static final class Builder {
    private final String host;
    private final int port;
    private final String inProcessName;
    private String authority;
    private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private Duration connectTimeout = Duration.ofSeconds(20);
    private CompressionRegistry compression = CompressionRegistry.defaults();
    private final Http2Config.Builder http2 =
        Http2Config.builder()
            .notIndexedHeaders(GrpcHeaders.RARELY_REPEATED)
            .initialStreamWindow(DEFAULT_INITIAL_STREAM_WINDOW)
            .connectionWindow(DEFAULT_CONNECTION_WINDOW)
            .readerThread(Http2Config.ReaderThread.LIKE_STREAM_OPENERS);
    private TlsClientConfig tls;

    private Builder(String name, boolean inProcess) {
      this.host = null;
      this.port = -1;
      this.inProcessName = name;
      this.authority = name;
    }

    private Builder(String target) {
      this.inProcessName = null;
      int colon = target.lastIndexOf(':');
      if (colon <= 0 || colon == target.length() - 1) {
        throw new IllegalArgumentException("target must be host:port: " + target);
      }
      String h = target.substring(0, colon);
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      try {
        this.port = Integer.parseInt(target.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid port in target: " + target, e);
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range in target: " + target);
      }
      this.host = h;
      this.authority = target;
    }

    /** The {@code :authority} sent with requests; defaults to the target. */
    public Builder authority(String authority) {
      this.authority = authority;
      return this;
    }

    /** The largest response message accepted; default 4 MiB. */
    public Builder maxInboundMessageSize(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxInboundMessageSize must not be negative");
      }
      this.maxInboundMessageSize = bytes;
      return this;
    }

    /** The largest response header list accepted; default 8 KiB. */
    public Builder maxHeaderListSize(int bytes) {
      http2.maxHeaderListSize(bytes);
      return this;
    }

    /** The flow-control window of each call, in bytes; default {@link #DEFAULT_INITIAL_STREAM_WINDOW}, 4 MiB. */
    public Builder initialStreamWindow(int bytes) {
      http2.initialStreamWindow(bytes);
      return this;
    }

    /** The flow-control window of the connection, in bytes; default {@link #DEFAULT_CONNECTION_WINDOW}, 8 MiB. */
    public Builder connectionWindow(int bytes) {
      http2.connectionWindow(bytes);
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
     * After this long without hearing from the server, ping it, and close the connection if no
     * answer comes within {@link #keepAliveTimeout}; default never. Servers refuse pings more
     * often than they permit (5 minutes by default for grpc-java, grpc-go and Shuttle).
     */
    public Builder keepAliveTime(Duration time) {
      http2.keepAliveTime(time);
      return this;
    }

    /** How long a keepalive ping may go unanswered before the connection is closed; default 20 s. */
    public Builder keepAliveTimeout(Duration timeout) {
      http2.keepAliveTimeout(timeout);
      return this;
    }

    /** Whether to send keepalive pings while no call is open; default false. */
    public Builder keepAliveWithoutCalls(boolean enabled) {
      http2.keepAliveWithoutCalls(enabled);
      return this;
    }

    /**
     * Connects with TLS (ALPN {@code h2}); without it the channel speaks cleartext HTTP/2. A
     * failed handshake fails the call with {@code UNAVAILABLE} and the reason.
     */
    public Builder tls(TlsClientConfig tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** The message encodings the channel compresses with and reads; default gzip and identity. */
    public Builder compression(CompressionRegistry registry) {
      this.compression = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    public Channel build() {
      if (inProcessName != null && tls != null) {
        throw new IllegalStateException("an in-process channel has no TLS");
      }
      return new Channel(this);
    }
  }
}
