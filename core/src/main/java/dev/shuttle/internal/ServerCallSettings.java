package dev.shuttle.internal;

import dev.shuttle.CompressionRegistry;
import dev.shuttle.Server;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** What every call of a server shares. */
public final class ServerCallSettings {
  private final Executor executor;
  private final int maxInboundMessageSize;
  private final boolean interruptHandlersOnCancel;
  private final CompressionRegistry compression;
  private final byte[] plainResponseHeaders;
  private final CompletableFuture<Server> server;

  /**
   * @param executor where handlers run; null for a virtual thread per call
   * @param maxInboundMessageSize the largest request message accepted
   * @param interruptHandlersOnCancel whether a cancelled call's handler thread is interrupted
   * @param compression the encodings the server reads and may answer in
   * @param server the server these calls belong to, once it has started
   */
  public ServerCallSettings(
      Executor executor,
      int maxInboundMessageSize,
      boolean interruptHandlersOnCancel,
      CompressionRegistry compression,
      CompletableFuture<Server> server) {
    this.executor = executor;
    this.maxInboundMessageSize = maxInboundMessageSize;
    this.interruptHandlersOnCancel = interruptHandlersOnCancel;
    this.compression = compression;
    this.plainResponseHeaders = GrpcHeaders.plainResponseHeaders(compression.acceptEncoding());
    this.server = server;
  }

  /** The server, waiting for its start to finish if a call beat it there. */
  public Server server() {
    return server.join();
  }

  public Executor executor() {
    return executor;
  }

  public int maxInboundMessageSize() {
    return maxInboundMessageSize;
  }

  public boolean interruptHandlersOnCancel() {
    return interruptHandlersOnCancel;
  }

  public CompressionRegistry compression() {
    return compression;
  }

  /** The response headers of a call without metadata or compression, encoded once. */
  public byte[] plainResponseHeaders() {
    return plainResponseHeaders;
  }
}
