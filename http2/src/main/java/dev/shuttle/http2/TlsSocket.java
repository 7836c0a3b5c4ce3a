package dev.shuttle.http2;

import dev.shuttle.http2.config.TlsClientConfig;
import dev.shuttle.http2.config.TlsServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * HTTP/2 over TLS on a TCP socket, with the JDK's {@link SSLEngine} (no SSLSocket, no native
 * code). This class owns the socket and the engine, wires the three parts that use them, and
 * closes:
 *
 * <ul>
 *   <li>{@link TlsHandshake} runs once, on the first thread that reads or writes (a server's
 *       connection threads, never its accept thread), or at once for a client ({@link #client}),
 *       with a deadline; it refuses peers that do not speak TLS and clients without ALPN {@code
 *       h2}.
 *   <li>{@link TlsReader} unwraps records into the caller's plaintext and handles post-handshake
 *       messages; a KeyUpdate to answer goes to the writer, so that the reader never blocks on
 *       the socket's send side.
 *   <li>{@link TlsWriter} wraps each {@link OutputStream#write} call (one batch of frames from the
 *       connection's writer) into as few records as TLS allows and sends it with one socket
 *       write.
 * </ul>
 *
 * <p>Locking: the handshake holds {@code handshakeLock} (in TlsHandshake) while it uses the
 * reader's and the writer's buffers. After it, reads and writes run concurrently: unwrap under
 * the reader's {@code readLock}, wrap under the writer's {@code wrapLock}; neither side takes the
 * other's lock. Closing sends close_notify under {@code wrapLock}, and {@link #close} only if no
 * write holds it, since closing the socket is what frees a write blocked by a peer that does not
 * read.
 */
final class TlsSocket implements Http2Socket {
  /** The one logger of the TLS layer, its parts' lines included: logging configurations name it. */
  static final System.Logger LOG = LazyLogger.of(TlsSocket.class);
  /** The ALPN protocol id of HTTP/2 over TLS, the only one offered and accepted. */
  static final String H2 = "h2";

  private final Socket socket;
  private final TlsReader reader;
  private final TlsWriter writer;
  private final TlsHandshake handshake;
  private final InputStream input = new Input();
  private final OutputStream output = new Output();
  private volatile boolean closed;

  private TlsSocket(Socket socket, SSLEngine engine, boolean client, long handshakeTimeoutNanos) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    InputStream rawIn = socket.getInputStream();
    OutputStream rawOut = socket.getOutputStream();
    this.reader = new TlsReader(socket, engine, rawIn, client, this::answerPostHandshake);
    this.writer = new TlsWriter(socket, engine, rawOut, reader);
    this.handshake =
        new TlsHandshake(socket, engine, rawOut, client, handshakeTimeoutNanos, reader, writer, () -> closed);
  }

  /** The server side on an accepted socket; the handshake happens at the first read or write. */
  static TlsSocket server(Socket socket, TlsServerConfig config) throws IOException {
    return new TlsSocket(socket, config.newEngine(), false, config.handshakeTimeout().toNanos());
  }

  /**
   * The client side on a connected socket, handshaken before it returns.
   *
   * @param host the host the target named: checked against the server's certificate unless the
   *     config names another
   */
  static TlsSocket client(Socket socket, TlsClientConfig config, String host, int port) throws IOException {
    TlsSocket tls = new TlsSocket(socket, config.newEngine(host, port), true, config.handshakeTimeout().toNanos());
    tls.handshake();
    return tls;
  }

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public void setReadTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  @Override
  public SocketAddress remoteAddress() {
    return socket.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress localAddress() {
    return socket.getLocalSocketAddress();
  }

  /** The session once the handshake is done; null before. */
  @Override
  public SSLSession tlsSession() {
    return handshake.session();
  }

  @Override
  public String toString() {
    return "tls " + socket.getLocalSocketAddress() + " <-> " + socket.getRemoteSocketAddress();
  }

  /** Runs the handshake if no thread has yet; fails as it failed for the first thread. */
  void handshake() throws IOException {
    handshake.runOnce();
  }

  // ---------------------------------------------------------------------------------------------
  // Reading.

  private int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!handshake.isDone()) {
      handshake.runOnce();
    }
    return reader.read(b, off, len);
  }

  // ---------------------------------------------------------------------------------------------
  // Writing.

  private void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (!handshake.isDone()) {
      handshake.runOnce();
    }
    if (len == 0) {
      return;
    }
    writer.write(b, off, len);
  }

  /** The reader's KeyUpdate answers go to the writer, which is built after it. */
  private void answerPostHandshake() {
    writer.schedulePostHandshakeWrap();
  }

  // ---------------------------------------------------------------------------------------------
  // Closing.

  /** Sends close_notify, then TCP FIN; reads still work. */
  @Override
  public void shutdownOutput() throws IOException {
    if (handshake.isDone()) {
      writer.closeNotify();
    }
    if (!socket.isClosed() && !socket.isOutputShutdown()) {
      socket.shutdownOutput();
    }
  }

  /**
   * Sends close_notify when no write is in progress (one that is may be blocked by a peer that
   * does not read, and closing the socket is what frees it), then closes the socket. The
   * close_notify gets a second at most.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (handshake.isDone()) {
        writer.closeNotifyUnlessWriting();
      }
    } finally {
      socket.close();
    }
  }

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing more to free.
    }
  }

  private final class Input extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return TlsSocket.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff; // never 0 for one byte asked
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return TlsSocket.this.read(b, off, len);
    }

    @Override
    public void close() throws IOException {
      TlsSocket.this.close();
    }
  }

  private final class Output extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      TlsSocket.this.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      TlsSocket.this.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      TlsSocket.this.close();
    }
  }
}
