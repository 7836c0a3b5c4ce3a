package dev.shuttle.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shuttle.http2.config.Http2Config;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Flow control between two real Http2Connections over loopback, with a {@link FrameTap} in
 * between to see the frames. Windows are the protocol's 65535 bytes. The receiving application
 * controls the pace: window goes back to the sender only through {@link Http2Stream#consumed}.
 * Every assertion is on byte counts and frames; waits poll for a state with a generous limit.
 */
class FlowControlTest {
  private static final int WINDOW = 65_535;
  private static final int TOTAL = 1 << 20;
  private static final long WAIT_MILLIS = 20_000;

  private final Http2Config config = Http2Config.builder().initialStreamWindow(WINDOW).connectionWindow(WINDOW).build();

  private ServerSocket listener;
  private FrameTap tap;
  private Http2Connection client;
  private Http2Connection server;
  private Thread sender;
  private final AtomicReference<Throwable> senderFailure = new AtomicReference<>();

  // The receiving side (the server's stream).
  private final CompletableFuture<Http2Stream> serverStream = new CompletableFuture<>();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final AtomicBoolean receivedEnd = new AtomicBoolean();
  private final AtomicReference<StreamFailure> receiverFailure = new AtomicReference<>();

  private final Http2ServerHandler handler =
      new Http2ServerHandler() {
        @Override
        public Http2StreamListener onNewStream(Http2Stream stream, Http2Headers headers, boolean endStream) {
          serverStream.complete(stream);
          return new Http2StreamListener() {
            @Override
            public void onHeaders(Http2Stream s, Http2Headers h, boolean end) {}

            @Override
            public void onData(Http2Stream s, byte[] data, int offset, int length, boolean end) {
              synchronized (received) {
                received.write(data, offset, length);
              }
              if (end) {
                receivedEnd.set(true);
              }
              // Deliberately no consumed(): the test returns window by hand.
            }

            @Override
            public void onFailure(Http2Stream s, StreamFailure failure) {
              receiverFailure.set(failure);
            }
          };
        }

        @Override
        public void onHeaderListTooLarge(Http2Stream stream) {}
      };

  private static final Http2StreamListener IGNORE_RESPONSE =
      new Http2StreamListener() {
        @Override
        public void onHeaders(Http2Stream stream, Http2Headers headers, boolean endStream) {}

        @Override
        public void onData(Http2Stream stream, byte[] data, int offset, int length, boolean endStream) {}

        @Override
        public void onFailure(Http2Stream stream, StreamFailure failure) {}
      };

  /** Client and server connections, through the tap. */
  private void connectThroughTap() throws IOException {
    listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    tap = new FrameTap(listener.getLocalPort());
    Socket clientSocket = new Socket(InetAddress.getLoopbackAddress(), tap.port());
    Socket serverSocket = listener.accept();
    server = Http2Connection.server(Http2Socket.plain(serverSocket), config, handler, Http2ConnectionListener.NONE);
    client = Http2Connection.client(Http2Socket.plain(clientSocket), config, Http2ConnectionListener.NONE);
  }

  @AfterEach
  void closeEverything() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    if (sender != null) {
      sender.join(WAIT_MILLIS);
      assertFalse(sender.isAlive(), "the sender thread did not end after the connection closed");
    }
    if (tap != null) {
      tap.close();
    }
    if (listener != null) {
      listener.close();
    }
  }

  /** Starts a platform thread that opens stream 1 and writes {@code payload} with END_STREAM. */
  private void startSender(byte[] payload) {
    sender =
        new Thread(
            () -> {
              try {
                Http2Headers request = new Http2Headers().add(":method", "POST").add(":scheme", "http").add(":path", "/flow");
                Http2Stream stream = client.newStream(request, false, IGNORE_RESPONSE);
                stream.writeData(payload, 0, payload.length, true);
                stream.flush();
              } catch (Throwable t) {
                senderFailure.set(t);
              }
            },
            "flow-control-sender");
    sender.start();
  }

  private long receivedBytes() {
    synchronized (received) {
      return received.size();
    }
  }

  private static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("gave up waiting for " + what.get());
      }
      Thread.sleep(2);
    }
  }

  /**
   * Waits until the sender is parked in writeData with exactly {@code bytes} delivered, and
   * checks on the wire that exactly that much DATA went out.
   */
  private void awaitSenderStalledAt(long bytes) throws InterruptedException {
    await(
        () -> receivedBytes() == bytes && sender.getState() == Thread.State.WAITING,
        () -> "the sender to stall with " + bytes + " bytes delivered; delivered " + receivedBytes()
            + ", sender " + sender.getState() + ", failure " + senderFailure.get());
    assertEquals(bytes, tap.dataBytes(true, 1), "DATA bytes on the wire");
    assertNull(senderFailure.get());
  }

  private static long sum(List<Integer> values) {
    return values.stream().mapToLong(Integer::longValue).sum();
  }

  @Test
  void receiverThatDoesNotConsumeStallsTheSenderAfterExactlyOneWindow() throws Exception {
    connectThroughTap();
    byte[] payload = new byte[TOTAL];
    new Random(7).nextBytes(payload);
    startSender(payload);

    awaitSenderStalledAt(WINDOW);
    assertEquals(List.of(), tap.windowUpdates(false, 1), "no stream WINDOW_UPDATE before anything is consumed");
    assertFalse(receivedEnd.get());
  }

  @Test
  void windowGoesBackOnlyAsTheApplicationConsumesUntilAllOfAMebibyteIsThrough() throws Exception {
    connectThroughTap();
    byte[] payload = new byte[TOTAL];
    new Random(11).nextBytes(payload);
    startSender(payload);
    Http2Stream stream = serverStream.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);

    long consumed = 0;
    int rounds = 0;
    while (TOTAL - consumed > WINDOW) {
      long expected = consumed + WINDOW;
      awaitSenderStalledAt(expected);
      assertEquals(consumed, sum(tap.windowUpdates(false, 1)), "stream window returned so far equals bytes consumed");
      stream.consumed(WINDOW);
      consumed += WINDOW;
      rounds++;
    }
    assertEquals(TOTAL / WINDOW, rounds);
    await(receivedEnd::get, () -> "END_STREAM after " + TOTAL + " bytes; delivered " + receivedBytes());
    sender.join(WAIT_MILLIS);
    assertFalse(sender.isAlive());
    assertNull(senderFailure.get());
    assertEquals(TOTAL, tap.dataBytes(true, 1));
    List<Integer> updates = tap.windowUpdates(false, 1);
    assertEquals(rounds, updates.size(), "one stream WINDOW_UPDATE per consumed window: " + updates);
    assertTrue(updates.stream().allMatch(i -> i == WINDOW), "increments " + updates);
    synchronized (received) {
      assertArrayEquals(payload, received.toByteArray());
    }
    assertNull(receiverFailure.get());
  }

  /** Small consumptions are gathered: no WINDOW_UPDATE until half the window is consumed. */
  @Test
  void smallConsumptionsAreReturnedTogetherOnceHalfTheWindowIsConsumed() throws Exception {
    connectThroughTap();
    startSender(new byte[TOTAL]);
    Http2Stream stream = serverStream.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);

    awaitSenderStalledAt(WINDOW);
    stream.consumed(1000);
    stream.consumed(WINDOW / 2 - 1000);
    awaitSenderStalledAt(WINDOW + WINDOW / 2);
    assertEquals(List.of(WINDOW / 2), tap.windowUpdates(false, 1), "one WINDOW_UPDATE for both consumptions");
  }

  /** The connection window is not held hostage by one slow stream: a second stream still flows. */
  @Test
  void aStalledStreamDoesNotBlockAnotherStream() throws Exception {
    connectThroughTap();
    startSender(new byte[TOTAL]);
    awaitSenderStalledAt(WINDOW);

    Http2Headers request = new Http2Headers().add(":method", "POST").add(":scheme", "http").add(":path", "/other");
    Http2Stream other = client.newStream(request, false, IGNORE_RESPONSE);
    byte[] small = new byte[30_000];
    other.writeData(small, 0, small.length, true);
    other.flush();
    await(
        () -> tap.dataBytes(true, 3) == small.length && receivedBytes() == WINDOW + small.length,
        () -> "the second stream's bytes; delivered " + receivedBytes());
  }

  // -----------------------------------------------------------------------------------------------
  // A peer that ignores our window, driven by hand on a raw socket.

  @Test
  void peerSendingBeyondTheStreamWindowGetsRstStreamFlowControlError() throws Exception {
    listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
      raw.setSoTimeout(10_000);
      server = Http2Connection.server(Http2Socket.plain(listener.accept()), config, handler, Http2ConnectionListener.NONE);
      OutputStream out = raw.getOutputStream();
      byte[] request = TestFrames.block(":method", "POST", ":scheme", "http", ":path", "/greedy");
      out.write(
          TestFrames.concat(
              TestFrames.PREFACE,
              TestFrames.settings(),
              TestFrames.frame(TestFrames.HEADERS, TestFrames.END_HEADERS, 1, request)));
      for (int i = 0; i < 4; i++) { // 65536 bytes: one more than the window
        out.write(TestFrames.frame(TestFrames.DATA, 0, 1, new byte[16_384]));
      }
      out.flush();

      DataInputStream in = new DataInputStream(raw.getInputStream());
      while (true) {
        byte[] header = new byte[9];
        in.readFully(header);
        byte[] payload = new byte[((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff)];
        in.readFully(payload);
        int type = header[3] & 0xff;
        assertTrue(type != TestFrames.GOAWAY, "a stream's window overrun is a stream error, not a connection error");
        if (type == TestFrames.RST_STREAM) {
          assertEquals(1, header[8]);
          assertEquals(Http2ErrorCode.FLOW_CONTROL_ERROR.code(), payload[3]);
          break;
        }
      }
      assertEquals(3 * 16_384, receivedBytes(), "three frames delivered, the fourth refused");
      await(() -> receiverFailure.get() != null, () -> "the stream listener to learn of the failure");
      assertEquals(Http2ErrorCode.FLOW_CONTROL_ERROR, receiverFailure.get().code());
    }
  }
  // -----------------------------------------------------------------------------------------------
  // Our writers sharing the connection window, against a raw peer that returns it by hand.

  /** The peer's stream window: large, so that only the connection window limits the writers. */
  private static final int PEER_STREAM_WINDOW = 1 << 20;
  /** What each writer writes at once, and what it waits for when the connection window is closed. */
  private static final int CHUNK = 4096;
  /** The connection window the raw peer opens at first: 16 chunks. */
  private static final int FIRST_WINDOW = WINDOW + 1;

  /**
   * A raw server that has sent its SETTINGS and opened the connection window by one byte, to 16
   * chunks, and reads what our client connection sends.
   */
  private DataInputStream acceptRawServer(Socket raw) throws IOException {
    raw.setSoTimeout(10_000);
    DataInputStream in = new DataInputStream(raw.getInputStream());
    in.readFully(new byte[TestFrames.PREFACE.length]);
    raw.getOutputStream().write(TestFrames.concat(
        TestFrames.settings(0x4, PEER_STREAM_WINDOW),
        TestFrames.frame(TestFrames.SETTINGS, TestFrames.ACK, 0, new byte[0]),
        connectionWindowUpdate(FIRST_WINDOW - WINDOW)));
    return in;
  }

  /** Starts a platform thread that writes {@code bytes} on a new stream, a chunk per write. */
  private Thread startWriter(String name, int bytes, AtomicReference<Throwable> failure) {
    Thread writer =
        new Thread(
            () -> {
              try {
                Http2Headers request = new Http2Headers().add(":method", "POST").add(":scheme", "http").add(":path", "/" + name);
                Http2Stream stream = client.newStream(request, false, IGNORE_RESPONSE);
                byte[] message = new byte[CHUNK];
                for (int sent = 0; sent < bytes; sent += message.length) {
                  stream.writeData(message, 0, message.length, false);
                  stream.flush();
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "writer-" + name);
    writer.start();
    return writer;
  }

  /** Reads frames until {@code bytes} of DATA have arrived; returns the DATA bytes per stream id. */
  private static java.util.Map<Integer, Integer> readData(DataInputStream in, long bytes) throws IOException {
    java.util.Map<Integer, Integer> perStream = new java.util.TreeMap<>();
    long total = 0;
    while (total < bytes) {
      byte[] header = new byte[9];
      in.readFully(header);
      int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
      in.readFully(new byte[length]);
      if (header[3] == TestFrames.DATA) {
        int id = ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8) | (header[8] & 0xff);
        perStream.merge(id, length, Integer::sum);
        total += length;
      }
    }
    return perStream;
  }

  private static void awaitWaiting(Thread writer) throws InterruptedException {
    await(() -> writer.getState() == Thread.State.WAITING, () -> writer.getName() + " to wait; it is " + writer.getState());
  }

  private static byte[] connectionWindowUpdate(int increment) {
    return TestFrames.frame(TestFrames.WINDOW_UPDATE, 0, 0, TestFrames.int32(increment));
  }

  /** A raw server on the other end of our client connection, and our two writers waiting. */
  private Socket rawServer;

  private DataInputStream rawServerInput;

  private record WaitingWriters(
      Thread hot, AtomicReference<Throwable> hotFailure, Thread late, AtomicReference<Throwable> lateFailure) {}

  /**
   * Connects our client to a raw server and has two writers wait for the connection window: the
   * hot one, which never stops, spent it; the late one, with one chunk to send, came after.
   */
  private WaitingWriters twoWritersWaitingForTheConnectionWindow() throws Exception {
    listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Socket clientSocket = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    rawServer = listener.accept();
    Http2Config small = Http2Config.builder().maxQueuedBytes(4 * CHUNK).build(); // DATA taken a chunk at most
    client = Http2Connection.client(Http2Socket.plain(clientSocket), small, Http2ConnectionListener.NONE);
    rawServerInput = acceptRawServer(rawServer);
    AtomicReference<Throwable> hotFailure = new AtomicReference<>();
    AtomicReference<Throwable> lateFailure = new AtomicReference<>();
    Thread hot = startWriter("hot", Integer.MAX_VALUE, hotFailure);
    assertEquals(
        java.util.Map.of(1, FIRST_WINDOW), readData(rawServerInput, FIRST_WINDOW), "the hot writer spends the connection window");
    awaitWaiting(hot);
    Thread late = startWriter("late", CHUNK, lateFailure);
    awaitWaiting(late);
    return new WaitingWriters(hot, hotFailure, late, lateFailure);
  }

  @AfterEach
  void closeRawServer() throws IOException {
    if (rawServer != null) {
      rawServer.close();
    }
  }

  /**
   * A writer that found the connection window closed gets its share of the window that opens
   * before the writer that waited ahead of it takes a second chunk, however fast that one is.
   */
  @Test
  void connectionWindowThatOpensGoesToTheWaitingWritersInTurn() throws Exception {
    WaitingWriters writers = twoWritersWaitingForTheConnectionWindow();

    rawServer.getOutputStream().write(connectionWindowUpdate(2 * CHUNK));
    assertEquals(java.util.Map.of(1, CHUNK, 3, CHUNK), readData(rawServerInput, 2 * CHUNK), "a chunk for each waiting writer");
    writers.late().join(WAIT_MILLIS);
    assertFalse(writers.late().isAlive(), "the late writer sent all it had");

    rawServer.getOutputStream().write(connectionWindowUpdate(CHUNK));
    assertEquals(java.util.Map.of(1, CHUNK), readData(rawServerInput, CHUNK), "then the hot writer again");
    assertNull(writers.hotFailure().get());
    assertNull(writers.lateFailure().get());
    client.close();
    writers.hot().join(WAIT_MILLIS);
    assertFalse(writers.hot().isAlive(), "the hot writer ended with the connection");
  }

  /** A writer interrupted while it waits for the connection window leaves its place to the next. */
  @Test
  void writerThatGivesUpWaitingPassesTheConnectionWindowOn() throws Exception {
    WaitingWriters writers = twoWritersWaitingForTheConnectionWindow();

    writers.hot().interrupt();
    writers.hot().join(WAIT_MILLIS);
    assertTrue(writers.hotFailure().get() instanceof InterruptedException, "the hot writer gave up: " + writers.hotFailure().get());
    rawServer.getOutputStream().write(connectionWindowUpdate(CHUNK));
    assertEquals(java.util.Map.of(3, CHUNK), readData(rawServerInput, CHUNK), "the window went to the writer still waiting");
    writers.late().join(WAIT_MILLIS);
    assertNull(writers.lateFailure().get());
  }
}
