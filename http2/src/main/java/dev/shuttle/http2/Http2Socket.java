package dev.shuttle.http2;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.ssl.SSLSession;

/**
 * The byte stream one HTTP/2 connection runs on: a TCP socket in cleartext, or TLS over one. The
 * connection reads from one thread and writes from another, so {@link #input()} and
 * {@link #output()} must work concurrently.
 */
public interface Http2Socket extends AutoCloseable {
  /** Bytes from the peer, decrypted when the socket is TLS. */
  InputStream input() throws IOException;

  /** Bytes to the peer; each {@code write} may go out as it is, so callers batch. */
  OutputStream output() throws IOException;

  /** Bounds every later read to {@code millis} (0: no bound), as {@link Socket#setSoTimeout}. */
  void setReadTimeout(int millis) throws IOException;

  SocketAddress remoteAddress();

  SocketAddress localAddress();

  /** The TLS session, or null in cleartext. */
  default SSLSession tlsSession() {
    return null;
  }

  /**
   * Tells the peer we send nothing more (TCP FIN, after TLS close_notify), while reads still
   * work: the peer then reads our last frames before it sees the connection end.
   */
  void shutdownOutput() throws IOException;

  /** Closes both directions at once. */
  @Override
  void close() throws IOException;

  /** A cleartext TCP socket, with Nagle's algorithm off: the writer batches frames itself. */
  static Http2Socket plain(Socket socket) throws IOException {
    return new PlainSocket(socket);
  }
}
