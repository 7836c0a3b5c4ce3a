package dev.shuttle;

import static dev.shuttle.RawH2.FLAG_END_HEADERS;
import static dev.shuttle.RawH2.FLAG_PRIORITY;
import static dev.shuttle.RawH2.FLOW_CONTROL_ERROR;
import static dev.shuttle.RawH2.FRAME_SIZE_ERROR;
import static dev.shuttle.RawH2.PRIORITY;
import static dev.shuttle.RawH2.PROTOCOL_ERROR;
import static dev.shuttle.RawH2.REFUSED_STREAM;
import static dev.shuttle.RawH2.SETTINGS_INITIAL_WINDOW_SIZE;
import static dev.shuttle.RawH2.SETTINGS_MAX_CONCURRENT_STREAMS;
import static dev.shuttle.RawH2.STREAM_CLOSED;
import static dev.shuttle.RawH2.concat;
import static dev.shuttle.RawH2.continuation;
import static dev.shuttle.RawH2.data;
import static dev.shuttle.RawH2.frame;
import static dev.shuttle.RawH2.grpcMessage;
import static dev.shuttle.RawH2.grpcRequest;
import static dev.shuttle.RawH2.headers;
import static dev.shuttle.RawH2.int32;
import static dev.shuttle.RawH2.windowUpdate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stream errors and things to ignore: the offending stream gets RST_STREAM (or a gRPC status)
 * with the RFC 9113 code, and the same connection goes on serving other streams. Every test ends
 * with a well-behaved request on the same connection.
 */
class StreamErrorIsolationTest {
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

  private static RawH2 handshake() throws Exception {
    return RawH2.connect(server.port()).handshake();
  }

  private static byte[] openRequest(int stream) {
    return headers(stream, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH));
  }

  // -----------------------------------------------------------------------------------------------
  // Extension frames (RFC 9113 sections 4.1 and 5.5).

  @Test
  void unknownFrameTypeOnStreamZeroIsIgnored() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(frame(0xfa, 0xff, 0, "extension payload".getBytes()), frame(0xfb, 0, 0, new byte[0]));
      EchoServer.assertEchoes(conn, 1);
    }
  }

  @Test
  void unknownFrameTypeOnAnOpenStreamIsIgnored() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(
          openRequest(1),
          frame(0xfa, 0x01, 1, "looks like END_STREAM but is not".getBytes()),
          data(1, true, grpcMessage("through")));
      RawH2.Response response = conn.awaitResponse(1);
      assertEquals("0", response.grpcStatus(), "response " + response);
      assertEquals("echo:through", response.firstMessage());
      EchoServer.assertEchoes(conn, 3);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Stream errors (RFC 9113 section 5.4.2).

  @Test
  void windowUpdateOfZeroOnAStreamResetsOnlyThatStream() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(openRequest(1), windowUpdate(1, 0));
      assertEquals(PROTOCOL_ERROR, conn.awaitReset(1).errorCode());
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void streamWindowOverflowResetsOnlyThatStreamWithFlowControlError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(openRequest(1), windowUpdate(1, Integer.MAX_VALUE));
      assertEquals(FLOW_CONTROL_ERROR, conn.awaitReset(1).errorCode());
      EchoServer.assertEchoes(conn, 3);
    }
  }

  /**
   * The server advertises its default call window, and DATA past it is reset with
   * FLOW_CONTROL_ERROR. Whole messages that the handler has not taken hold their window, so a
   * window's worth of them leaves none for the next byte; what the call held goes back to the
   * budget, and the connection goes on.
   */
  @Test
  void dataPastTheAdvertisedCallWindowResetsOnlyThatStreamWithFlowControlError() throws Exception {
    MethodDescriptor<String, String> hold =
        MethodDescriptor.of(MethodType.CLIENT_STREAMING, "hostile.Hold", "Hold", TestMarshallers.UTF8, TestMarshallers.UTF8);
    CountDownLatch never = new CountDownLatch(1);
    ServiceDefinition holding =
        ServiceDefinition.builder("hostile.Hold")
            .clientStreaming(hold, (requests, context) -> {
              try {
                never.await(); // takes no message: each keeps its window
              } catch (InterruptedException cancelled) {
                Thread.currentThread().interrupt();
              }
              return "";
            })
            .build();
    try (EchoServer holdingServer = EchoServer.start(builder -> builder.service(holding));
        RawH2 conn = RawH2.connect(holdingServer.port()).handshake()) {
      int window = conn.serverSetting(SETTINGS_INITIAL_WINDOW_SIZE);
      assertEquals(Server.DEFAULT_INITIAL_STREAM_WINDOW, window, "the advertised window");
      int frameSize = 16_384;
      byte[] message = grpcMessage(new byte[frameSize - 5]);
      conn.send(headers(1, FLAG_END_HEADERS, grpcRequest("/hostile.Hold/Hold")));
      for (int sent = 0; sent < window; sent += frameSize) {
        conn.send(data(1, false, message));
      }
      conn.send(data(1, false, new byte[1]));
      assertEquals(FLOW_CONTROL_ERROR, conn.awaitReset(1).errorCode());
      Eventually.until(
          () -> holdingServer.server().bufferedRequestBytes() == 0, "the reset call's messages are released");
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void priorityWithBadLengthResetsTheStreamWithFrameSizeError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(openRequest(1), frame(PRIORITY, 0, 1, new byte[4]));
      assertEquals(FRAME_SIZE_ERROR, conn.awaitReset(1).errorCode());
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void streamDependingOnItselfIsResetWithProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      byte[] priority = concat(int32(1), new byte[] {15}); // depends on stream 1, weight 16
      conn.send(headers(1, FLAG_END_HEADERS | FLAG_PRIORITY, concat(priority, grpcRequest(EchoServer.ECHO_PATH))));
      assertEquals(PROTOCOL_ERROR, conn.awaitReset(1).errorCode());
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void dataAfterEndStreamIsResetWithStreamClosed() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(openRequest(1), data(1, true, grpcMessage("first")), data(1, false, grpcMessage("too late")));
      assertEquals(STREAM_CLOSED, conn.awaitReset(1).errorCode());
      EchoServer.assertEchoes(conn, 3);
    }
  }

  /** RFC 9113 8.1: a second header block must end the stream (h2spec 8.1/1). */
  @Test
  void trailersWithoutEndStreamAreResetWithProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(openRequest(1), headers(1, FLAG_END_HEADERS, RawH2.block("x-trailer", "t")));
      assertEquals(PROTOCOL_ERROR, conn.awaitReset(1).errorCode());
      EchoServer.assertEchoes(conn, 3);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Header list size (SETTINGS_MAX_HEADER_LIST_SIZE, 8 KiB by default).

  @Test
  void headerListOverTheLimitFailsOnlyThatStream() throws Exception {
    try (RawH2 conn = handshake()) {
      String big = "a".repeat(9000);
      conn.send(headers(1, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH, "x-big", big)));
      assertResourceExhaustedOrReset(conn.awaitResponse(1));
      EchoServer.assertEchoes(conn, 3);
    }
  }

  /**
   * An oversized list spread over CONTINUATIONs, whose fields add entries to the server's HPACK
   * table: the stream fails, but the table must still take those entries, or every later block
   * on the connection would decode wrongly. The next request relies on one of them.
   */
  @Test
  void headerListOverTheLimitKeepsTheHpackTableInSync() throws Exception {
    try (RawH2 conn = handshake()) {
      ByteArrayOutputStream block = new ByteArrayOutputStream();
      block.writeBytes(RawH2.request("POST", EchoServer.ECHO_PATH, null));
      for (int i = 0; i < 3; i++) {
        RawH2.literalWithoutIndexing(block, "x-big-" + i, "b".repeat(5000));
      }
      // Past the limit: still to be entered into the dynamic table (it becomes index 62).
      RawH2.literalWithIndexing(block, "content-type", "application/grpc");
      byte[] b = block.toByteArray();
      conn.send(
          headers(1, 0, Arrays.copyOfRange(b, 0, 6000)),
          continuation(1, 0, Arrays.copyOfRange(b, 6000, 12000)),
          continuation(1, FLAG_END_HEADERS, Arrays.copyOfRange(b, 12000, b.length)));
      assertResourceExhaustedOrReset(conn.awaitResponse(1));

      byte[] next = concat(RawH2.request("POST", EchoServer.ECHO_PATH, null), new byte[] {(byte) (0x80 | 62)});
      conn.send(headers(3, FLAG_END_HEADERS, next), data(3, true, grpcMessage("indexed")));
      RawH2.Response response = conn.awaitResponse(3);
      assertEquals("0", response.grpcStatus(), "request using the dynamic table entry: " + response);
      assertEquals("echo:indexed", response.firstMessage());
    }
  }

  private static void assertResourceExhaustedOrReset(RawH2.Response response) {
    if (response.resetCode() == null) {
      assertEquals("8", response.grpcStatus(), "expected RESOURCE_EXHAUSTED: " + response);
    } else {
      assertTrue(response.headerBlocks().isEmpty(), "reset after headers: " + response);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Concurrency limit (SETTINGS_MAX_CONCURRENT_STREAMS).

  @Test
  void streamsBeyondMaxConcurrentStreamsAreRefusedAndOthersGoOn() throws Exception {
    try (RawH2 conn = handshake()) {
      Integer limit = conn.serverSetting(SETTINGS_MAX_CONCURRENT_STREAMS);
      assertNotNull(limit, "the server announces SETTINGS_MAX_CONCURRENT_STREAMS");
      ByteArrayOutputStream open = new ByteArrayOutputStream();
      for (int i = 0; i < limit; i++) {
        open.writeBytes(openRequest(1 + 2 * i)); // each waits for its request message
      }
      int excess = 1 + 2 * limit;
      open.writeBytes(openRequest(excess));
      open.writeBytes(openRequest(excess + 2));
      conn.send(open.toByteArray());
      assertEquals(REFUSED_STREAM, conn.awaitReset(excess).errorCode());
      assertEquals(REFUSED_STREAM, conn.awaitReset(excess + 2).errorCode());

      // The accepted streams still work; finishing one frees a slot for a new stream.
      conn.send(data(1, true, grpcMessage("one")));
      RawH2.Response first = conn.awaitResponse(1);
      assertEquals("echo:one", first.firstMessage());
      EchoServer.assertEchoes(conn, excess + 4);
      conn.send(data(2 * limit - 1, true, grpcMessage("last")));
      assertEquals("echo:last", conn.awaitResponse(2 * limit - 1).firstMessage());
    }
  }
}
