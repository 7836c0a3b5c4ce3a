package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.FRAME_SIZE_ERROR;
import static dev.shuttle.http2.conformance.Wire.GOAWAY;
import static dev.shuttle.http2.conformance.Wire.NO_ERROR;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static dev.shuttle.http2.conformance.Wire.REFUSED_STREAM;
import static dev.shuttle.http2.conformance.Wire.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shuttle.http2.Http2Server;
import org.junit.jupiter.api.Test;

/** RFC 9113 section 6.8: GOAWAY frames, from the client and from the server. */
class Rfc9113Section6_8GoAwayTest extends ConformanceTest {

  /** RFC 9113 6.8: GOAWAY on a stream is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.8/1")
  void goAwayOnAStreamGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(frame(GOAWAY, 0, 1, new byte[8]));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 6.8 and 4.2: a GOAWAY too short for its last-stream-id and error code cannot be
   * parsed: FRAME_SIZE_ERROR, a connection error since it is a frame on stream 0.
   */
  @Test
  void goAwayOfSevenOctetsGetsGoAwayFrameSizeError() throws Exception {
    H2Client client = handshake();
    client.send(frame(GOAWAY, 0, 0, new byte[7]));
    client.expectGoAway(FRAME_SIZE_ERROR);
  }

  /**
   * RFC 9113 6.8: the client's GOAWAY stops new streams but lets the ones in progress finish; with
   * none left, the connection is done and the server closes it.
   */
  @Test
  void clientGoAwayLetsTheStreamInProgressFinish() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.goAway(0, NO_ERROR, "client leaving"));
    client.expectNothingElse();
    client.send(Wire.data(1, true, "last words"));
    assertEquals("200", client.expectResponse(1).status());
    client.expectCloseAfterClientGoAway();
  }

  /**
   * RFC 9113 6.8: a server shutting down gracefully first sends GOAWAY(NO_ERROR) with the
   * largest stream id and a PING, so that streams the client opened before it saw the GOAWAY are
   * still taken; once the PING is answered, a second GOAWAY names the last stream it will
   * process. Streams above it are not processed (Shuttle refuses them with REFUSED_STREAM, so
   * the client knows it may retry them elsewhere); the stream in progress still completes, and
   * then the connection closes.
   */
  @Test
  void gracefulShutdownFinishesStreamsInProgressAndRefusesNewOnes() throws Exception {
    Http2Server server = privateServer();
    H2Client client = handshake(server);
    client.send(postHeaders(1));
    client.expectNothingElse();
    server.shutdown();
    assertEquals(
        Integer.MAX_VALUE,
        client.expect("GOAWAY(NO_ERROR)", f -> f.type() == GOAWAY && f.errorCode() == NO_ERROR).lastStreamId());
    H2Client.Frame ping = client.expect("PING", f -> f.type() == Wire.PING && f.flags() == 0);
    client.send(Wire.frame(Wire.PING, Wire.ACK, 0, ping.payload()));
    assertEquals(1, client.expect("GOAWAY(NO_ERROR)", f -> f.type() == GOAWAY && f.errorCode() == NO_ERROR).lastStreamId());
    client.send(getRequest(3));
    client.expectRstStream(3, REFUSED_STREAM);
    client.send(Wire.data(1, true, "finishing"));
    assertEquals("200", client.expectResponse(1).status());
    client.expectConnectionClosed();
  }
}
