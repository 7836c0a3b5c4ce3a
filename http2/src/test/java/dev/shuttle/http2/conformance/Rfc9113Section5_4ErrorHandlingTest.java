package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.CANCEL;
import static dev.shuttle.http2.conformance.Wire.END_HEADERS;
import static dev.shuttle.http2.conformance.Wire.END_STREAM;
import static dev.shuttle.http2.conformance.Wire.PING;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static dev.shuttle.http2.conformance.Wire.filler;
import static dev.shuttle.http2.conformance.Wire.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 9113 section 5.4: connection errors (5.4.1) and stream errors (5.4.2). */
class Rfc9113Section5_4ErrorHandlingTest extends ConformanceTest {

  /** A PING on a stream: connection error PROTOCOL_ERROR (6.7). */
  private static byte[] pingOnAStream() {
    return frame(PING, 0, 3, filler(8));
  }

  /** RFC 9113 5.4.1: after the GOAWAY for a connection error, the endpoint MUST close the TCP connection. */
  @Test
  @H2spec("http2/5.4.1/1")
  void connectionErrorClosesTheConnectionAfterGoAway() throws Exception {
    H2Client client = handshake();
    client.send(pingOnAStream());
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 5.4.1: the GOAWAY SHOULD come first and carry the last stream the server processed
   * (h2spec checks this in its strict mode).
   */
  @Test
  @H2spec("http2/5.4.1/2")
  void connectionErrorGoAwayNamesTheLastStreamProcessed() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(1));
    client.expectResponse(1);
    client.send(getRequest(3));
    client.expectResponse(3);
    client.send(pingOnAStream());
    assertEquals(3, client.expectGoAway(PROTOCOL_ERROR).lastStreamId());
  }

  /** RFC 9113 5.4.1: a connection error ends that connection only. */
  @Test
  void connectionErrorLeavesOtherConnectionsAlone() throws Exception {
    H2Client bystander = handshake();
    bystander.send(postHeaders(1));
    H2Client offender = handshake();
    offender.send(pingOnAStream());
    offender.expectGoAway(PROTOCOL_ERROR);
    bystander.send(Wire.data(1, true, "still here"));
    assertEquals("200", bystander.expectResponse(1).status());
  }

  /** RFC 9113 5.4.2: a stream error ends one stream; the connection and its other streams go on. */
  @Test
  void streamErrorEndsOnlyThatStream() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1));
    client.send(Wire.headers(3, END_STREAM | END_HEADERS, block(with(get(), "connection", "close"))));
    client.expectRstStream(3, PROTOCOL_ERROR);
    client.send(Wire.data(1, true, "body"));
    assertEquals("200", client.expectResponse(1).status());
    client.send(getRequest(5));
    assertEquals("200", client.expectResponse(5).status());
  }

  /** RFC 9113 5.4.2: an endpoint MUST NOT answer a RST_STREAM with a RST_STREAM. */
  @Test
  void rstStreamIsNotAnsweredWithRstStream() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.rstStream(1, CANCEL));
    client.expectNothingElse();
  }
}
