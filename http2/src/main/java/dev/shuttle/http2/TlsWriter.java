package dev.shuttle.http2;

import static dev.shuttle.http2.TlsBuffers.EMPTY;
import static dev.shuttle.http2.TlsBuffers.ensureCapacity;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * The write side of a {@link TlsSocket}: each batch of frames from the connection's writer is
 * wrapped into as few records as TLS allows and sent with one socket write. It also sends what
 * the engine has to say on its own: handshake flights and alerts (for the handshake), answers to
 * post-handshake messages (on a short-lived virtual thread, so that the reader never blocks on
 * the socket's send side) and close_notify.
 *
 * <p>Locking: {@code wrapLock} guards {@code netOut}, {@code outboundClosed} and {@code
 * packetSize}; it is the only one of our locks taken here, so a write never waits for a read to
 * let go of one. The handshake uses them before any write, holding its own lock instead (the
 * methods marked so below); its done flag, volatile, publishes them to the writing threads. A
 * close takes {@code wrapLock} only if it is free: a write in progress may be blocked by a peer
 * that does not read, and closing the socket is what frees it.
 */
final class TlsWriter {
  /** The most records one socket write carries; larger batches go out in several writes. */
  private static final int MAX_RECORDS_PER_WRITE = 8;
  /** How long a close_notify may take to go out before the socket is closed regardless. */
  private static final long CLOSE_NOTIFY_MILLIS = 1_000;

  private final Socket socket;
  private final SSLEngine engine;
  private final OutputStream rawOut;
  private final TlsReader reader;
  private final AtomicBoolean postHandshakeWrapScheduled = new AtomicBoolean();

  private final ReentrantLock wrapLock = new ReentrantLock();
  /** Records wrapped, not yet written; filled from 0 to position. */
  private ByteBuffer netOut;
  private boolean outboundClosed;
  /**
   * The session's packet buffer size, kept here: asking the engine takes its lock, which the
   * reader holds while it decrypts. Refreshed when a wrap says the buffer is too small.
   */
  private int packetSize;

  /**
   * @param socket closed when a close_notify does not go out in time, and named in log lines;
   *     writes go through {@code rawOut}
   * @param reader asked for the peer's reason when a send fails
   */
  TlsWriter(Socket socket, SSLEngine engine, OutputStream rawOut, TlsReader reader) {
    this.socket = socket;
    this.engine = engine;
    this.rawOut = rawOut;
    this.reader = reader;
  }

  // ---------------------------------------------------------------------------------------------
  // For the handshake, which holds handshakeLock.

  void allocateBuffer(int packetBufferSize) {
    netOut = ByteBuffer.allocate(2 * packetBufferSize);
  }

  /** Wraps handshake messages into netOut; when it is full, sends it and grows it first. */
  SSLEngineResult wrapHandshake() throws IOException {
    SSLEngineResult result = engine.wrap(EMPTY, netOut);
    if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
      sendWrapped();
      netOut = ensureCapacity(netOut, engine.getSession().getPacketBufferSize());
    }
    return result;
  }

  /** After the engine failed: its fatal alert, if it made one, goes out before we close. */
  void sendPendingAlert() {
    try {
      for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
        SSLEngineResult result = engine.wrap(EMPTY, netOut);
        if (result.bytesProduced() == 0 && result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
          break;
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          sendWrapped();
        }
      }
      sendWrapped();
    } catch (IOException | RuntimeException ignored) {
      // The connection is failing anyway.
    }
  }

  /** Ends the outbound side with the engine's alert, for a handshake we refuse. */
  void closeOutboundQuietly() {
    try {
      outboundClosed = true;
      engine.closeOutbound();
      sendPendingAlert();
    } catch (RuntimeException ignored) {
      // Closing anyway.
    }
  }

  void handshakeDone(SSLSession session) {
    packetSize = session.getPacketBufferSize();
  }

  // ---------------------------------------------------------------------------------------------
  // Writing, once the handshake is done.

  /** Wraps and sends {@code len} bytes (positive) of {@code b}. */
  void write(byte[] b, int off, int len) throws IOException {
    IOException sendFailure;
    wrapLock.lock();
    try {
      if (outboundClosed) {
        throw new SocketException("TLS output is closed");
      }
      int records = Math.min(MAX_RECORDS_PER_WRITE, 1 + len / (16 * 1024));
      netOut = ensureCapacity(netOut, records * packetSize);
      try {
        wrapAll(ByteBuffer.wrap(b, off, len));
        return;
      } catch (SSLException e) {
        throw e;
      } catch (IOException e) {
        sendFailure = e;
      }
    } finally {
      wrapLock.unlock();
    }
    throw reader.peerReasonFor(sendFailure);
  }

  /**
   * Answers a post-handshake message (a KeyUpdate) on a helper virtual thread, so that the reader
   * never waits on the send side; requests made while one is pending share it.
   */
  void schedulePostHandshakeWrap() {
    if (postHandshakeWrapScheduled.compareAndSet(false, true)) {
      Thread.ofVirtual().name("tls-post-handshake").start(this::postHandshakeWrap);
    }
  }

  private void postHandshakeWrap() {
    wrapLock.lock();
    try {
      postHandshakeWrapScheduled.set(false);
      // A write since may have carried it out already; then this wraps nothing.
      for (int i = 0; i < 4 && !outboundClosed && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
        ensureRoomForRecord();
        SSLEngineResult result = engine.wrap(EMPTY, netOut);
        if (result.getStatus() != SSLEngineResult.Status.OK) {
          break;
        }
      }
      sendWrapped();
    } catch (IOException | RuntimeException e) {
      TlsSocket.LOG.log(
          System.Logger.Level.DEBUG,
          "TLS post-handshake message to {0} not sent: {1}",
          socket.getRemoteSocketAddress(),
          e.getMessage());
    } finally {
      wrapLock.unlock();
    }
  }

  /** Wraps all of {@code src} and sends it; wrapLock held. */
  private void wrapAll(ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      ensureRoomForRecord();
      SSLEngineResult result = engine.wrap(src, netOut);
      switch (result.getStatus()) {
        case OK -> {}
        case BUFFER_OVERFLOW -> {
          sendWrapped();
          packetSize = engine.getSession().getPacketBufferSize();
          netOut = ensureCapacity(netOut, packetSize);
        }
        case CLOSED -> throw new SocketException("TLS connection is closed");
        case BUFFER_UNDERFLOW -> throw new SSLException("unexpected " + result);
      }
      if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
        TlsHandshake.runDelegatedTasks(engine);
      } else if (result.bytesConsumed() == 0 && result.bytesProduced() == 0
          && result.getStatus() == SSLEngineResult.Status.OK) {
        throw new SSLException("the TLS engine wraps nothing: " + result);
      }
    }
    sendWrapped();
  }

  /** The engine wraps only into room for a whole record of the largest size; wrapLock held. */
  private void ensureRoomForRecord() throws IOException {
    if (netOut.remaining() < packetSize) {
      sendWrapped();
      netOut = ensureCapacity(netOut, packetSize);
    }
  }

  /** Sends the records wrapped so far, in one socket write; wrapLock or handshakeLock held. */
  void sendWrapped() throws IOException {
    if (netOut.position() > 0) {
      rawOut.write(netOut.array(), netOut.arrayOffset(), netOut.position());
      netOut.clear();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Closing, once the handshake is done.

  /** Sends close_notify, after any write in progress. */
  void closeNotify() throws IOException {
    wrapLock.lock();
    try {
      sendCloseNotify();
    } finally {
      wrapLock.unlock();
    }
  }

  /**
   * Sends close_notify when no write is in progress (one that is may be blocked by a peer that
   * does not read, and closing the socket is what frees it). The close_notify gets a second at
   * most; then the socket is closed under it.
   */
  void closeNotifyUnlessWriting() {
    if (!wrapLock.tryLock()) {
      return;
    }
    CompletableFuture<Void> guard =
        CompletableFuture.runAsync(
            () -> TlsSocket.closeQuietly(socket),
            CompletableFuture.delayedExecutor(CLOSE_NOTIFY_MILLIS, TimeUnit.MILLISECONDS, Runnable::run));
    try {
      sendCloseNotify();
    } catch (IOException e) {
      // The peer is gone: nothing to tell it.
    } finally {
      guard.cancel(false);
      wrapLock.unlock();
    }
  }

  /** Guarded by wrapLock. */
  private void sendCloseNotify() throws IOException {
    if (outboundClosed) {
      return;
    }
    outboundClosed = true;
    engine.closeOutbound();
    for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
      ensureRoomForRecord();
      SSLEngineResult result = engine.wrap(EMPTY, netOut);
      if (result.bytesProduced() == 0) {
        break;
      }
    }
    sendWrapped();
  }
}
