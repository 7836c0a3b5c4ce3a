package dev.shuttle;

import static dev.shuttle.RawH2.CANCEL;
import static dev.shuttle.RawH2.COMPRESSION_ERROR;
import static dev.shuttle.RawH2.ENHANCE_YOUR_CALM;
import static dev.shuttle.RawH2.FLAG_ACK;
import static dev.shuttle.RawH2.FLAG_END_HEADERS;
import static dev.shuttle.RawH2.FLAG_END_STREAM;
import static dev.shuttle.RawH2.FLOW_CONTROL_ERROR;
import static dev.shuttle.RawH2.FRAME_SIZE_ERROR;
import static dev.shuttle.RawH2.HEADERS;
import static dev.shuttle.RawH2.PING;
import static dev.shuttle.RawH2.PREFACE;
import static dev.shuttle.RawH2.PROTOCOL_ERROR;
import static dev.shuttle.RawH2.PUSH_PROMISE;
import static dev.shuttle.RawH2.RST_STREAM;
import static dev.shuttle.RawH2.SETTINGS;
import static dev.shuttle.RawH2.SETTINGS_INITIAL_WINDOW_SIZE;
import static dev.shuttle.RawH2.WINDOW_UPDATE;
import static dev.shuttle.RawH2.concat;
import static dev.shuttle.RawH2.continuation;
import static dev.shuttle.RawH2.data;
import static dev.shuttle.RawH2.frame;
import static dev.shuttle.RawH2.frameHeader;
import static dev.shuttle.RawH2.grpcMessage;
import static dev.shuttle.RawH2.grpcRequest;
import static dev.shuttle.RawH2.headers;
import static dev.shuttle.RawH2.int32;
import static dev.shuttle.RawH2.ping;
import static dev.shuttle.RawH2.rstStream;
import static dev.shuttle.RawH2.settings;
import static dev.shuttle.RawH2.windowUpdate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Connection errors: a peer that breaks HTTP/2 so that the connection cannot go on gets GOAWAY
 * with the RFC 9113 error code and is disconnected, and every other connection is unaffected.
 * Frames are built by hand on a raw socket; the assertions are on the bytes the server sends.
 */
class HostilePeerTest {
  private static EchoServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = EchoServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** Whatever a test did to its own connection, a well-behaved client on another one is served. */
  @AfterEach
  void otherConnectionsAreUnharmed() {
    server.assertServesOtherConnections();
  }

  private static RawH2 connect() throws Exception {
    return RawH2.connect(server.port());
  }

  private static RawH2 handshake() throws Exception {
    return connect().handshake();
  }

  /**
   * A peer that cancelled a busy stream may answer each of our frames still in flight with a
   * reset (grpc-java's Netty does): resets of closed streams are not abuse, however many.
   */
  @Test
  void resetsOfStreamsAlreadyClosedAreNotCountedAsRapidReset() throws Exception {
    try (RawH2 conn = handshake()) {
      EchoServer.assertEchoes(conn, 1);
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      for (int i = 0; i < 1000; i++) {
        burst.writeBytes(rstStream(1, CANCEL));
      }
      conn.send(burst.toByteArray());
      EchoServer.assertEchoes(conn, 3);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // The connection preface (RFC 9113 section 3.4).

  /** The server's own SETTINGS come first; then GOAWAY(PROTOCOL_ERROR), then the close. */
  private static void assertPrefaceRejected(byte[] garbage) throws Exception {
    try (RawH2 conn = connect()) {
      conn.send(garbage);
      RawH2.Frame first = conn.next();
      assertEquals(SETTINGS, first == null ? -1 : first.type(), "the server's first frame: " + first);
      assertFalse(first.has(FLAG_ACK));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  @Test
  void http11RequestInsteadOfPrefaceGetsGoAwayProtocolError() throws Exception {
    assertPrefaceRejected("GET / HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  /** Shorter than the 24-byte preface, and the client then waits for an answer without closing. */
  @Test
  void shortHttp11RequestInsteadOfPrefaceGetsGoAwayProtocolError() throws Exception {
    assertPrefaceRejected("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void randomBytesInsteadOfPrefaceGetGoAwayProtocolError() throws Exception {
    byte[] noise = new byte[100];
    new Random(42).nextBytes(noise);
    noise[0] = 0x17; // anything but 'P'
    assertPrefaceRejected(noise);
  }

  @Test
  void prefaceWrongInItsLastBytesGetsGoAwayProtocolError() throws Exception {
    byte[] almost = PREFACE.clone();
    almost[almost.length - 5] = 'X';
    assertPrefaceRejected(concat(almost, settings()));
  }

  @Test
  void firstFrameOtherThanSettingsGetsGoAwayProtocolError() throws Exception {
    try (RawH2 conn = connect()) {
      conn.send(PREFACE, ping(7));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Frame size (RFC 9113 section 4.2).

  @Test
  void headersFrameLargerThanMaxFrameSizeGetsGoAwayFrameSizeError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(frameHeader(16_385, HEADERS, FLAG_END_HEADERS, 1), new byte[16_385]);
      conn.assertGoAwayAndClose(FRAME_SIZE_ERROR);
    }
  }

  @Test
  void unknownFrameLargerThanMaxFrameSizeGetsGoAwayFrameSizeError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(frameHeader(100_000, 0xfa, 0, 0), new byte[100_000]);
      conn.assertGoAwayAndClose(FRAME_SIZE_ERROR);
    }
  }

  @Test
  void frameOfExactlyMaxFrameSizeIsAccepted() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(frame(0xfa, 0, 0, new byte[16_384]));
      EchoServer.assertEchoes(conn, 1);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Header compression (RFC 9113 section 4.3, RFC 7541).

  static Stream<Arguments> malformedHeaderBlocks() {
    return Stream.of(
        Arguments.of("index past the static and the empty dynamic table", bytes(0x80 | 70)),
        Arguments.of("index 0", bytes(0x80)),
        Arguments.of("name index past the tables", bytes(0x0f, 0x30, 0x01, 'v')),
        Arguments.of("Huffman string containing EOS", bytes(0x00, 0x84, 0xff, 0xff, 0xff, 0xff, 0x01, 'v')),
        Arguments.of("Huffman padding of zeros", bytes(0x00, 0x81, 0x00, 0x01, 'v')),
        Arguments.of("truncated integer", bytes(0xff, 0x80)),
        Arguments.of("integer overflowing 32 bits", bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)),
        Arguments.of("string running past the block", bytes(0x00, 0x0a, 'a', 'b')),
        Arguments.of("missing value string", bytes(0x00, 0x01, 'a')),
        Arguments.of("table size update above SETTINGS_HEADER_TABLE_SIZE", bytes(0x3f, 0xe2, 0x1f)),
        Arguments.of("table size update after a field", bytes(0x82, 0x20)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedHeaderBlocks")
  void malformedHeaderBlockGetsGoAwayCompressionError(String what, byte[] block) throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(headers(1, FLAG_END_HEADERS | FLAG_END_STREAM, block));
      conn.assertGoAwayAndClose(COMPRESSION_ERROR);
    }
  }

  /** The block is checked once whole: a broken field split over CONTINUATION is still caught. */
  @Test
  void malformedHeaderBlockSplitOverContinuationGetsGoAwayCompressionError() throws Exception {
    try (RawH2 conn = handshake()) {
      byte[] good = grpcRequest(EchoServer.ECHO_PATH);
      conn.send(
          headers(1, FLAG_END_STREAM, Arrays.copyOf(good, 10)),
          continuation(1, 0, Arrays.copyOfRange(good, 10, good.length)),
          continuation(1, FLAG_END_HEADERS, bytes(0x80 | 99)));
      conn.assertGoAwayAndClose(COMPRESSION_ERROR);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Stream and frame rules that are connection errors (RFC 9113 sections 5.1, 6).

  @Test
  void headersOnStreamZeroGetsGoAwayProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(headers(0, FLAG_END_HEADERS | FLAG_END_STREAM, grpcRequest(EchoServer.ECHO_PATH)));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  @Test
  void dataOnIdleStreamGetsGoAwayProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(data(5, true, grpcMessage("nobody opened me")));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  @Test
  void evenStreamIdFromClientGetsGoAwayProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(headers(2, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH)));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  /** RFC 9113 5.1.1: a new stream id must exceed every id the client used; h2spec 5.1.1/2. */
  @Test
  void newStreamIdLowerThanAPreviousOneGetsGoAwayProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      EchoServer.assertEchoes(conn, 5);
      conn.send(headers(3, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH)));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  @Test
  void continuationWithoutHeadersGetsGoAwayProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(continuation(1, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH)));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  @Test
  void otherFrameInsideAHeaderBlockGetsGoAwayProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      byte[] block = grpcRequest(EchoServer.ECHO_PATH);
      conn.send(
          headers(1, 0, Arrays.copyOf(block, 10)),
          ping(1),
          continuation(1, FLAG_END_HEADERS, Arrays.copyOfRange(block, 10, block.length)));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  @Test
  void continuationOnAnotherStreamGetsGoAwayProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      byte[] block = grpcRequest(EchoServer.ECHO_PATH);
      conn.send(
          headers(1, 0, Arrays.copyOf(block, 10)),
          continuation(3, FLAG_END_HEADERS, Arrays.copyOfRange(block, 10, block.length)));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  @Test
  void settingsWithLengthNotMultipleOfSixGetsGoAwayFrameSizeError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(frame(SETTINGS, 0, 0, new byte[5]));
      conn.assertGoAwayAndClose(FRAME_SIZE_ERROR);
    }
  }

  @Test
  void settingsAckWithPayloadGetsGoAwayFrameSizeError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(frame(SETTINGS, FLAG_ACK, 0, new byte[6]));
      conn.assertGoAwayAndClose(FRAME_SIZE_ERROR);
    }
  }

  @Test
  void settingsOnAStreamGetsGoAwayProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(frame(SETTINGS, 0, 1, new byte[0]));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  @Test
  void pingWithBadLengthGetsGoAwayFrameSizeError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(frame(PING, 0, 0, new byte[7]));
      conn.assertGoAwayAndClose(FRAME_SIZE_ERROR);
    }
  }

  @Test
  void pingIsAnsweredWithItsPayload() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(ping(0x0123456789abcdefL));
      RawH2.Frame ack = conn.awaitFrame(f -> f.type() == PING, "PING ack");
      assertEquals(FLAG_ACK, ack.flags());
      assertEquals(0x01234567, RawH2.readInt(ack.payload(), 0));
      assertEquals(0x89abcdef, RawH2.readInt(ack.payload(), 4));
    }
  }

  @Test
  void windowUpdateOfZeroOnConnectionGetsGoAwayProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(windowUpdate(0, 0));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  @Test
  void windowUpdateWithBadLengthGetsGoAwayFrameSizeError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(frame(WINDOW_UPDATE, 0, 0, new byte[3]));
      conn.assertGoAwayAndClose(FRAME_SIZE_ERROR);
    }
  }

  @Test
  void connectionWindowOverflowGetsGoAwayFlowControlError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(windowUpdate(0, Integer.MAX_VALUE));
      conn.assertGoAwayAndClose(FLOW_CONTROL_ERROR);
    }
  }

  /** RFC 9113 6.9.2: an INITIAL_WINDOW_SIZE change that overflows an open stream's window. */
  @Test
  void initialWindowSizeChangeOverflowingAStreamGetsGoAwayFlowControlError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(
          headers(1, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH)),
          windowUpdate(1, Integer.MAX_VALUE - 65_535),
          settings(SETTINGS_INITIAL_WINDOW_SIZE, 65_536));
      conn.assertGoAwayAndClose(FLOW_CONTROL_ERROR);
    }
  }

  @Test
  void rstStreamOnIdleStreamGetsGoAwayProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(rstStream(7, CANCEL));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  @Test
  void rstStreamWithBadLengthGetsGoAwayFrameSizeError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(headers(1, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH)), frame(RST_STREAM, 0, 1, new byte[3]));
      conn.assertGoAwayAndClose(FRAME_SIZE_ERROR);
    }
  }

  @Test
  void pushPromiseFromClientGetsGoAwayProtocolError() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(
          headers(1, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH)),
          frame(PUSH_PROMISE, FLAG_END_HEADERS, 1, concat(int32(2), grpcRequest(EchoServer.ECHO_PATH))));
      conn.assertGoAwayAndClose(PROTOCOL_ERROR);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Resource exhaustion.

  /** Endless CONTINUATION frames (CVE-2024-27316 style) are cut off, not buffered. */
  @Test
  void continuationFloodGetsGoAwayEnhanceYourCalm() throws Exception {
    try (RawH2 conn = handshake()) {
      Thread flooder =
          Thread.ofVirtual()
              .start(
                  () -> {
                    byte[] fragment = RawH2.block("x-flood", "0123456789");
                    if (!conn.trySend(headers(1, 0, grpcRequest(EchoServer.ECHO_PATH)))) {
                      return;
                    }
                    byte[] batch = repeat(continuation(1, 0, fragment), 100);
                    for (int i = 0; i < 10_000 && conn.trySend(batch); i++) {
                      // the server must stop this long before a million frames
                    }
                  });
      conn.assertGoAwayAndClose(ENHANCE_YOUR_CALM);
      conn.close();
      flooder.join();
    }
  }

  /** Few but large CONTINUATION frames: the buffered block is bounded by size too. */
  @Test
  void oversizedHeaderBlockAcrossContinuationsGetsGoAwayEnhanceYourCalm() throws Exception {
    try (RawH2 conn = handshake()) {
      Thread flooder =
          Thread.ofVirtual()
              .start(
                  () -> {
                    if (!conn.trySend(headers(1, 0, grpcRequest(EchoServer.ECHO_PATH)))) {
                      return;
                    }
                    byte[] big = continuation(1, 0, new byte[16_384]);
                    for (int i = 0; i < 60 && conn.trySend(big); i++) {
                      // 60 frames of 16 KiB: under the frame-count limit, far over any sane block size
                    }
                  });
      conn.assertGoAwayAndClose(ENHANCE_YOUR_CALM);
      conn.close();
      flooder.join();
    }
  }

  /** CVE-2023-44487: streams opened and reset at once, far beyond 200 per second. */
  @Test
  void rapidResetGetsGoAwayEnhanceYourCalm() throws Exception {
    try (RawH2 conn = handshake()) {
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      byte[] request = grpcRequest(EchoServer.ECHO_PATH);
      for (int i = 0; i < 1000; i++) {
        int stream = 1 + 2 * i;
        burst.writeBytes(headers(stream, FLAG_END_HEADERS, request));
        burst.writeBytes(rstStream(stream, CANCEL));
      }
      conn.trySend(burst.toByteArray());
      conn.assertGoAwayAndClose(ENHANCE_YOUR_CALM);
    }
  }

  /** Fewer resets than the limit are ordinary cancellations: the connection goes on. */
  @Test
  void someResetsAreFine() throws Exception {
    try (RawH2 conn = handshake()) {
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      byte[] request = grpcRequest(EchoServer.ECHO_PATH);
      for (int i = 0; i < 50; i++) {
        int stream = 1 + 2 * i;
        burst.writeBytes(headers(stream, FLAG_END_HEADERS, request));
        burst.writeBytes(rstStream(stream, CANCEL));
      }
      conn.send(burst.toByteArray());
      EchoServer.assertEchoes(conn, 101);
    }
  }

  // -----------------------------------------------------------------------------------------------

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] repeat(byte[] part, int times) {
    byte[][] parts = new byte[times][];
    Arrays.fill(parts, part);
    return concat(parts);
  }
}
