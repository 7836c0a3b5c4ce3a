package dev.shuttle.internal;

import dev.shuttle.ServerMethod;
import dev.shuttle.http2.Http2Server;
import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.config.TlsServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The ways one server is reached, started, stopped and waited for as one: a socket speaking
 * HTTP/2, an in-process name, or both. Either may be absent, never both.
 */
public final class ServerTransports {
  /** Null when the server serves in-process only. */
  private final Http2Server socket;
  /** Null when the server serves no in-process name. */
  private final InProcessServer inProcess;

  private ServerTransports(Http2Server socket, InProcessServer inProcess) {
    this.socket = socket;
    this.inProcess = inProcess;
  }

  /**
   * Starts serving {@code methodsByPath}: in-process under {@code inProcessName} unless it is
   * null, and on {@code address} when {@code listen} or when there is no in-process name. If the
   * socket cannot be bound, the in-process name is given up again.
   *
   * @throws IOException when the address cannot be bound, or another running server has the name
   */
  public static ServerTransports start(
      InetSocketAddress address,
      boolean listen,
      String inProcessName,
      Map<String, ServerMethod<?, ?>> methodsByPath,
      ServerCallSettings settings,
      RequestBufferBudget budget,
      Http2Config config,
      TlsServerConfig tls)
      throws IOException {
    int maxLingeringHandlers = config.maxConcurrentStreams();
    InProcessServer inProcess =
        inProcessName == null
            ? null
            : InProcessServer.start(inProcessName, methodsByPath, settings, budget, maxLingeringHandlers);
    Http2Server socket = null;
    if (listen || inProcess == null) {
      CallDispatcher dispatcher = new CallDispatcher(methodsByPath, settings, budget, maxLingeringHandlers);
      try {
        socket = Http2Server.start(address, config, dispatcher, tls);
      } catch (IOException | RuntimeException e) {
        if (inProcess != null) {
          inProcess.shutdownNow(); // frees the name
        }
        throw e;
      }
    }
    return new ServerTransports(socket, inProcess);
  }

  /** @throws IllegalStateException when the server listens on no socket (in-process only) */
  public InetSocketAddress address() {
    if (socket == null) {
      throw new IllegalStateException("the server listens on no socket, only in-process as \"" + inProcess.name() + "\"");
    }
    return socket.localAddress();
  }

  /** Null when the server serves no in-process name. */
  public String inProcessName() {
    return inProcess == null ? null : inProcess.name();
  }

  public int connectionCount() {
    return socket == null ? 0 : socket.connectionCount();
  }

  public void shutdown() {
    if (inProcess != null) {
      inProcess.shutdown();
    }
    if (socket != null) {
      socket.shutdown();
    }
  }

  public void shutdownNow() {
    if (inProcess != null) {
      inProcess.shutdownNow();
    }
    if (socket != null) {
      socket.shutdownNow();
    }
  }

  public boolean isShutdown() {
    return socket != null ? socket.isShutdown() : inProcess.isShutdown();
  }

  public void awaitTermination() throws InterruptedException {
    if (socket != null) {
      socket.awaitTermination();
    }
    if (inProcess != null) {
      while (!inProcess.awaitTermination(1, TimeUnit.DAYS)) {
        // waits on
      }
    }
  }

  /** Waits at most {@code timeout} in all; returns whether every transport has terminated. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (socket != null && !socket.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    return inProcess == null || inProcess.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
  }
}
