package dev.shuttle.http2;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * The handshake of a {@link TlsSocket}, run once, on the first thread that reads or writes (a
 * server's connection threads, never its accept thread), or at once for a client. A deadline
 * closes the socket of a handshake that does not finish in time, whether the peer is silent or
 * does not read. Before it, the first bytes are checked: a cleartext HTTP/2 client on a TLS port
 * gets a cleartext GOAWAY saying so ({@link CleartextRefusal}), a client or server that does not
 * speak TLS a clear error, and a client that does not offer ALPN {@code h2} a {@code
 * no_application_protocol} alert. ALPN {@code h2} is required both ways. A failure is logged as
 * one line and remembered: every later read or write fails with the same reason.
 *
 * <p>Locking: {@code handshakeLock} is held for the whole handshake, and guards {@code
 * handshakeFailure}. The handshake fills and unwraps through the reader's buffers and wraps
 * through the writer's, holding this lock instead of theirs: no read or write reaches them
 * before {@code handshakeDone}, volatile, is set, which publishes them.
 */
final class TlsHandshake {
  /** A plaintext fatal no_application_protocol(120) alert, valid before the server's first flight. */
  private static final byte[] NO_APPLICATION_PROTOCOL_ALERT = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x78};
  private static final int RECORD_TYPE_ALERT = 0x15;
  private static final int RECORD_TYPE_HANDSHAKE = 0x16;

  private final Socket socket;
  private final SSLEngine engine;
  private final OutputStream rawOut;
  private final boolean client;
  private final long handshakeTimeoutNanos;
  private final TlsReader reader;
  private final TlsWriter writer;
  private final BooleanSupplier closedByOwner;

  private final ReentrantLock handshakeLock = new ReentrantLock();
  private volatile boolean handshakeDone;
  private volatile boolean handshakeTimedOut;
  private SSLHandshakeException handshakeFailure; // guarded by handshakeLock
  private volatile SSLSession session;

  /**
   * @param socket closed at the deadline and on failure
   * @param rawOut the socket's own output, which carries the alerts sent outside TLS
   * @param closedByOwner whether the socket was closed on purpose: a handshake that fails then is
   *     no news, and is not logged
   */
  TlsHandshake(
      Socket socket,
      SSLEngine engine,
      OutputStream rawOut,
      boolean client,
      long handshakeTimeoutNanos,
      TlsReader reader,
      TlsWriter writer,
      BooleanSupplier closedByOwner) {
    this.socket = socket;
    this.engine = engine;
    this.rawOut = rawOut;
    this.client = client;
    this.handshakeTimeoutNanos = handshakeTimeoutNanos;
    this.reader = reader;
    this.writer = writer;
    this.closedByOwner = closedByOwner;
  }

  boolean isDone() {
    return handshakeDone;
  }

  /** The session once the handshake is done; null before. */
  SSLSession session() {
    return session;
  }

  /** Runs the handshake if no thread has yet; fails as it failed for the first thread. */
  void runOnce() throws IOException {
    if (handshakeDone) {
      return;
    }
    handshakeLock.lock();
    try {
      if (handshakeDone) {
        return;
      }
      if (handshakeFailure != null) {
        throw new SSLHandshakeException(handshakeFailure.getMessage());
      }
      // Closing the socket at the deadline bounds reads and writes alike: a silent client, and
      // one that does not read our flight, both end there.
      CompletableFuture<Void> deadline =
          CompletableFuture.runAsync(
              this::handshakeTimedOut,
              CompletableFuture.delayedExecutor(handshakeTimeoutNanos, TimeUnit.NANOSECONDS, Runnable::run));
      try {
        runHandshake();
        if (!deadline.cancel(false) || handshakeTimedOut) {
          throw new SocketException("closed at the handshake deadline"); // finished just too late
        }
      } catch (IOException | RuntimeException e) {
        String reason = reason(e);
        handshakeFailure = new SSLHandshakeException(client ? "TLS handshake failed: " + reason : reason);
        handshakeFailure.initCause(e);
        if (!closedByOwner.getAsBoolean() || handshakeTimedOut) {
          // One line, no stack trace: a peer's mistake is not our bug. A client's caller gets
          // the reason in its status, so the client logs it for debugging only.
          TlsSocket.LOG.log(
              client ? System.Logger.Level.DEBUG : System.Logger.Level.INFO,
              "TLS handshake with {0} failed: {1}",
              socket.getRemoteSocketAddress(),
              reason);
        }
        TlsSocket.closeQuietly(socket);
        throw handshakeFailure;
      } finally {
        deadline.cancel(false);
      }
      session = engine.getSession();
      writer.handshakeDone(session);
      reader.handshakeDone(session);
      handshakeDone = true;
    } finally {
      handshakeLock.unlock();
    }
  }

  private void handshakeTimedOut() {
    handshakeTimedOut = true;
    TlsSocket.closeQuietly(socket);
  }

  private String reason(Exception e) {
    String reason;
    if (handshakeTimedOut) {
      reason = "no TLS handshake within " + TimeUnit.NANOSECONDS.toMillis(handshakeTimeoutNanos) + " ms";
    } else if (e instanceof Refused) {
      reason = e.getMessage();
    } else if (e instanceof EOFException) {
      reason = client
          ? "the server closed the connection during the TLS handshake (is it a plaintext port?)"
          : "the client closed the connection during the TLS handshake";
    } else {
      reason = e.getMessage() == null ? e.toString() : e.getMessage();
    }
    // The JDK names its internal exception class inside the text; the words after it say it all.
    return reason.replace("sun.security.provider.certpath.SunCertPathBuilderException: ", "");
  }

  private void runHandshake() throws IOException {
    int packet = engine.getSession().getPacketBufferSize();
    reader.allocateBuffers(packet, engine.getSession().getApplicationBufferSize());
    writer.allocateBuffer(packet);
    boolean firstWrap = true;
    boolean firstBytesChecked = false;
    try {
      engine.beginHandshake();
      HandshakeStatus status = engine.getHandshakeStatus();
      while (status != HandshakeStatus.NOT_HANDSHAKING) {
        switch (status) {
          case NEED_WRAP -> {
            if (!client && firstWrap) {
              refuseUnlessH2Offered();
            }
            firstWrap = false;
            SSLEngineResult result = writer.wrapHandshake();
            status = result.getHandshakeStatus();
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
              writer.sendWrapped();
              throw new SSLHandshakeException("the TLS engine closed during the handshake");
            }
            if (status != HandshakeStatus.NEED_WRAP) {
              writer.sendWrapped(); // one write per flight
            }
          }
          case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
            SSLEngineResult result = reader.unwrapToAppIn();
            status = result.getHandshakeStatus();
            switch (result.getStatus()) {
              case BUFFER_UNDERFLOW -> {
                if (!reader.receive()) {
                  throw new EOFException("closed during the handshake");
                }
                if (!firstBytesChecked) {
                  firstBytesChecked = true;
                  checkFirstByte();
                }
              }
              case BUFFER_OVERFLOW -> reader.growPlaintextBuffer();
              case CLOSED -> throw new SSLHandshakeException("the peer closed TLS during the handshake");
              case OK -> {}
            }
          }
          case NEED_TASK -> {
            runDelegatedTasks(engine);
            status = engine.getHandshakeStatus();
          }
          case FINISHED -> status = engine.getHandshakeStatus(); // a session ticket may follow
          case NOT_HANDSHAKING -> {}
        }
      }
      writer.sendWrapped();
    } catch (SSLException e) {
      if (!(e instanceof Refused)) {
        writer.sendPendingAlert();
      }
      throw e;
    }
    String protocol = engine.getApplicationProtocol();
    if (!TlsSocket.H2.equals(protocol)) {
      writer.closeOutboundQuietly();
      throw new Refused(
          client
              ? "the server did not agree to HTTP/2 over TLS (ALPN h2)"
              : "the client did not negotiate HTTP/2 (ALPN h2)");
    }
  }

  /**
   * Before the server's first flight: a client that offered no ALPN at all would get through the
   * JDK's handshake (one that offered other protocols only is refused by the JDK itself), so it
   * gets the alert here, in plaintext, which is what it would be at this point.
   */
  private void refuseUnlessH2Offered() throws IOException {
    String offered = engine.getHandshakeApplicationProtocol();
    if (offered != null && !offered.equals(TlsSocket.H2)) {
      rawOut.write(NO_APPLICATION_PROTOCOL_ALERT);
      rawOut.flush();
      throw new Refused("the client did not offer HTTP/2 (ALPN h2); sent no_application_protocol");
    }
  }

  /** A peer that does not speak TLS is told so at its first byte, not by a confusing alert. */
  private void checkFirstByte() throws IOException {
    ByteBuffer netIn = reader.received();
    int first = netIn.get(netIn.position()) & 0xff;
    if (client) {
      if (first < 0x14 || first > 0x17) {
        throw new Refused("the server did not answer with TLS (is it a plaintext port?)");
      }
      return;
    }
    if (first == RECORD_TYPE_HANDSHAKE) {
      return;
    }
    if (CleartextRefusal.isCleartextPreface(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining())) {
      try {
        CleartextRefusal.answer(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining(), socket);
      } catch (IOException e) {
        // The client is gone already; the refusal is logged all the same.
      }
      throw new Refused("the client sent cleartext HTTP/2 to this TLS port");
    }
    if (first == RECORD_TYPE_ALERT || first == 0x14 || first == 0x17) {
      throw new Refused("the client did not start with a TLS ClientHello (record type " + first + ")");
    }
    throw new Refused("the client does not speak TLS (first byte 0x" + Integer.toHexString(first) + ")");
  }

  /** Delegated tasks are handshake work, wherever the engine asks for them: run here and now. */
  static void runDelegatedTasks(SSLEngine engine) {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }

  /** A handshake we end on purpose: no engine alert follows it, and its message is the reason. */
  private static final class Refused extends SSLHandshakeException {
    Refused(String reason) {
      super(reason);
    }
  }
}
