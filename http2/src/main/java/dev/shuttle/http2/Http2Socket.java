package dev.shuttle.http2;

import dev.shuttle.http2.config.TlsClientConfig;
import dev.shuttle.http2.config.TlsServerConfig;
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

  /**
   * TLS on an accepted socket, server side. Returns at once: the handshake runs on the first
   * read or write, that is on the connection's own threads, within the config's timeout.
   */
  static Http2Socket tlsServer(Socket socket, TlsServerConfig config) throws IOException {
    return TlsSocket.server(socket, config);
  }

  /**
   * TLS on a connected socket, client side, handshaken before it returns: ALPN {@code h2}
   * agreed and the server's certificate checked against {@code host} (or the config's server
   * name).
   *
   * @throws javax.net.ssl.SSLHandshakeException with the reason when the handshake fails
   */
  static Http2Socket tlsClient(Socket socket, TlsClientConfig config, String host, int port) throws IOException {
    return TlsSocket.client(socket, config, host, port);
  }
}
