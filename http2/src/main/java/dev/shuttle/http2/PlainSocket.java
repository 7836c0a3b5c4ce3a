package dev.shuttle.http2;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;

/** HTTP/2 in cleartext (h2c with prior knowledge) straight over a TCP socket. */
final class PlainSocket implements Http2Socket {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  PlainSocket(Socket socket) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  @Override
  public InputStream input() {
    return in;
  }

  @Override
  public OutputStream output() {
    return out;
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

  @Override
  public void shutdownOutput() throws IOException {
    if (!socket.isClosed() && !socket.isOutputShutdown()) {
      socket.shutdownOutput();
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  @Override
  public String toString() {
    return "tcp " + socket.getLocalSocketAddress() + " <-> " + socket.getRemoteSocketAddress();
  }
}
