package dev.shuttle.http2;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * A connection's input with an absolute deadline, for the preface and for a header block left
 * unfinished: a socket read timeout alone restarts with every byte, so a peer trickling one byte
 * at a time could stretch it without end. Used by the reader thread only.
 */
final class DeadlineInputStream extends InputStream {
  private final InputStream in;
  private final Http2Socket socket;
  /** {@link System#nanoTime()} by which reads must be done; 0 for none. */
  private long deadline;
  /** What the socket's read timeout is set to now, in milliseconds. */
  private int timeoutMillis;

  DeadlineInputStream(InputStream in, Http2Socket socket) {
    this.in = in;
    this.socket = socket;
  }

  void setDeadline(long nanoTime) {
    deadline = nanoTime == 0 ? 1 : nanoTime;
  }

  void clearDeadline() {
    deadline = 0;
  }

  boolean hasDeadline() {
    return deadline != 0;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int wanted = 0;
    if (deadline != 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("read deadline passed");
      }
      wanted = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
    }
    if (wanted != timeoutMillis) {
      socket.setReadTimeout(wanted);
      timeoutMillis = wanted;
    }
    return in.read(b, off, len);
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }
}
