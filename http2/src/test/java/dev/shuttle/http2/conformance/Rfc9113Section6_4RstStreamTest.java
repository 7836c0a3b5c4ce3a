package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.CANCEL;
import static dev.shuttle.http2.conformance.Wire.FRAME_SIZE_ERROR;
import static dev.shuttle.http2.conformance.Wire.INITIAL_WINDOW_SIZE;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static dev.shuttle.http2.conformance.Wire.RST_STREAM;
import static dev.shuttle.http2.conformance.Wire.frame;

import org.junit.jupiter.api.Test;

/** RFC 9113 section 6.4: RST_STREAM frames. */
class Rfc9113Section6_4RstStreamTest extends ConformanceTest {

  /** RFC 9113 6.4: RST_STREAM on stream 0 is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.4/1")
  void rstStreamOnStreamZeroGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.rstStream(0, CANCEL));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 6.4: RST_STREAM on an idle stream is a connection error PROTOCOL_ERROR, also when a
   * lower stream is open: stream 5 stays idle until the client opens it.
   */
  @Test
  @H2spec("http2/6.4/2")
  void rstStreamOnAnIdleStreamAboveAnOpenOneGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.rstStream(5, CANCEL));
    assertEqualsLastStream(client.expectGoAway(PROTOCOL_ERROR), 1);
  }

  /** RFC 9113 6.4: a RST_STREAM that is not 4 octets long is a connection error FRAME_SIZE_ERROR. */
  @Test
  @H2spec("http2/6.4/3")
  void rstStreamOfThreeOctetsGetsGoAwayFrameSizeError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), frame(RST_STREAM, 0, 1, new byte[3]));
    client.expectGoAway(FRAME_SIZE_ERROR);
  }

  /** RFC 9113 6.4: five octets are as wrong as three. */
  @Test
  void rstStreamOfFiveOctetsGetsGoAwayFrameSizeError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), frame(RST_STREAM, 0, 1, new byte[5]));
    client.expectGoAway(FRAME_SIZE_ERROR);
  }

  /**
   * RFC 9113 6.4: after RST_STREAM the sender stops: a response held back by a closed window does
   * not come out when the window opens.
   */
  @Test
  void resetStreamGetsNoMoreFrames() throws Exception {
    H2Client client = handshake(INITIAL_WINDOW_SIZE, 0);
    client.send(getRequest(1));
    client.expectHeaders(1);
    client.send(Wire.rstStream(1, CANCEL), Wire.settings(INITIAL_WINDOW_SIZE, 65_535));
    client.expectSettingsAck();
    client.expectNothingElse();
    client.send(getRequest(3));
    client.expectResponse(3);
  }

  private static void assertEqualsLastStream(H2Client.Frame goAway, int expected) {
    org.junit.jupiter.api.Assertions.assertEquals(expected, goAway.lastStreamId(), "GOAWAY last-stream-id");
  }
}
