package dev.shuttle.http2;

import static dev.shuttle.http2.TlsBuffers.grow;
import static dev.shuttle.http2.TlsBuffers.growWriting;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLProtocolException;
import javax.net.ssl.SSLSession;

/**
 * The read side of a {@link TlsSocket}: records from the socket, unwrapped into the caller's
 * plaintext. A record that fits the caller's array is decrypted straight into it; one that does
 * not goes to {@code appIn}, and the rest waits there for the next read. Post-handshake messages
 * are handled as they come: a TLS 1.3 session ticket is absorbed by the engine, a KeyUpdate that
 * must be answered is handed to the write side ({@code answerPostHandshake}), so that the reader
 * never blocks on the socket's send side, and a TLS 1.2 renegotiation ends the connection (RFC
 * 9113, 9.2.1).
 *
 * <p>Locking: {@code readLock} guards {@code netIn}, {@code appIn} and {@code inboundDone}; it is
 * the only one of our locks taken here, so a read never waits for a write to let go of one. The
 * handshake uses these buffers before any read, holding its own lock instead (the methods marked
 * so below); its done flag, volatile, publishes them to the reading thread. {@code
 * inboundFailure} and {@code inboundEnded} are read by writers without the lock.
 */
final class TlsReader {
  private final Socket socket;
  private final SSLEngine engine;
  private final InputStream rawIn;
  private final boolean client;
  private final Runnable answerPostHandshake;
  /** Set by the handshake, before any read. */
  private SSLSession session;

  private final ReentrantLock readLock = new ReentrantLock();
  /** Records received, not yet unwrapped; kept ready to read (position..limit). */
  private ByteBuffer netIn;
  /** Plaintext unwrapped, not yet read by the caller; ready to read (position..limit). */
  private ByteBuffer appIn;
  private boolean inboundDone;
  /** Why the peer ended its side, once the reader knows: its alert, or a closed socket. */
  private volatile IOException inboundFailure;
  private final CountDownLatch inboundEnded = new CountDownLatch(1);

  /**
   * @param socket named in log lines only: reads go through {@code rawIn}
   * @param answerPostHandshake starts, off the reading thread, the wrap of a post-handshake
   *     message the engine has to send back (a KeyUpdate)
   */
  TlsReader(Socket socket, SSLEngine engine, InputStream rawIn, boolean client, Runnable answerPostHandshake) {
    this.socket = socket;
    this.engine = engine;
    this.rawIn = rawIn;
    this.client = client;
    this.answerPostHandshake = answerPostHandshake;
  }

  // ---------------------------------------------------------------------------------------------
  // For the handshake, which holds handshakeLock; receive, unwrapToAppIn and growPlaintextBuffer
  // serve it and the reads alike.

  void allocateBuffers(int packetBufferSize, int applicationBufferSize) {
    netIn = ByteBuffer.allocate(2 * packetBufferSize).flip();
    appIn = ByteBuffer.allocate(applicationBufferSize).flip();
  }

  /** What the socket has sent and the engine has not yet unwrapped, to look at, not to consume. */
  ByteBuffer received() {
    return netIn;
  }

  void handshakeDone(SSLSession session) {
    this.session = session;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading, once the handshake is done.

  /** Reads plaintext into {@code b}; {@code len} is positive. -1 once the peer ended its side. */
  int read(byte[] b, int off, int len) throws IOException {
    readLock.lock();
    try {
      int n = readLocked(b, off, len);
      if (n < 0) {
        inboundEnded.countDown();
      }
      return n;
    } catch (IOException e) {
      inboundFailure = e;
      inboundEnded.countDown();
      throw e;
    } finally {
      readLock.unlock();
    }
  }

  /**
   * A write that fails because the peer closed often races its reason: a TLS 1.3 server that
   * refuses our certificate sends its alert just after our handshake is done, then closes. The
   * reader is about to read that alert; a moment's wait lets the failure name it rather than
   * "broken pipe".
   */
  IOException peerReasonFor(IOException writeFailure) {
    try {
      inboundEnded.await(200, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    IOException reason = inboundFailure;
    if (reason instanceof SSLException) {
      return new SSLException(reason.getMessage(), writeFailure);
    }
    return writeFailure;
  }

  private int readLocked(byte[] b, int off, int len) throws IOException {
    while (true) {
      if (appIn.hasRemaining()) {
        int n = Math.min(len, appIn.remaining());
        appIn.get(b, off, n);
        return n;
      }
      if (inboundDone) {
        return -1;
      }
      if (netIn.hasRemaining()) {
        int produced = unwrapInto(ByteBuffer.wrap(b, off, len));
        if (produced > 0) {
          return produced;
        }
        if (appIn.hasRemaining() || inboundDone) {
          continue;
        }
      }
      if (!receive()) {
        // The peer closed TCP without close_notify: HTTP/2 frames delimit themselves, so a
        // truncation shows as a frame cut short, which the frame reader reports.
        inboundDone = true;
        return -1;
      }
    }
  }

  /**
   * Unwraps the complete records in netIn straight into {@code dst} while they fit; a record
   * that does not fit goes to appIn instead. Returns the bytes put in {@code dst}; 0 with
   * nothing in appIn (and the inbound open) means netIn holds no complete record: read more.
   */
  private int unwrapInto(ByteBuffer dst) throws IOException {
    int produced = 0;
    while (netIn.hasRemaining()) {
      SSLEngineResult result = engine.unwrap(netIn, dst);
      produced += result.bytesProduced();
      afterUnwrap(result);
      switch (result.getStatus()) {
        case OK -> {
          if (result.bytesConsumed() == 0 && result.bytesProduced() == 0
              && result.getHandshakeStatus() != HandshakeStatus.NEED_TASK) {
            return produced;
          }
        }
        case CLOSED -> {
          inboundDone = true;
          return produced;
        }
        case BUFFER_UNDERFLOW -> {
          return produced;
        }
        case BUFFER_OVERFLOW -> {
          if (produced > 0) {
            return produced;
          }
          // The engine checks room before completeness: the record may not all be here yet.
          SSLEngineResult.Status fallback = unwrapOneToAppIn();
          if (fallback == SSLEngineResult.Status.BUFFER_UNDERFLOW || appIn.hasRemaining() || inboundDone) {
            return 0;
          }
          // A record without application data (a session ticket, a key update): the records
          // after it may be here already, so go on with them rather than wait for the socket.
        }
      }
    }
    return produced;
  }

  /** Unwraps one record into the (empty) appIn, growing it to the session's size if needed. */
  private SSLEngineResult.Status unwrapOneToAppIn() throws IOException {
    for (int attempt = 0; attempt < 2; attempt++) {
      SSLEngineResult result = unwrapToAppIn();
      afterUnwrap(result);
      switch (result.getStatus()) {
        case BUFFER_OVERFLOW -> growPlaintextBuffer();
        case CLOSED -> {
          inboundDone = true;
          return result.getStatus();
        }
        default -> {
          return result.getStatus();
        }
      }
    }
    throw new SSLException("a TLS record does not fit the session's application buffer");
  }

  /** After a BUFFER_OVERFLOW: appIn grows to the session's application buffer size. */
  void growPlaintextBuffer() {
    appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
  }

  /** Unwraps from netIn into appIn (where handshake records leave nothing). */
  SSLEngineResult unwrapToAppIn() throws SSLException {
    appIn.compact();
    try {
      return engine.unwrap(netIn, appIn);
    } finally {
      appIn.flip();
    }
  }

  /** Post-handshake messages: tasks run here, an answer to send goes to the write side. */
  private void afterUnwrap(SSLEngineResult result) throws IOException {
    HandshakeStatus status = result.getHandshakeStatus();
    if (status == HandshakeStatus.NEED_TASK) {
      TlsHandshake.runDelegatedTasks(engine);
      status = engine.getHandshakeStatus();
    }
    if (status == HandshakeStatus.NOT_HANDSHAKING
        || status == HandshakeStatus.FINISHED
        || result.getStatus() == SSLEngineResult.Status.CLOSED) {
      return;
    }
    if (!"TLSv1.3".equals(session.getProtocol())) {
      String reason = "the peer started a TLS renegotiation, which HTTP/2 forbids (RFC 9113, 9.2.1)";
      TlsSocket.LOG.log(
          client ? System.Logger.Level.DEBUG : System.Logger.Level.INFO,
          "TLS connection with {0} ended: {1}",
          socket.getRemoteSocketAddress(),
          reason);
      throw new SSLProtocolException(reason);
    }
    if (status == HandshakeStatus.NEED_WRAP) {
      answerPostHandshake.run(); // a KeyUpdate to answer
    }
  }

  /** Reads what the socket has into netIn, growing it when a record does not fit; false at EOF. */
  boolean receive() throws IOException {
    netIn.compact();
    try {
      if (!netIn.hasRemaining()) {
        netIn = growWriting(netIn, Math.max(2 * netIn.capacity(), engine.getSession().getPacketBufferSize()));
      }
      int n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
      if (n < 0) {
        return false;
      }
      netIn.position(netIn.position() + n);
      return true;
    } finally {
      netIn.flip();
    }
  }
}
