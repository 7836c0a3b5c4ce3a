package dev.shuttle.internal;

import dev.shuttle.Deadline;
import dev.shuttle.Metadata;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.ServerMethod;
import dev.shuttle.Status;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A server's in-process listener: channels in the same JVM reach it by name, with no socket, no
 * HTTP/2 and no header encoding. Calls are {@link ServerCall}s as over HTTP/2, on
 * {@link InProcessStream}s.
 */
public final class InProcessServer {
  private static final Map<String, InProcessServer> BY_NAME = new ConcurrentHashMap<>();

  private final String name;
  private final Map<String, ServerMethod<?, ?>> methodsByPath;
  private final ServerCallSettings settings;
  private final RequestBufferBudget budget;
  private final int maxLingeringHandlers;
  private final Set<InProcessStream> streams = ConcurrentHashMap.newKeySet();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition streamsEnded = lock.newCondition();
  // Guarded by lock.
  private boolean shutdown;

  private InProcessServer(
      String name,
      Map<String, ServerMethod<?, ?>> methodsByPath,
      ServerCallSettings settings,
      RequestBufferBudget budget,
      int maxLingeringHandlers) {
    this.name = name;
    this.methodsByPath = Map.copyOf(methodsByPath);
    this.settings = settings;
    this.budget = budget;
    this.maxLingeringHandlers = maxLingeringHandlers;
  }

  /**
   * Serves {@code methodsByPath} under {@code name} until shut down.
   *
   * @throws IOException when another server in this JVM serves that name
   */
  public static InProcessServer start(
      String name,
      Map<String, ServerMethod<?, ?>> methodsByPath,
      ServerCallSettings settings,
      RequestBufferBudget budget,
      int maxLingeringHandlers)
      throws IOException {
    InProcessServer server = new InProcessServer(name, methodsByPath, settings, budget, maxLingeringHandlers);
    if (BY_NAME.putIfAbsent(name, server) != null) {
      throw new IOException("an in-process server named \"" + name + "\" is already running");
    }
    return server;
  }

  /** The running server of that name, or null. */
  static InProcessServer lookup(String name) {
    return BY_NAME.get(name);
  }

  public String name() {
    return name;
  }

  /** A new connection to the server named {@code name}, or null when none runs under it. */
  public static ClientTransport connect(String name) {
    InProcessServer server = lookup(name);
    return server == null ? null : server.new Connection();
  }

  /** Takes no new calls (and frees the name); calls in progress finish. */
  public void shutdown() {
    lock.lock();
    try {
      shutdown = true;
    } finally {
      lock.unlock();
    }
    BY_NAME.remove(name, this);
  }

  /** Takes no new calls and ends those in progress: clients see {@code UNAVAILABLE}. */
  public void shutdownNow() {
    shutdown();
    for (InProcessStream stream : streams) {
      stream.abort(
          Status.UNAVAILABLE.withDescription("the server shut down"),
          Status.CANCELLED.withDescription("the server shut down"));
    }
  }

  public boolean isShutdown() {
    lock.lock();
    try {
      return shutdown;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the server is shut down and its last call has ended. */
  public boolean isTerminated() {
    lock.lock();
    try {
      return shutdown && streams.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until {@link #isTerminated()}, at most {@code timeout}; returns whether it is. */
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (!(shutdown && streams.isEmpty())) {
        if (nanos <= 0) {
          return false;
        }
        nanos = streamsEnded.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private boolean register(InProcessStream stream) {
    lock.lock();
    try {
      if (shutdown) {
        return false;
      }
      streams.add(stream);
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void unregister(InProcessStream stream) {
    lock.lock();
    try {
      if (streams.remove(stream) && streams.isEmpty()) {
        streamsEnded.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The address handlers see as the client's. */
  private static final class Address extends SocketAddress {
    private final String name;

    Address(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return "in-process:" + name;
    }
  }

  /**
   * One channel's connection to this server. Its calls share a part of the server's request
   * buffer budget, as a socket connection's do; there are no concurrency slots in-process.
   */
  private final class Connection implements ClientTransport, InProcessStream.Owner {
    private final ConnectionCalls calls = new ConnectionCalls(budget.newConnection(), maxLingeringHandlers);
    private final SocketAddress address = new Address(name);
    private final Set<InProcessStream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    @Override
    public ClientStream newStream(
        MethodDescriptor<?, ?> method,
        Metadata metadata,
        Deadline deadline,
        String encoding,
        String acceptEncoding,
        ClientStreamListener listener,
        long maxWaitNanos)
        throws StreamClosedException {
      InProcessStream stream = new InProcessStream(this, listener, address);
      open.add(stream); // before looking at closing: shutdownNow() either sees it or is seen
      if (closing) {
        open.remove(stream);
        throw new StreamClosedException("the channel is shut down", false);
      }
      if (!register(stream)) {
        open.remove(stream);
        throw new StreamClosedException("the in-process server \"" + name + "\" is shut down", false);
      }
      ServerMethod<?, ?> serverMethod = methodsByPath.get(method.path());
      if (serverMethod == null) {
        reject(stream, Status.UNIMPLEMENTED.withDescription("Method not found: " + method.fullName()), new Metadata());
      } else if (!settings.compression().supports(encoding)) {
        Metadata answer = new Metadata();
        String supported = settings.compression().acceptEncoding();
        reject(
            stream,
            Status.UNIMPLEMENTED.withDescription(
                "grpc-encoding " + encoding + " is not supported; supported: identity," + supported),
            answer);
      } else {
        ServerCall<?, ?> call =
            new ServerCall<>(
                stream.server,
                serverMethod,
                InProcessStream.copy(metadata),
                deadline,
                encoding,
                acceptEncoding.isEmpty() ? null : acceptEncoding,
                settings,
                calls);
        stream.setServerListener(call);
        call.begin(false);
      }
      return stream.client;
    }

    private void reject(InProcessStream stream, Status status, Metadata trailers) {
      stream.setServerListener(IGNORE);
      try {
        stream.server.writeTrailersOnly(status, trailers);
      } catch (StreamClosedException e) {
        // Already ended.
      }
    }

    @Override
    public void streamClosed(InProcessStream stream) {
      open.remove(stream);
      unregister(stream);
    }

    @Override
    public boolean isUsable() {
      return !closing && !isShutdown();
    }

    @Override
    public void shutdown() {
      closing = true;
    }

    @Override
    public void shutdownNow() {
      closing = true;
      for (InProcessStream stream : open) {
        stream.abort(
            Status.UNAVAILABLE.withDescription("the channel was shut down now"),
            Status.CANCELLED.withDescription("the client's channel was shut down now"));
      }
    }

    @Override
    public boolean isTerminated() {
      return closing && open.isEmpty();
    }
  }

  private static final ServerStreamListener IGNORE =
      new ServerStreamListener() {
        @Override
        public void onData(byte[] data, int offset, int length, boolean endStream) {}

        @Override
        public void onHalfClose() {}

        @Override
        public void onFailure(Status status) {}
      };
}
