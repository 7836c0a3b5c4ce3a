package dev.shuttle.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.http2.config.Http2Config;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Corners of a connection's life: interim responses, stream ids running out, and a reader that
 * fails in a way nobody planned for.
 */
class ConnectionEdgesTest {
  private static final Http2Headers REQUEST =
      new Http2Headers().add(":method", "POST").add(":scheme", "http").add(":path", "/edge").add(":authority", "x");
  private Http2Server server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Answers each request with 200 and "ok" once the request has ended. */
  private static final Http2ServerHandler OK =
      new Http2ServerHandler() {
        @Override
        public Http2StreamListener onNewStream(Http2Stream stream, Http2Headers headers, boolean endStream) {
          if (endStream) {
            answer(stream);
            return null;
          }
          return new Recorder() {
            @Override
            public void onData(Http2Stream s, byte[] data, int offset, int length, boolean end) {
              if (end) {
                answer(s);
              }
            }
          };
        }

        @Override
        public void onHeaderListTooLarge(Http2Stream stream) {}
      };

  private static void answer(Http2Stream stream) {
    Thread.startVirtualThread(() -> {
      try {
        stream.writeHeaders(new Http2Headers().add(":status", "200"), false);
        byte[] ok = {'o', 'k'};
        stream.writeData(ok, 0, 2, true);
        stream.flush();
      } catch (Http2StreamClosedException | InterruptedException e) {
        // the client went away
      }
    });
  }

  /** Records what arrives on a client stream. */
  static class Recorder implements Http2StreamListener {
    final List<Http2Headers> blocks = new CopyOnWriteArrayList<>();
    final CompletableFuture<StreamFailure> failure = new CompletableFuture<>();
    final CountDownLatch ended = new CountDownLatch(1);

    @Override
    public void onHeaders(Http2Stream stream, Http2Headers headers, boolean endStream) {
      blocks.add(headers);
      if (endStream) {
        ended.countDown();
      }
    }

    @Override
    public void onData(Http2Stream stream, byte[] data, int offset, int length, boolean endStream) {
      if (endStream) {
        ended.countDown();
      }
    }

    @Override
    public void onFailure(Http2Stream stream, StreamFailure f) {
      failure.complete(f);
      ended.countDown();
    }
  }

  private Http2Socket connectToServer(Http2ServerHandler handler) throws IOException {
    server = Http2Server.start(new InetSocketAddress("127.0.0.1", 0), Http2Config.defaults(), handler);
    return Http2Socket.plain(new Socket(InetAddress.getLoopbackAddress(), server.localAddress().getPort()));
  }

  @Test
  void aClientSkipsInterimResponses() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Http2Connection client =
          Http2Connection.client(
              Http2Socket.plain(new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())),
              Http2Config.defaults(),
              Http2ConnectionListener.NONE);
      try (Socket raw = listener.accept()) {
        raw.setSoTimeout(10_000);
        DataInputStream in = new DataInputStream(raw.getInputStream());
        in.readFully(new byte[TestFrames.PREFACE.length]);
        OutputStream out = raw.getOutputStream();
        out.write(TestFrames.settings());
        Recorder recorder = new Recorder();
        Http2Stream stream = client.newStream(REQUEST, true, recorder);
        stream.flush();
        out.write(
            TestFrames.concat(
                TestFrames.frame(TestFrames.HEADERS, TestFrames.END_HEADERS, 1, TestFrames.block(":status", "100")),
                TestFrames.frame(TestFrames.HEADERS, TestFrames.END_HEADERS, 1, TestFrames.block(":status", "103", "link", "</a>")),
                TestFrames.frame(TestFrames.HEADERS, TestFrames.END_HEADERS, 1, TestFrames.block(":status", "200")),
                TestFrames.frame(TestFrames.DATA, 0, 1, new byte[] {1, 2}),
                TestFrames.frame(TestFrames.HEADERS, TestFrames.END_HEADERS | TestFrames.END_STREAM, 1, TestFrames.block("grpc-status", "0"))));
        assertTrue(recorder.ended.await(10, TimeUnit.SECONDS));
        assertFalse(recorder.failure.isDone(), "failure " + recorder.failure.getNow(null));
        assertEquals(2, recorder.blocks.size(), "the response and its trailers only: " + recorder.blocks);
        assertEquals("200", recorder.blocks.get(0).get(":status"));
        assertEquals("0", recorder.blocks.get(1).get("grpc-status"));
      } finally {
        client.close();
      }
    }
  }

  @Test
  void aConnectionWhoseStreamIdsRunOutTakesNoMoreStreamsButFinishesItsOwn() throws Exception {
    Http2Connection client =
        Http2Connection.client(connectToServer(OK), Http2Config.defaults(), Http2ConnectionListener.NONE, Integer.MAX_VALUE - 2);
    try {
      Recorder last = new Recorder();
      Recorder beforeLast = new Recorder();
      Http2Stream first = client.newStream(REQUEST, true, beforeLast);
      assertEquals(Integer.MAX_VALUE - 2, first.id());
      assertTrue(client.isUsable());
      Http2Stream second = client.newStream(REQUEST, true, last);
      assertEquals(Integer.MAX_VALUE, second.id());
      assertFalse(client.isUsable(), "no ids left: callers must open a new connection");
      Http2StreamClosedException refused =
          assertThrows(Http2StreamClosedException.class, () -> client.newStream(REQUEST, true, new Recorder()));
      assertEquals(StreamFailure.Kind.REFUSED, refused.failure().kind(), "nothing was sent: safe to retry elsewhere");
      second.flush();
      assertTrue(last.ended.await(10, TimeUnit.SECONDS));
      assertTrue(beforeLast.ended.await(10, TimeUnit.SECONDS));
      assertFalse(last.failure.isDone(), "failure " + last.failure.getNow(null));
      assertFalse(beforeLast.failure.isDone(), "failure " + beforeLast.failure.getNow(null));
      assertEquals("200", last.blocks.get(0).get(":status"));
      assertEquals("200", beforeLast.blocks.get(0).get(":status"));
    } finally {
      client.close();
    }
  }

  @Test
  void aReaderThatFailsUnexpectedlyEndsOnlyItsConnection() throws Exception {
    Http2ServerHandler failing =
        new Http2ServerHandler() {
          @Override
          public Http2StreamListener onNewStream(Http2Stream stream, Http2Headers headers, boolean endStream) {
            if (headers.get(":path").equals("/oom")) {
              throw new OutOfMemoryError("simulated");
            }
            return OK.onNewStream(stream, headers, endStream);
          }

          @Override
          public void onHeaderListTooLarge(Http2Stream stream) {}
        };
    Http2Socket socket = connectToServer(failing);
    CompletableFuture<Void> terminated = new CompletableFuture<>();
    Http2ConnectionListener listener =
        new Http2ConnectionListener() {
          @Override
          public void onTerminated(Http2Connection connection) {
            terminated.complete(null);
          }
        };
    Http2Connection doomed = Http2Connection.client(socket, Http2Config.defaults(), listener);
    Recorder recorder = new Recorder();
    Http2Headers oom = new Http2Headers().add(":method", "POST").add(":scheme", "http").add(":path", "/oom");
    doomed.newStream(oom, true, recorder).flush();
    StreamFailure failure = recorder.failure.get(10, TimeUnit.SECONDS);
    assertEquals(Http2ErrorCode.INTERNAL_ERROR, failure.code(), "failure " + failure);
    terminated.get(10, TimeUnit.SECONDS);

    Http2Connection healthy =
        Http2Connection.client(
            Http2Socket.plain(new Socket(InetAddress.getLoopbackAddress(), server.localAddress().getPort())),
            Http2Config.defaults(),
            Http2ConnectionListener.NONE);
    try {
      Recorder ok = new Recorder();
      healthy.newStream(REQUEST, true, ok).flush();
      assertTrue(ok.ended.await(10, TimeUnit.SECONDS));
      assertEquals("200", ok.blocks.get(0).get(":status"));
    } finally {
      healthy.close();
    }
    server.shutdown();
    assertTrue(server.awaitTermination(10, TimeUnit.SECONDS), "the server still shuts down");
  }
}
