package dev.shuttle.http2;

import static dev.shuttle.http2.TestFrames.ACK;
import static dev.shuttle.http2.TestFrames.PING;
import static dev.shuttle.http2.TestFrames.PREFACE;
import static dev.shuttle.http2.TestFrames.SETTINGS;
import static dev.shuttle.http2.TestFrames.concat;
import static dev.shuttle.http2.TestFrames.frame;
import static dev.shuttle.http2.TestFrames.int64;
import static dev.shuttle.http2.TestFrames.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shuttle.http2.config.Http2Config;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A peer that provokes frames (PING and SETTINGS acks) but never reads them must not make the
 * server queue them without bound: past the limit the connection ends, and others go on.
 */
class ControlFrameFloodTest {
  private static final int LIMIT = 4096;
  private Http2Server server;

  @BeforeEach
  void start() throws IOException {
    Http2ServerHandler refuseAll =
        new Http2ServerHandler() {
          @Override
          public Http2StreamListener onNewStream(Http2Stream stream, Http2Headers headers, boolean endStream) {
            stream.reset(Http2ErrorCode.REFUSED_STREAM);
            return null;
          }

          @Override
          public void onHeaderListTooLarge(Http2Stream stream) {}
        };
    server =
        Http2Server.start(
            new InetSocketAddress("127.0.0.1", 0),
            Http2Config.builder().maxQueuedBytes(LIMIT).build(),
            refuseAll);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"PING", "SETTINGS"})
  void aPeerThatProvokesFramesWithoutReadingIsDisconnected(String kind) throws Exception {
    byte[] provoke = kind.equals("PING") ? frame(PING, 0, 0, int64(42)) : settings(0x3, 100);
    byte[] batch = new byte[provoke.length * 1024];
    for (int i = 0; i < 1024; i++) {
      System.arraycopy(provoke, 0, batch, i * provoke.length, provoke.length);
    }
    try (Socket flooder = new Socket()) {
      flooder.setReceiveBufferSize(4096); // before connecting, so the window stays small
      flooder.connect(server.localAddress());
      flooder.setSoTimeout(10_000);
      OutputStream out = flooder.getOutputStream();
      out.write(concat(PREFACE, settings()));
      // Never reading: the server's acks pile up in its queue once the socket buffers are full.
      // Bounded: 64 Mi frames' worth would mean the limit is not enforced.
      assertThrows(
          IOException.class,
          () -> {
            for (int i = 0; i < 4096; i++) {
              out.write(batch);
            }
          },
          "the server kept reading " + kind + " frames from a peer that never reads");
    }
    assertAnswersPing();
  }

  /** A well-behaved client on a new connection still gets its PING answered. */
  private void assertAnswersPing() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server.localAddress());
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(concat(PREFACE, settings(), frame(PING, 0, 0, int64(7))));
      DataInputStream in = new DataInputStream(socket.getInputStream());
      while (true) {
        int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        in.readInt();
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (type == PING && (flags & ACK) != 0) {
          assertEquals(7, java.nio.ByteBuffer.wrap(payload).getLong());
          return;
        }
        if (type != SETTINGS && type != TestFrames.WINDOW_UPDATE) {
          throw new AssertionError("unexpected frame type " + type);
        }
      }
    }
  }
}
