package dev.shuttle;

import static dev.shuttle.RawH2.CONTINUATION;
import static dev.shuttle.RawH2.ENHANCE_YOUR_CALM;
import static dev.shuttle.RawH2.FLAG_END_HEADERS;
import static dev.shuttle.RawH2.FLAG_END_STREAM;
import static dev.shuttle.RawH2.PRIORITY;
import static dev.shuttle.RawH2.PROTOCOL_ERROR;
import static dev.shuttle.RawH2.concat;
import static dev.shuttle.RawH2.continuation;
import static dev.shuttle.RawH2.data;
import static dev.shuttle.RawH2.frame;
import static dev.shuttle.RawH2.grpcMessage;
import static dev.shuttle.RawH2.grpcRequest;
import static dev.shuttle.RawH2.headers;
import static dev.shuttle.RawH2.int32;
import static dev.shuttle.RawH2.ping;
import static dev.shuttle.RawH2.settings;
import static dev.shuttle.RawH2.windowUpdate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Frames that cost the server work without asking for any are limited per connection: past each
 * limit the connection ends with GOAWAY ENHANCE_YOUR_CALM, and other connections go on.
 */
class AbuseLimitsTest {
  private static EchoServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = EchoServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @AfterEach
  void otherConnectionsAreUnharmed() {
    server.assertServesOtherConnections();
  }

  /** {@code count} frames made by {@code frame}, in one buffer. */
  private static byte[] repeat(int count, IntFunction<byte[]> frame) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      out.writeBytes(frame.apply(i));
    }
    return out.toByteArray();
  }

  /**
   * Sends the flood (the server may close before it has all of it) and expects ENHANCE_YOUR_CALM
   * with debug data that names the reason.
   */
  private static void assertCalmedBy(String reason, byte[]... flood) throws Exception {
    try (RawH2 conn = RawH2.connect(server.port()).handshake()) {
      conn.trySend(flood);
      RawH2.Frame goAway = conn.awaitGoAway();
      assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode(), "GOAWAY " + goAway);
      assertTrue(goAway.debugData().contains(reason), "GOAWAY debug data " + goAway);
      conn.assertClosedByServer();
    }
  }

  @Test
  void emptyDataFramesWithoutEndStream() throws Exception {
    assertCalmedBy(
        "empty DATA frames",
        headers(1, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH)),
        repeat(Http2ConfigDefaults.EMPTY_DATA + 50, i -> data(1, false, new byte[0])));
  }

  @Test
  void windowUpdates() throws Exception {
    assertCalmedBy("WINDOW_UPDATE frames", repeat(Http2ConfigDefaults.WINDOW_UPDATES + 500, i -> windowUpdate(0, 1)));
  }

  @Test
  void priorityFrames() throws Exception {
    // PRIORITY may name idle streams (RFC 9113 6.3); each costs a read and nothing else.
    assertCalmedBy("PRIORITY frames", repeat(Http2ConfigDefaults.PRIORITIES + 100, i -> frame(PRIORITY, 0, 2 * i + 1, concat(int32(0), new byte[] {16}))));
  }

  @Test
  void settingsFrames() throws Exception {
    assertCalmedBy("SETTINGS frames", repeat(Http2ConfigDefaults.SETTINGS + 50, i -> settings()));
  }

  @Test
  void pingsMoreOftenThanPermittedAreTooManyPings() throws Exception {
    // Keepalive policing answers first: a third ping too soon, with no data sent in between.
    assertCalmedBy("too_many_pings", repeat(4, i -> ping(i)));
  }

  @Test
  void pingFloodPastThePerSecondLimit() throws Exception {
    try (EchoServer permissive =
        EchoServer.start(b -> b.permitKeepAliveTime(java.time.Duration.ZERO).permitKeepAliveWithoutCalls(true))) {
      try (RawH2 conn = RawH2.connect(permissive.port()).handshake()) {
        conn.trySend(repeat(Http2ConfigDefaults.PINGS + 50, i -> ping(i)));
        RawH2.Frame goAway = conn.awaitGoAway();
        assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode(), "GOAWAY " + goAway);
        assertTrue(goAway.debugData().contains("PING frames"), "GOAWAY debug data " + goAway);
      }
      permissive.assertServesOtherConnections();
    }
  }

  @Test
  void continuationFramesAcrossHeaderBlocks() throws Exception {
    // Each block stays under the per-block limit; together they pass the per-second one.
    byte[] request = grpcRequest("/no.Such/Method");
    assertCalmedBy(
        "CONTINUATION frames per second",
        repeat(
            Http2ConfigDefaults.CONTINUATIONS / 50 + 5,
            i -> {
              int stream = 2 * i + 1;
              ByteArrayOutputStream block = new ByteArrayOutputStream();
              block.writeBytes(headers(stream, FLAG_END_STREAM, new byte[0]));
              for (int c = 0; c < 50; c++) {
                block.writeBytes(continuation(stream, 0, new byte[0]));
              }
              block.writeBytes(continuation(stream, FLAG_END_HEADERS, request));
              return block.toByteArray();
            }));
  }

  @Test
  void resetsTheClientMakesUsSendCountLikeItsOwn() throws Exception {
    // "MadeYouReset": a complete request, then a WINDOW_UPDATE of 0 on it, a stream error.
    try (RawH2 conn = RawH2.connect(server.port()).handshake()) {
      conn.trySend(
          repeat(
              Http2ConfigDefaults.RESETS + 50,
              i -> {
                int stream = 2 * i + 1;
                return concat(
                    headers(stream, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH)),
                    data(stream, true, grpcMessage("x")),
                    windowUpdate(stream, 0));
              }));
      RawH2.Frame reset = conn.awaitFrame(f -> f.type() == RawH2.RST_STREAM && f.errorCode() == PROTOCOL_ERROR, "a reset");
      assertEquals(PROTOCOL_ERROR, reset.errorCode());
      RawH2.Frame goAway = conn.awaitGoAway();
      assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode(), "GOAWAY " + goAway);
      assertTrue(goAway.debugData().contains("stream resets"), "GOAWAY debug data " + goAway);
    }
  }

  @Test
  void aContinuationFloodInOneBlockEndsAtThePerBlockLimit() throws Exception {
    assertCalmedBy(
        "more than 64 CONTINUATION",
        headers(1, 0, grpcRequest(EchoServer.ECHO_PATH)),
        repeat(100, i -> frame(CONTINUATION, 0, 1, new byte[0])));
  }

  /** The defaults the floods are sized against, read from Http2Config so the tests follow them. */
  private static final class Http2ConfigDefaults {
    static final int EMPTY_DATA = dev.shuttle.http2.config.Http2Config.DEFAULT_MAX_EMPTY_DATA_FRAMES_PER_SECOND;
    static final int WINDOW_UPDATES = dev.shuttle.http2.config.Http2Config.DEFAULT_MAX_WINDOW_UPDATES_PER_SECOND;
    static final int PRIORITIES = dev.shuttle.http2.config.Http2Config.DEFAULT_MAX_PRIORITY_FRAMES_PER_SECOND;
    static final int SETTINGS = dev.shuttle.http2.config.Http2Config.DEFAULT_MAX_SETTINGS_FRAMES_PER_SECOND;
    static final int PINGS = dev.shuttle.http2.config.Http2Config.DEFAULT_MAX_PINGS_PER_SECOND;
    static final int CONTINUATIONS = dev.shuttle.http2.config.Http2Config.DEFAULT_MAX_CONTINUATION_FRAMES_PER_SECOND;
    static final int RESETS = dev.shuttle.http2.config.Http2Config.DEFAULT_MAX_RESETS_PER_SECOND;
  }
}
