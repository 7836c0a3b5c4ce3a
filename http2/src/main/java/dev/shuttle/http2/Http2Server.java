package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.config.TlsServerConfig;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts TCP connections and speaks HTTP/2 with prior knowledge (h2c) on each. Every connection
 * gets its own reader virtual thread; streams go to the {@link Http2ServerHandler}.
 *
 * <pre>{@code
 * Http2Server server = Http2Server.start(new InetSocketAddress("127.0.0.1", 0), config, handler);
 * int port = server.localAddress().getPort();
 * }</pre>
 *
 * <p>With {@link Http2Config#maxConnections()} set, a connection beyond the cap is answered with
 * GOAWAY ENHANCE_YOUR_CALM and closed.
 */
public final class Http2Server implements AutoCloseable {
  private static final System.Logger LOG = LazyLogger.of(Http2Server.class);
  private static final byte[] TOO_MANY_CONNECTIONS =
      concat(Frames.settings(), Frames.goAway(0, Http2ErrorCode.ENHANCE_YOUR_CALM, "too many connections"));

  private final ServerSocket serverSocket;
  private final TlsServerConfig tls; // null: cleartext
  private final Http2Config config;
  private final Http2ServerHandler handler;
  private final Set<Http2Connection> connections = ConcurrentHashMap.newKeySet();
  /** Connections accepted and not yet ended, counted before they are started. */
  private final AtomicInteger open = new AtomicInteger();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final Thread acceptor;
  private volatile boolean shuttingDown;
  /** Set once the acceptor stops; with no connection left the server has then terminated. */
  private volatile boolean acceptorDone;

  private Http2Server(ServerSocket serverSocket, Http2Config config, Http2ServerHandler handler, TlsServerConfig tls) {
    this.serverSocket = serverSocket;
    this.tls = tls;
    this.config = config;
    this.handler = handler;
    this.acceptor = Thread.ofVirtual().name("h2-acceptor-" + serverSocket.getLocalPort()).unstarted(new Acceptor());
  }

  /** Binds and starts accepting; port 0 picks a free port. */
  public static Http2Server start(InetSocketAddress address, Http2Config config, Http2ServerHandler handler)
      throws IOException {
    return start(address, config, handler, null);
  }

  /**
   * Like {@link #start(InetSocketAddress, Http2Config, Http2ServerHandler)}, with TLS (ALPN
   * {@code h2}) on every connection when {@code tls} is not null. Each handshake runs on its
   * connection's threads, never on the accept thread.
   */
  public static Http2Server start(
      InetSocketAddress address, Http2Config config, Http2ServerHandler handler, TlsServerConfig tls)
      throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(address, 1024);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    Http2Server server = new Http2Server(socket, config, handler, tls);
    server.acceptor.start();
    return server;
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  /** Connections open now. */
  public int connectionCount() {
    return open.get();
  }

  /** The acceptor thread's body: a class, since a method reference is one spun as a cold server starts. */
  private final class Acceptor implements Runnable {
    @Override
    public void run() {
      acceptLoop();
    }
  }

  private void acceptLoop() {
    try {
      while (!shuttingDown) {
        Socket socket = serverSocket.accept();
        if (open.incrementAndGet() > config.maxConnections()) {
          open.decrementAndGet();
          Thread.startVirtualThread(() -> turnAway(socket));
          continue;
        }
        try {
          Http2Socket transport = tls == null ? Http2Socket.plain(socket) : Http2Socket.tlsServer(socket, tls);
          Http2Connection connection = Http2Connection.unstartedServer(transport, config, handler, new Tracker());
          // Registered before it starts, so that however soon it ends, it is removed after it was added.
          connections.add(connection);
          connection.start();
          if (shuttingDown) {
            connection.shutdownGracefully();
          }
        } catch (IOException | RuntimeException e) {
          open.decrementAndGet();
          LOG.log(Level.DEBUG, "could not start a connection: {0}", e.toString());
          socket.close();
        }
      }
    } catch (SocketException e) {
      // The server socket was closed: shutting down.
    } catch (IOException e) {
      LOG.log(Level.WARNING, "accept failed", e);
    } finally {
      closeQuietly();
      acceptorDone = true;
      checkTerminated();
    }
  }

  /** Tells a client over the connection cap to go away, without waiting on it for long. */
  private static void turnAway(Socket socket) {
    try (socket) {
      socket.setSoTimeout(1_000);
      socket.getOutputStream().write(TOO_MANY_CONNECTIONS);
      socket.shutdownOutput();
    } catch (IOException e) {
      // The client is gone already.
    }
  }

  /** Stops accepting, sends GOAWAY on every connection and lets their streams finish. */
  public void shutdown() {
    shuttingDown = true;
    closeQuietly();
    for (Http2Connection connection : connections) {
      connection.shutdownGracefully();
    }
    checkTerminated();
  }

  /** Stops accepting and closes every connection now. */
  public void shutdownNow() {
    shuttingDown = true;
    closeQuietly();
    for (Http2Connection connection : connections) {
      connection.close();
    }
    checkTerminated();
  }

  public boolean isShutdown() {
    return shuttingDown;
  }

  /** Waits until the server is shut down and every connection has closed. */
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  @Override
  public void close() {
    shutdownNow();
  }

  private void closeQuietly() {
    try {
      serverSocket.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "closing server socket: {0}", e.toString());
    }
  }

  /**
   * Both the acceptor (as it stops) and each ending connection (after it is removed) check, so
   * whichever comes last sees both conditions.
   */
  private void checkTerminated() {
    if (shuttingDown && acceptorDone && connections.isEmpty()) {
      terminated.countDown();
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /** Forgets connections as they end, and completes termination after the last one. */
  private final class Tracker implements Http2ConnectionListener {
    @Override
    public void onTerminated(Http2Connection connection) {
      if (connections.remove(connection)) {
        open.decrementAndGet();
      }
      checkTerminated();
    }
  }
}
