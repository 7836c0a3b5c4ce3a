package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.FRAME_SIZE_ERROR;
import static dev.shuttle.http2.conformance.Wire.PING;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static dev.shuttle.http2.conformance.Wire.frame;
import static dev.shuttle.http2.conformance.Wire.int64;

import org.junit.jupiter.api.Test;

/** RFC 9113 section 6.7: PING frames. */
class Rfc9113Section6_7PingTest extends ConformanceTest {

  /** RFC 9113 6.7: a PING is answered with a PING with ACK and the identical payload. */
  @Test
  @H2spec("http2/6.7/1")
  void pingIsAnsweredWithItsPayload() throws Exception {
    H2Client client = handshake();
    client.send(Wire.ping(0x1122334455667788L));
    client.expectPingAck(0x1122334455667788L);
  }

  /** RFC 9113 6.7: a PING with ACK is not answered: the next answer is for the PING after it. */
  @Test
  @H2spec("http2/6.7/2")
  void pingAckIsNotAnswered() throws Exception {
    H2Client client = handshake();
    client.send(Wire.pingAck(0xbad), Wire.ping(0x600d));
    client.expectPingAck(0x600d);
  }

  /** RFC 9113 6.7: a PING on a stream is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.7/3")
  void pingOnAStreamGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(frame(PING, 0, 1, int64(0)));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.7: a PING whose length is not 8 is a connection error FRAME_SIZE_ERROR. */
  @Test
  @H2spec("http2/6.7/4")
  void pingOfSixOctetsGetsGoAwayFrameSizeError() throws Exception {
    H2Client client = handshake();
    client.send(frame(PING, 0, 0, new byte[6]));
    client.expectGoAway(FRAME_SIZE_ERROR);
  }

  /** RFC 9113 6.7: nine octets are as wrong as six. */
  @Test
  void pingOfNineOctetsGetsGoAwayFrameSizeError() throws Exception {
    H2Client client = handshake();
    client.send(frame(PING, 0, 0, new byte[9]));
    client.expectGoAway(FRAME_SIZE_ERROR);
  }

  /** RFC 9113 6.7: every PING gets its own answer, in order. */
  @Test
  void everyPingIsAnsweredInOrder() throws Exception {
    H2Client client = handshake();
    client.send(Wire.ping(1), Wire.ping(2), Wire.ping(3));
    client.expectPingAck(1);
    client.expectPingAck(2);
    client.expectPingAck(3);
  }
}
