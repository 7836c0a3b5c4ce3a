package dev.shuttle.internal;

import dev.shuttle.Metadata;
import dev.shuttle.Status;
import java.net.SocketAddress;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSession;

/**
 * One in-process call's stream: a client side and a server side in the same JVM. What one side
 * writes is handed to the other side's listener on the writer's thread, as the framed bytes the
 * writer serialized (each side parses its own copy, so no object is shared); metadata is copied
 * and a status loses its local cause, as on the wire.
 *
 * <p>Flow control as over HTTP/2: a side may have at most {@link #WINDOW} bytes sent and not yet
 * consumed by the other side's application (one larger message may pass when nothing is
 * outstanding); a writer past that blocks until the reader consumes, the stream ends, or an
 * interrupt.
 */
final class InProcessStream {
  /** Bytes a side may send ahead of the peer's application: HTTP/2's default stream window here. */
  static final int WINDOW = 1024 * 1024;

  /** Told once when the stream ends, however it ends. */
  interface Owner {
    void streamClosed(InProcessStream stream);
  }

  private final Owner owner;
  private final ClientStreamListener clientListener;
  private final SocketAddress clientAddress;
  /** Set before the client can write (the stream is not yet returned to it). */
  private ServerStreamListener serverListener;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition toServerRoom = lock.newCondition();
  private final Condition toClientRoom = lock.newCondition();
  // Guarded by lock.
  private int toServerUnconsumed;
  private int toClientUnconsumed;
  private boolean closed;

  final Client client = new Client();
  final Server server = new Server();

  InProcessStream(Owner owner, ClientStreamListener clientListener, SocketAddress clientAddress) {
    this.owner = owner;
    this.clientListener = clientListener;
    this.clientAddress = clientAddress;
  }

  void setServerListener(ServerStreamListener listener) {
    this.serverListener = listener;
  }

  /** Waits for room to send {@code length} more bytes towards the server (or the client). */
  private void acquire(boolean toServer, int length) throws StreamClosedException, InterruptedException {
    lock.lock();
    try {
      while (!closed) {
        int outstanding = toServer ? toServerUnconsumed : toClientUnconsumed;
        if (outstanding == 0 || (long) outstanding + length <= WINDOW) {
          if (toServer) {
            toServerUnconsumed += length;
          } else {
            toClientUnconsumed += length;
          }
          return;
        }
        (toServer ? toServerRoom : toClientRoom).await();
      }
      throw new StreamClosedException("stream closed", false);
    } finally {
      lock.unlock();
    }
  }

  private void release(boolean towardsServer, int bytes) {
    lock.lock();
    try {
      if (towardsServer) {
        toServerUnconsumed = Math.max(0, toServerUnconsumed - bytes);
        toServerRoom.signalAll();
      } else {
        toClientUnconsumed = Math.max(0, toClientUnconsumed - bytes);
        toClientRoom.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private void checkOpen() throws StreamClosedException {
    lock.lock();
    try {
      if (closed) {
        throw new StreamClosedException("stream closed", false);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Ends the stream; true for the one caller that ended it, who then tells the other side. */
  private boolean close() {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      closed = true;
      toServerRoom.signalAll();
      toClientRoom.signalAll();
    } finally {
      lock.unlock();
    }
    owner.streamClosed(this);
    return true;
  }

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the stream from outside both calls (the server or the channel shutting down now): the
   * client sees {@code clientStatus}, the server's handler a cancellation.
   */
  void abort(Status clientStatus, Status serverStatus) {
    if (close()) {
      ServerStreamListener listener = serverListener;
      if (listener != null) {
        listener.onFailure(serverStatus);
      }
      clientListener.onFailure(clientStatus, false);
    }
  }

  /** The status as the other side reads it: code and description, never the local cause. */
  static Status sent(Status status) {
    return status.cause() == null ? status : Status.of(status.code(), status.description());
  }

  static Metadata copy(Metadata metadata) {
    return metadata == null ? new Metadata() : new Metadata(metadata);
  }

  /** The side a {@link ClientCall} writes to. */
  final class Client implements ClientStream {
    @Override
    public void writeMessage(FramedMessage message, boolean endStream) throws StreamClosedException, InterruptedException {
      byte[] framed = message.toArray();
      acquire(true, framed.length);
      serverListener.onData(framed, 0, framed.length, endStream);
    }

    @Override
    public void halfClose() throws StreamClosedException {
      checkOpen();
      serverListener.onHalfClose();
    }

    @Override
    public void flush() {}

    @Override
    public void consumed(int bytes) {
      release(false, bytes);
    }

    @Override
    public void cancel() {
      if (close()) {
        serverListener.onFailure(Status.CANCELLED.withDescription("cancelled by client"));
      }
    }

    @Override
    public String toString() {
      return "in-process stream (client side)";
    }
  }

  /** The side a {@link ServerCall} writes to. */
  final class Server implements ServerStream {
    @Override
    public void writeHeaders(Metadata metadata, String encoding) throws StreamClosedException {
      checkOpen();
      clientListener.onHeaders(client, copy(metadata), encoding);
    }

    @Override
    public void writeTrailers(Status status, Metadata trailers) throws StreamClosedException {
      end(status, trailers);
    }

    @Override
    public void writeTrailersOnly(Status status, Metadata headersAndTrailers) throws StreamClosedException {
      end(status, headersAndTrailers);
    }

    private void end(Status status, Metadata trailers) throws StreamClosedException {
      if (!close()) {
        throw new StreamClosedException("stream closed", false);
      }
      clientListener.onTrailers(sent(status), copy(trailers));
    }

    @Override
    public void writeMessage(FramedMessage message, boolean endStream) throws StreamClosedException, InterruptedException {
      byte[] framed = message.toArray();
      acquire(false, framed.length);
      clientListener.onData(client, framed, 0, framed.length, endStream);
    }

    @Override
    public void flush() {}

    @Override
    public void flushAsync() {}

    @Override
    public void consumed(int bytes) {
      release(true, bytes);
    }

    @Override
    public void cancel() {
      if (close()) {
        clientListener.onFailure(Status.CANCELLED.withDescription("cancelled by the server"), false);
      }
    }

    @Override
    public void releaseSlot() {
      // In-process calls take no concurrency slot.
    }

    @Override
    public SocketAddress remoteAddress() {
      return clientAddress;
    }

    @Override
    public SSLSession tlsSession() {
      return null;
    }

    @Override
    public String toString() {
      return "in-process stream (server side)";
    }
  }
}
