package dev.shuttle.attack;

import static dev.shuttle.attack.RawFrames.CONTINUATION;
import static dev.shuttle.attack.RawFrames.DATA;
import static dev.shuttle.attack.RawFrames.FLAG_ACK;
import static dev.shuttle.attack.RawFrames.FLAG_END_HEADERS;
import static dev.shuttle.attack.RawFrames.FLAG_END_STREAM;
import static dev.shuttle.attack.RawFrames.FLAG_PADDED;
import static dev.shuttle.attack.RawFrames.FLAG_PRIORITY;
import static dev.shuttle.attack.RawFrames.GOAWAY;
import static dev.shuttle.attack.RawFrames.HEADERS;
import static dev.shuttle.attack.RawFrames.PING;
import static dev.shuttle.attack.RawFrames.RST_STREAM;
import static dev.shuttle.attack.RawFrames.SETTINGS;
import static dev.shuttle.attack.RawFrames.SETTINGS_INITIAL_WINDOW_SIZE;
import static dev.shuttle.attack.RawFrames.WINDOW_UPDATE;
import static dev.shuttle.attack.RawFrames.getInt;

import dev.shuttle.http2.Http2Headers;
import dev.shuttle.http2.hpack.HpackDecoder;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * An attacker's (or a raw client's) HTTP/2 connection: writes whatever bytes it is given, and
 * optionally reads on a virtual thread of its own, decoding the server's frames (HPACK with
 * Shuttle's decoder, which is tested on its own against RFC 7541), acknowledging its SETTINGS
 * and PINGs, tracking the send windows it grants, and noting its GOAWAY and when it closes.
 */
final class RawConnection implements AutoCloseable {
  private static final int SO_TIMEOUT_MILLIS = 30_000;

  /** One frame as received; a HEADERS has its CONTINUATIONs joined and its block decoded. */
  record Frame(int type, int flags, int streamId, byte[] payload, Http2Headers headers) {
    boolean has(int flag) {
      return (flags & flag) != 0;
    }

    int errorCode() {
      return switch (type) {
        case GOAWAY -> getInt(payload, 4);
        case RST_STREAM -> getInt(payload, 0);
        default -> throw new IllegalStateException("no error code in " + this);
      };
    }

    String debugData() {
      return type == GOAWAY ? new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8) : "";
    }

    String header(String name) {
      return headers == null ? null : headers.get(name);
    }

    @Override
    public String toString() {
      String name = switch (type) {
        case DATA -> "DATA";
        case HEADERS -> "HEADERS" + headers;
        case RST_STREAM -> "RST_STREAM(0x" + Integer.toHexString(errorCode()) + ")";
        case SETTINGS -> "SETTINGS";
        case PING -> "PING";
        case GOAWAY -> "GOAWAY(0x" + Integer.toHexString(errorCode()) + ", \"" + debugData() + "\")";
        case WINDOW_UPDATE -> "WINDOW_UPDATE(" + getInt(payload, 0) + ")";
        default -> "type 0x" + Integer.toHexString(type);
      };
      return name + " stream=" + streamId + " flags=0x" + Integer.toHexString(flags) + " length=" + payload.length;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE);
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ReentrantLock writeLock = new ReentrantLock();
  private volatile Consumer<Frame> listener = f -> {};
  private volatile boolean ackPings = true;
  private volatile boolean keepFrames = true;
  // Guarded by lock.
  private final List<Frame> frames = new ArrayList<>();
  private final Map<Integer, Long> streamWindows = new HashMap<>();
  private long connectionWindow = RawFrames.DEFAULT_WINDOW;
  private long initialStreamWindow = RawFrames.DEFAULT_WINDOW;
  private Frame goAway;
  private boolean closed;
  private String closedHow;
  private long dataBytesReceived;

  private RawConnection(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(SO_TIMEOUT_MILLIS);
    socket.setTcpNoDelay(true);
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16 * 1024));
    this.out = socket.getOutputStream();
  }

  static RawConnection connect(int port) throws IOException {
    return new RawConnection(new Socket(InetAddress.getLoopbackAddress(), port));
  }

  /**
   * A connection whose socket buffers are this small (set before connecting, so TCP's window
   * stays small too): little of what either side sends waits in the kernel.
   */
  static RawConnection connectWithSmallBuffers(int port, int bytes) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(bytes);
    socket.setSendBufferSize(bytes);
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
    return new RawConnection(socket);
  }

  int localPort() {
    return socket.getLocalPort();
  }

  /** Sends the preface and our SETTINGS, then waits for the server's and acknowledges them. */
  RawConnection handshake(int... settings) throws IOException {
    send(RawFrames.PREFACE, RawFrames.settings(settings));
    while (true) {
      Frame f = readFrame();
      if (f == null) {
        throw new EOFException("the server closed the connection during the handshake");
      }
      note(f);
      if (f.type() == SETTINGS && !f.has(FLAG_ACK)) {
        break;
      }
    }
    send(RawFrames.settingsAck());
    return this;
  }

  /** Frames are then handed to this listener, on the reader thread. */
  RawConnection onFrame(Consumer<Frame> listener) {
    this.listener = listener;
    return this;
  }

  /** Whether the reader answers PINGs (default true). */
  RawConnection ackPings(boolean ack) {
    this.ackPings = ack;
    return this;
  }

  /** Whether every frame is kept for {@link #frames()} (default true). */
  RawConnection keepFrames(boolean keep) {
    this.keepFrames = keep;
    return this;
  }

  /** Starts reading on a virtual thread until the server closes the connection. */
  RawConnection startReader() {
    Thread.ofVirtual().name("raw-reader-" + localPort()).start(this::readLoop);
    return this;
  }

  private void readLoop() {
    String how = "closed by the server";
    try {
      while (true) {
        Frame f;
        try {
          f = readFrame();
        } catch (SocketTimeoutException idle) {
          continue; // nothing arrived for a while, between frames: keep waiting
        }
        if (f == null) {
          break;
        }
        note(f);
        listener.accept(f);
      }
    } catch (SocketException e) {
      how = socket.isClosed() ? "closed by us" : "reset (" + e.getMessage() + ")";
    } catch (IOException | RuntimeException e) {
      how = "read failed: " + e;
    }
    lock.lock();
    try {
      closed = true;
      closedHow = how;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Applies a frame to what we track, answers what needs an answer. */
  private void note(Frame f) {
    byte[] reply = null;
    lock.lock();
    try {
      if (keepFrames) {
        frames.add(f);
      }
      switch (f.type()) {
        case SETTINGS -> {
          if (!f.has(FLAG_ACK)) {
            for (int i = 0; i + 6 <= f.payload().length; i += 6) {
              int id = ((f.payload()[i] & 0xff) << 8) | (f.payload()[i + 1] & 0xff);
              if (id == SETTINGS_INITIAL_WINDOW_SIZE) {
                long value = getInt(f.payload(), i + 2) & 0xffffffffL;
                long delta = value - initialStreamWindow;
                initialStreamWindow = value;
                streamWindows.replaceAll((k, w) -> w + delta);
              }
            }
          }
        }
        case WINDOW_UPDATE -> {
          int increment = getInt(f.payload(), 0) & 0x7fffffff;
          if (f.streamId() == 0) {
            connectionWindow += increment;
          } else {
            streamWindows.merge(f.streamId(), initialStreamWindow + increment, (w, ignored) -> w + increment);
          }
        }
        case GOAWAY -> {
          if (goAway == null) {
            goAway = f;
          }
        }
        case PING -> {
          if (!f.has(FLAG_ACK) && ackPings) {
            reply = RawFrames.ping(true, ((long) getInt(f.payload(), 0) << 32) | (getInt(f.payload(), 4) & 0xffffffffL));
          }
        }
        case DATA -> dataBytesReceived += f.payload().length;
        default -> {}
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (reply != null) {
      trySend(reply);
    }
  }

  /** Reads one frame, joining a header block; null at a clean end of stream. */
  Frame readFrame() throws IOException {
    Frame f = readRawFrame();
    if (f == null || f.type() != HEADERS) {
      return f;
    }
    byte[] p = f.payload();
    int start = 0;
    int end = p.length;
    if (f.has(FLAG_PADDED)) {
      start = 1;
      end -= p[0] & 0xff;
    }
    if (f.has(FLAG_PRIORITY)) {
      start += 5;
    }
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(p, start, end - start);
    boolean endHeaders = f.has(FLAG_END_HEADERS);
    while (!endHeaders) {
      Frame c = readRawFrame();
      if (c == null || c.type() != CONTINUATION || c.streamId() != f.streamId()) {
        throw new IOException("header block from the server not continued properly: " + c);
      }
      block.write(c.payload(), 0, c.payload().length);
      endHeaders = c.has(FLAG_END_HEADERS);
    }
    Http2Headers headers = new Http2Headers();
    byte[] bytes = block.toByteArray();
    try {
      decoder.decode(bytes, 0, bytes.length, headers::add);
    } catch (Exception e) {
      throw new IOException("cannot decode the server's header block: " + e, e);
    }
    return new Frame(HEADERS, f.flags() | FLAG_END_HEADERS, f.streamId(), bytes, headers);
  }

  private Frame readRawFrame() throws IOException {
    int first = in.read();
    if (first < 0) {
      return null;
    }
    byte[] header = new byte[9];
    header[0] = (byte) first;
    in.readFully(header, 1, 8);
    int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(header[3] & 0xff, header[4] & 0xff, getInt(header, 5) & 0x7fffffff, payload, null);
  }

  // -----------------------------------------------------------------------------------------------
  // Writing.

  /** Writes the parts as one socket write. */
  void send(byte[]... parts) throws IOException {
    byte[] all = parts.length == 1 ? parts[0] : RawFrames.concat(parts);
    writeLock.lock();
    try {
      out.write(all);
      out.flush();
    } finally {
      writeLock.unlock();
    }
  }

  /** Like {@link #send}, reporting a failed write (the server closed on us) as false. */
  boolean trySend(byte[]... parts) {
    try {
      send(parts);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  // -----------------------------------------------------------------------------------------------
  // What the reader saw.

  List<Frame> frames() {
    lock.lock();
    try {
      return new ArrayList<>(frames);
    } finally {
      lock.unlock();
    }
  }

  Frame goAway() {
    lock.lock();
    try {
      return goAway;
    } finally {
      lock.unlock();
    }
  }

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  String closedHow() {
    lock.lock();
    try {
      return closedHow;
    } finally {
      lock.unlock();
    }
  }

  long dataBytesReceived() {
    lock.lock();
    try {
      return dataBytesReceived;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the server has sent GOAWAY or closed; returns the GOAWAY, or null if there was none. */
  Frame awaitGoAwayOrClose(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (goAway == null && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("neither GOAWAY nor a close from the server within " + timeout + " on " + this);
        }
        changed.awaitNanos(left);
      }
      return goAway;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the server has closed the connection (the reader saw its end). */
  void awaitClosed(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("the server did not close the connection within " + timeout + " on " + this);
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits for a frame matching the predicate among those seen (kept) so far and to come. */
  Frame awaitFrame(java.util.function.Predicate<Frame> match, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      int checked = 0;
      while (true) {
        for (; checked < frames.size(); checked++) {
          if (match.test(frames.get(checked))) {
            return frames.get(checked);
          }
        }
        if (closed) {
          throw new AssertionError("connection closed (" + closedHow + ") before " + what + "; last frames: " + tail());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no " + what + " within " + timeout + "; last frames: " + tail());
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Guarded by lock. */
  private List<Frame> tail() {
    return frames.subList(Math.max(0, frames.size() - 10), frames.size());
  }

  // -----------------------------------------------------------------------------------------------
  // Flow control, for attackers that mean to stay within the windows the server grants.

  /**
   * Takes up to {@code wanted} bytes of send window on a stream (and the connection) without
   * waiting; returns how many may be sent now, perhaps 0.
   */
  int takeWindow(int streamId, int wanted) {
    lock.lock();
    try {
      long stream = streamWindows.computeIfAbsent(streamId, k -> initialStreamWindow);
      int n = (int) Math.max(0, Math.min(wanted, Math.min(stream, connectionWindow)));
      streamWindows.put(streamId, stream - n);
      connectionWindow -= n;
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until any frame arrives or the connection closes, at most this long. */
  void awaitAnyFrame(long nanos) throws InterruptedException {
    lock.lock();
    try {
      if (!closed) {
        changed.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Signals waiters of {@link #awaitAnyFrame} (after a state change of the caller's own). */
  void wakeWaiters() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Closes with an RST instead of a FIN (SO_LINGER 0), as a client that vanishes does. */
  void abort() {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException e) {
      // closing anyway
    }
    close();
  }

  /** The windows and the last frames, for failure messages. */
  String describe() {
    lock.lock();
    try {
      return this + ": connection window " + connectionWindow + ", initial stream window " + initialStreamWindow
          + ", closed " + closed + " (" + closedHow + "), GOAWAY " + goAway + ", " + frames.size()
          + " frames, last: " + tail();
    } finally {
      lock.unlock();
    }
  }

  long streamWindow(int streamId) {
    lock.lock();
    try {
      return streamWindows.getOrDefault(streamId, initialStreamWindow);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "raw connection from port " + socket.getLocalPort();
  }
}
