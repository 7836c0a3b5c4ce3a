package dev.shuttle.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.http2.config.Http2Config;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which kind of thread reads a client connection: fixed, or following the threads that open its
 * streams, moving between frames without losing any.
 */
class ReaderThreadTest {
  private static final Http2Headers REQUEST =
      new Http2Headers().add(":method", "GET").add(":scheme", "http").add(":path", "/reader").add(":authority", "x");

  /** Answers every request at once, from the server's reader: 200, two bytes, end. */
  private static final Http2ServerHandler ANSWER =
      new Http2ServerHandler() {
        @Override
        public Http2StreamListener onNewStream(Http2Stream stream, Http2Headers headers, boolean endStream) {
          try {
            stream.writeHeaders(new Http2Headers().add(":status", "200"), false);
            stream.writeData(new byte[] {'o', 'k'}, 0, 2, true);
            stream.flush();
          } catch (Http2StreamClosedException | InterruptedException e) {
            throw new AssertionError(e);
          }
          return null;
        }

        @Override
        public void onHeaderListTooLarge(Http2Stream stream) {}
      };

  private Http2Server server;
  private Http2Connection client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void connect(Http2Config.ReaderThread kind) throws Exception {
    server = Http2Server.start(new InetSocketAddress("127.0.0.1", 0), Http2Config.defaults(), ANSWER);
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.localAddress().getPort());
    client =
        Http2Connection.client(
            Http2Socket.plain(socket), Http2Config.builder().readerThread(kind).build(), Http2ConnectionListener.NONE);
  }

  /** Makes {@code count} requests one after the other, each answered in full, on {@code thread}. */
  private void exchanges(int count, boolean platformThread) throws Exception {
    Callable<Void> requests =
        () -> {
          for (int i = 0; i < count; i++) {
            ConnectionEdgesTest.Recorder recorder = new ConnectionEdgesTest.Recorder();
            client.newStream(REQUEST, true, recorder).flush();
            assertTrue(recorder.ended.await(10, TimeUnit.SECONDS), "request " + i + " unanswered");
            assertFalse(recorder.failure.isDone(), () -> "failed: " + recorder.failure.getNow(null));
            assertEquals("200", recorder.blocks.get(0).get(":status"));
          }
          return null;
        };
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread.Builder threads = platformThread ? Thread.ofPlatform() : Thread.ofVirtual();
    threads.start(() -> {
      try {
        done.complete(requests.call());
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    });
    done.get(30, TimeUnit.SECONDS);
  }

  @Test
  void aReaderLikeItsStreamOpenersMovesToAPlatformThreadAndBackWithoutLosingAFrame() throws Exception {
    connect(Http2Config.ReaderThread.LIKE_STREAM_OPENERS);
    assertFalse(client.readsOnPlatformThread(), "starts on a virtual thread");

    exchanges(8, true);
    assertTrue(client.readsOnPlatformThread(), "platform threads opened the last 8 streams");

    exchanges(16, false);
    assertFalse(client.readsOnPlatformThread(), "virtual threads opened the last 16 streams");
  }

  @Test
  void mixedOpenersLeaveTheReaderWhereItIs() throws Exception {
    connect(Http2Config.ReaderThread.LIKE_STREAM_OPENERS);
    for (int i = 0; i < 10; i++) {
      exchanges(1, true);
      exchanges(1, false);
    }
    assertFalse(client.readsOnPlatformThread());
  }

  @Test
  void aVirtualReaderStaysVirtualWhoeverOpensTheStreams() throws Exception {
    connect(Http2Config.ReaderThread.VIRTUAL);
    exchanges(8, true);
    assertFalse(client.readsOnPlatformThread());
  }

  @Test
  void aPlatformReaderStaysPlatformWhoeverOpensTheStreams() throws Exception {
    connect(Http2Config.ReaderThread.PLATFORM);
    exchanges(8, false);
    assertTrue(client.readsOnPlatformThread());
  }
}
