package dev.shuttle.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.hpack.HpackDecoder;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of a server {@link Http2Connection} fed raw bytes over an in-memory
 * {@link Http2Socket} (run alone: {@code bin/fuzz server}). Without {@code JAZZER_FUZZ} the target
 * runs once per file in {@code ServerConnectionFuzzTestInputs/serve/} (test resources, this
 * package).
 *
 * <p>Input format: one configuration octet, then what the client sends.
 *
 * <ul>
 *   <li>bit 0: the target sends the client preface first (else the input carries its own);
 *   <li>bits 1-2: how many bytes one socket read returns, from {@link #CHUNKS};
 *   <li>bits 3-4: the server's limits, from {@link #config};
 *   <li>bit 5: the client keeps the connection open after its bytes (else it closes it). Once
 *       the server waits for more, the test shuts the connection down gracefully when no stream
 *       is open (it must then end by itself, with a GOAWAY last), or closes it.
 * </ul>
 *
 * <p>Invariant: the connection terminates (and tells its listener once); the handler never sees
 * more streams open at once than allowed, nor a header list over the limit; no stream is left
 * open; nothing is logged at WARNING or above (an unexpected exception in the reader logs
 * SEVERE); what the server wrote is a sequence of whole, well-formed frames, starting with
 * SETTINGS; a GOAWAY, if any, comes last and covers every stream the application was given; a
 * connection that the server closes while its client still keeps it open ends with a GOAWAY
 * (RFC 9113 6.8); and when the frames themselves
 * break RFC 9113 (the same bytes through a bare {@link FrameReader} end in a connection error)
 * the server has answered with a GOAWAY of a code other than NO_ERROR, and has closed the
 * connection without waiting for the client to.
 */
@Tag("fuzz")
class ServerConnectionFuzzTest {
  static final int[] CHUNKS = {Integer.MAX_VALUE, 1, 9, 1000};
  /** A bound for "the connection ended", far beyond what any input needs: a hang detector. */
  private static final long HANG_SECONDS = 10;
  private static final Http2Headers RESPONSE =
      new Http2Headers().add(":status", "200").add("content-type", "application/grpc");
  private static final Http2Headers TRAILERS = new Http2Headers().add("grpc-status", "0");
  private static final Http2Headers TOO_LARGE = new Http2Headers().add(":status", "431");

  private static final Logger SHUTTLE_LOG = Logger.getLogger("dev.shuttle"); // held: JUL keeps loggers weakly
  private static final ConcurrentLinkedQueue<LogRecord> WARNINGS = new ConcurrentLinkedQueue<>();

  static {
    SHUTTLE_LOG.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
              WARNINGS.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
  }

  static Http2Config config(int variant) {
    // The in-memory client never answers the PING between a graceful shutdown's two GOAWAYs.
    Http2Config.Builder quickShutdown = Http2Config.builder().shutdownPingTimeout(java.time.Duration.ofMillis(20));
    return switch (variant) {
      case 0 -> quickShutdown.build();
      case 1 -> quickShutdown.maxConcurrentStreams(1).maxResetsPerSecond(2).maxQueuedBytes(4096).build();
      case 2 -> quickShutdown.headerTableSize(0).maxHeaderListSize(1024).maxContinuationFrames(2).build();
      default ->
          quickShutdown.initialStreamWindow(100).connectionWindow(Http2Config.DEFAULT_PROTOCOL_WINDOW).maxFrameSize(20_000).build();
    };
  }

  @FuzzTest
  void serve(byte[] input) throws Exception {
    int flags = input.length > 0 ? input[0] & 0xFF : 0;
    byte[] wire = Arrays.copyOfRange(input, Math.min(1, input.length), input.length);
    if ((flags & 1) != 0) {
      wire = TestFrames.concat(TestFrames.PREFACE, wire);
    }
    boolean staysOpen = (flags & 0x20) != 0;
    Http2Config config = config((flags >>> 3) & 3);
    WARNINGS.clear();

    MemorySocket socket = new MemorySocket(wire, CHUNKS[(flags >>> 1) & 3], staysOpen);
    Peer peer = new Peer(socket, config);
    Http2Connection connection = Http2Connection.server(socket, config, peer, peer);
    boolean terminatedByItself = socket.awaitEnd(peer, true);
    boolean graceful = false;
    if (!terminatedByItself) {
      // The client keeps quiet. With no stream open a graceful shutdown must end the connection
      // once everything queued is out; otherwise hang up, as an idle timeout would.
      graceful = peer.streams.stream().allMatch(Http2Stream::isClosed);
      if (graceful) {
        connection.shutdownGracefully();
      } else {
        connection.close();
      }
      socket.awaitEnd(peer, false);
    }
    socket.joinThreads();

    String where = "input " + HexFormat.of().formatHex(input);
    assertEquals(1, peer.terminations.get(), "onTerminated calls; " + where);
    if (!peer.problems.isEmpty()) {
      fail(peer.problems + "; " + where);
    }
    if (!WARNINGS.isEmpty()) {
      LogRecord first = WARNINGS.peek();
      throw new AssertionError(
          "logged " + first.getLevel() + " " + first.getMessage() + "; " + where, first.getThrown());
    }
    for (Http2Stream stream : peer.streams) {
      assertTrue(stream.isClosed(), stream + " still open after the connection ended; " + where);
    }
    List<int[]> frames = parseOutput(socket.written(), where);
    Expectation expectation = expect(wire, config);
    if (staysOpen && (terminatedByItself || graceful)
        && (frames.isEmpty() || frames.get(frames.size() - 1)[0] != FrameType.GOAWAY)) {
      // RFC 9113 6.8: endpoints SHOULD send GOAWAY before closing; here the server closed a
      // connection its client still had open (only an abrupt close() is exempt).
      fail("the server closed the connection without a GOAWAY last; " + where);
    }
    int handled = peer.streams.stream().mapToInt(Http2Stream::id).max().orElse(0);
    for (int[] f : frames) {
      if (f[0] == FrameType.GOAWAY && f[2] < handled) {
        fail("GOAWAY with last stream " + f[2] + " after the application was given stream " + handled + "; " + where);
      }
    }
    Http2ErrorCode expected = expectation.connectionError();
    if (expected != null) {
      assertTrue(terminatedByItself, "no end of the connection after a connection error " + expected + "; " + where);
      int[] last = frames.isEmpty() ? null : frames.get(frames.size() - 1);
      if (last == null || last[0] != FrameType.GOAWAY) {
        fail("connection error " + expected + " without a GOAWAY; " + where);
      }
      assertTrue(last[1] != Http2ErrorCode.NO_ERROR.code(), "GOAWAY NO_ERROR for a connection error " + expected + "; " + where);
    }
  }

  /**
   * The first GOAWAY of a graceful shutdown (RFC 9113 6.8): NO_ERROR and the largest stream id,
   * followed by a PING and, later, the GOAWAY that names the last stream.
   */
  private static boolean isFirstOfTwo(int[] goAway) {
    return goAway[1] == Http2ErrorCode.NO_ERROR.code() && goAway[2] == Integer.MAX_VALUE;
  }

  /**
   * Checks the server's bytes frame by frame: a frame of each known type, complete, within the
   * default frame size, SETTINGS first, at most one GOAWAY and only as the last frame (after, for
   * a graceful shutdown, the first of its two). Returns {type, GOAWAY error code, GOAWAY last
   * stream id} per frame.
   */
  private static List<int[]> parseOutput(byte[] out, String where) {
    List<int[]> frames = new ArrayList<>();
    int pos = 0;
    while (pos < out.length) {
      if (out.length - pos < FrameType.HEADER_LENGTH) {
        fail("the server wrote half a frame header at " + pos + "; " + where);
      }
      int length = ((out[pos] & 0xff) << 16) | ((out[pos + 1] & 0xff) << 8) | (out[pos + 2] & 0xff);
      int type = out[pos + 3] & 0xff;
      int streamId = Bytes.readInt(out, pos + 5);
      int payload = pos + FrameType.HEADER_LENGTH;
      if (length > Http2Config.MIN_MAX_FRAME_SIZE || out.length - payload < length) {
        fail("the server wrote a frame of " + length + " bytes at " + pos + " with " + (out.length - payload) + " left; " + where);
      }
      if (streamId < 0) {
        fail("reserved bit set in a frame header at " + pos + "; " + where);
      }
      if (frames.isEmpty() && type != FrameType.SETTINGS) {
        fail("the server's first frame is of type " + type + ", not SETTINGS; " + where);
      }
      if (!frames.isEmpty() && frames.get(frames.size() - 1)[0] == FrameType.GOAWAY && !isFirstOfTwo(frames.getLast())) {
        fail("a frame of type " + type + " after GOAWAY; " + where);
      }
      int code = -1;
      int lastStreamId = -1;
      switch (type) {
        case FrameType.GOAWAY -> {
          assertTrue(length >= 8 && streamId == 0, "malformed GOAWAY; " + where);
          lastStreamId = Bytes.readInt(out, payload) & 0x7fffffff;
          code = Bytes.readInt(out, payload + 4);
          assertTrue(code >= 0 && code <= Http2ErrorCode.HTTP_1_1_REQUIRED.code(), "GOAWAY code " + code + "; " + where);
        }
        case FrameType.RST_STREAM -> assertTrue(length == 4 && streamId > 0, "malformed RST_STREAM; " + where);
        case FrameType.SETTINGS -> assertTrue(length % 6 == 0 && streamId == 0, "malformed SETTINGS; " + where);
        case FrameType.PING -> assertTrue(length == 8 && streamId == 0, "malformed PING; " + where);
        case FrameType.WINDOW_UPDATE -> {
          assertTrue(length == 4, "malformed WINDOW_UPDATE; " + where);
          int increment = Bytes.readInt(out, payload) & 0x7fffffff;
          assertTrue(increment > 0, "WINDOW_UPDATE of 0; " + where);
        }
        case FrameType.HEADERS, FrameType.CONTINUATION, FrameType.DATA ->
            assertTrue(streamId > 0 && streamId % 2 == 1, "frame of type " + type + " on stream " + streamId + "; " + where);
        default -> fail("the server wrote a frame of type " + type + "; " + where);
      }
      frames.add(new int[] {type, code, lastStreamId});
      pos = payload + length;
    }
    return frames;
  }

  /**
   * What the frames alone must cause: the connection error (preface, framing, HPACK), found with a
   * bare {@link FrameReader} set up as the connection sets up its own; null when there is none
   * or the bytes end first. Stream errors do not end the check, as they do not end a connection;
   * a GOAWAY from the client does, since the server may then close without reading on.
   */
  static Expectation expect(byte[] wire, Http2Config config) throws IOException {
    HpackDecoder decoder = new HpackDecoder(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE, config.maxHeaderListSize());
    FrameReader reader = new FrameReader(new FrameReaderFuzzTest.ChunkedInput(wire, 0, Integer.MAX_VALUE), decoder, config);
    FrameHandler tableSizeOnAck =
        new FrameHandler() {
          private boolean acked;

          @Override
          public void onSettingsAck() {
            if (!acked && config.headerTableSize() != HpackDecoder.DEFAULT_HEADER_TABLE_SIZE) {
              decoder.setMaxTableSize(config.headerTableSize());
            }
            acked = true;
          }

          @Override
          public void onData(int streamId, byte[] buf, int offset, int length, int flowControlledLength, boolean endStream) {}

          @Override
          public void onHeaders(int streamId, Http2Headers headers, boolean endStream) {}

          @Override
          public void onHeaderListTooLarge(int streamId, boolean endStream) {}

          @Override
          public void onPriority(int streamId, int dependency) {}

          @Override
          public void onRstStream(int streamId, Http2ErrorCode code) {}

          @Override
          public void onSettings(Http2Settings settings) {}

          @Override
          public void onPushPromise(int streamId) {}

          @Override
          public void onPing(boolean ack, long payload) {}

          @Override
          public void onGoAway(int lastStreamId, Http2ErrorCode code, String debugData) {
            // From here the server may close as soon as no stream is open, before it reads on.
            throw new ClientWentAway();
          }

          @Override
          public void onWindowUpdate(int streamId, int increment) {}
        };
    try {
      reader.readPreface();
      while (true) {
        try {
          if (!reader.readFrame(tableSizeOnAck)) {
            return new Expectation(null, false);
          }
        } catch (Http2Exception e) {
          if (e.isConnectionError()) {
            return new Expectation(e.code(), false);
          }
          // a stream error: the connection resets that stream and reads on, and so do we
        }
      }
    } catch (Http2Exception e) {
      return new Expectation(e.code(), false); // the preface
    } catch (EOFException e) {
      return new Expectation(null, false);
    } catch (ClientWentAway e) {
      return new Expectation(null, true);
    }
  }

  /** The connection error the frames must cause (or null), and whether the client sent GOAWAY. */
  record Expectation(Http2ErrorCode connectionError, boolean clientWentAway) {}

  private static final class ClientWentAway extends RuntimeException {
    ClientWentAway() {
      super(null, null, false, false);
    }
  }

  /** A trivial application: answers every request once it has ended, ignores the rest. */
  private static final class Peer implements Http2ServerHandler, Http2ConnectionListener, Http2StreamListener {
    final ConcurrentLinkedQueue<Http2Stream> streams = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    final AtomicInteger terminations = new AtomicInteger();
    private final MemorySocket socket;
    private final Http2Config config;

    Peer(MemorySocket socket, Http2Config config) {
      this.socket = socket;
      this.config = config;
    }

    @Override
    public Http2StreamListener onNewStream(Http2Stream stream, Http2Headers headers, boolean endStream) {
      streams.add(stream);
      if (headers.size() == 0) {
        problems.add("request without headers on " + stream);
      }
      if (headers.listSize() > config.maxHeaderListSize()) {
        problems.add("header list of " + headers.listSize() + " on " + stream + " over " + config.maxHeaderListSize());
      }
      long open = streams.stream().filter(s -> !s.isClosed()).count();
      if (open > config.maxConcurrentStreams()) {
        problems.add(open + " streams open at once, more than " + config.maxConcurrentStreams());
      }
      if (endStream) {
        answer(stream, RESPONSE);
      }
      return this;
    }

    @Override
    public void onHeaderListTooLarge(Http2Stream stream) {
      streams.add(stream);
      long open = streams.stream().filter(s -> !s.isClosed()).count();
      if (open > config.maxConcurrentStreams()) {
        problems.add(open + " streams open at once, more than " + config.maxConcurrentStreams());
      }
      try {
        stream.writeHeaders(TOO_LARGE, true);
        stream.flushAsync();
      } catch (Http2StreamClosedException e) {
        // reset meanwhile
      }
    }

    @Override
    public void onHeaders(Http2Stream stream, Http2Headers headers, boolean endStream) {
      if (endStream) {
        answer(stream, RESPONSE);
      }
    }

    @Override
    public void onData(Http2Stream stream, byte[] data, int offset, int length, boolean endStream) {
      if (offset < 0 || length < 0 || offset + length > data.length) {
        problems.add("DATA slice [" + offset + ", +" + length + ") of " + data.length);
      }
      stream.consumed(length);
      if (endStream) {
        answer(stream, RESPONSE);
      }
    }

    @Override
    public void onFailure(Http2Stream stream, StreamFailure failure) {
      if (failure == null) {
        problems.add("onFailure(null) on " + stream);
      }
    }

    private static void answer(Http2Stream stream, Http2Headers headers) {
      try {
        stream.writeHeaders(headers, false);
        stream.writeHeaders(TRAILERS, true);
        stream.flushAsync();
      } catch (Http2StreamClosedException e) {
        // reset or failed meanwhile: nothing to answer
      }
    }

    @Override
    public void onTerminated(Http2Connection connection) {
      terminations.incrementAndGet();
      socket.signal();
    }
  }

  /**
   * The client's side of the connection in memory: it sends {@code wire} in reads of at most
   * {@code chunk} bytes, then ends (EOF) or stays open until the server closes the socket, and it
   * keeps everything the server writes until then. Reads and writes after close fail as on a
   * closed socket.
   */
  private static final class MemorySocket implements Http2Socket {
    private final byte[] wire;
    private final int chunk;
    private final boolean staysOpen;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
    private int pos;
    private boolean closed;
    private boolean peerClosed;
    private boolean readerIdle; // the reader asked for more after the last byte
    private final List<Thread> threads = new ArrayList<>(); // the connection's reader and writer

    MemorySocket(byte[] wire, int chunk, boolean staysOpen) {
      this.wire = wire;
      this.chunk = chunk;
      this.staysOpen = staysOpen;
    }

    private final InputStream in =
        new InputStream() {
          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            lock.lock();
            try {
              noteThread();
              if (len == 0) {
                return 0;
              }
              while (!closed && !peerClosed && pos >= wire.length && staysOpen) {
                readerIdle = true;
                changed.signalAll();
                changed.awaitUninterruptibly();
              }
              if (closed) {
                throw new IOException("socket closed");
              }
              if (pos >= wire.length) {
                return -1;
              }
              int n = Math.min(Math.min(len, chunk), wire.length - pos);
              System.arraycopy(wire, pos, b, off, n);
              pos += n;
              return n;
            } finally {
              lock.unlock();
            }
          }
        };

    private final OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            lock.lock();
            try {
              noteThread();
              if (closed) {
                throw new IOException("socket closed");
              }
              written.write(b, off, len);
            } finally {
              lock.unlock();
            }
          }
        };

    /**
     * Waits until the connection has terminated (true) or, if {@code orIdle}, until the server has
     * read everything and waits for more from a client that stays open (false).
     */
    boolean awaitEnd(Peer peer, boolean orIdle) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_SECONDS);
      lock.lock();
      try {
        while (true) {
          if (peer.terminations.get() > 0) {
            return true;
          }
          if (orIdle && readerIdle && !closed) {
            return false;
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError(
                "connection neither terminated" + (orIdle ? " nor waiting for input" : "") + " after " + HANG_SECONDS + " s");
          }
          changed.awaitNanos(left);
        }
      } finally {
        lock.unlock();
      }
    }

    /** Waits until the connection's threads have ended, so none outlives its input. */
    void joinThreads() throws InterruptedException {
      List<Thread> seen;
      lock.lock();
      try {
        seen = new ArrayList<>(threads);
      } finally {
        lock.unlock();
      }
      for (Thread t : seen) {
        if (!t.join(java.time.Duration.ofSeconds(HANG_SECONDS))) {
          fail(t + " still running after the connection ended");
        }
      }
    }

    /** Remembers the connection's own threads (reader, writer helper) that touch the socket. */
    private void noteThread() {
      Thread t = Thread.currentThread();
      if (t.getName().startsWith("h2-") && !threads.contains(t)) {
        threads.add(t);
      }
    }

    void signal() {
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    byte[] written() {
      lock.lock();
      try {
        return written.toByteArray();
      } finally {
        lock.unlock();
      }
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
    public void setReadTimeout(int millis) {}

    @Override
    public SocketAddress remoteAddress() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
    }

    @Override
    public SocketAddress localAddress() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_001);
    }

    /** The client reads our last frame and closes its side, as a real peer does after GOAWAY. */
    @Override
    public void shutdownOutput() {
      lock.lock();
      try {
        peerClosed = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      lock.lock();
      try {
        closed = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
