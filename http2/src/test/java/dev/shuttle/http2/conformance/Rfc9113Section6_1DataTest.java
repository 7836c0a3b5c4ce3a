package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.DATA;
import static dev.shuttle.http2.conformance.Wire.END_STREAM;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static dev.shuttle.http2.conformance.Wire.STREAM_CLOSED;
import static dev.shuttle.http2.conformance.Wire.ascii;
import static dev.shuttle.http2.conformance.Wire.concat;
import static dev.shuttle.http2.conformance.Wire.frame;
import static dev.shuttle.http2.conformance.Wire.padded;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 9113 section 6.1: DATA frames. */
class Rfc9113Section6_1DataTest extends ConformanceTest {

  /** RFC 9113 6.1: DATA frames belong to a stream; on stream 0 they are a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.1/1")
  void dataOnStreamZeroGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.data(0, true, "test"));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 6.1: DATA on a stream that is neither open nor half-closed (local) is a stream error
   * STREAM_CLOSED. After a request with END_STREAM the stream is half-closed (remote) or, once
   * the response is out, closed; the answer is the same either way, and the response may come
   * before it.
   */
  @Test
  @H2spec("http2/6.1/2")
  void dataAfterTheRequestEndedGetsRstStreamClosed() throws Exception {
    H2Client client = handshake();
    client.tolerateResponseOn(1);
    client.send(Wire.headers(1, END_STREAM | Wire.END_HEADERS, block(post())), Wire.data(1, true, "test"));
    client.expectRstStream(1, STREAM_CLOSED);
  }

  /**
   * RFC 9113 6.1: padding as long as the payload or longer is a connection error PROTOCOL_ERROR;
   * here the pad length equals the payload length, the first value that is too long.
   */
  @Test
  @H2spec("http2/6.1/3")
  void padLengthAsLongAsThePayloadGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    // Payload of 5 octets: the pad-length octet (5) and "Test", which cannot hold 5 octets of padding.
    client.send(postHeaders(1), frame(DATA, END_STREAM | Wire.PADDED, 1, concat(new byte[] {5}, ascii("Test"))));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.1: padding that fills all but the pad-length octet leaves an empty, valid DATA frame. */
  @Test
  void paddingThatLeavesNoDataIsValid() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), padded(DATA, END_STREAM, 1, new byte[0], 9));
    H2Client.Response response = client.expectResponse(1);
    assertTrue(response.bodyText().contains("body: 0 bytes"), response.bodyText());
  }

  /** RFC 9113 6.1: padding is not data: 255 octets of it around 4 octets of body deliver 4 octets. */
  @Test
  void maximumPaddingIsRemovedFromTheData() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), padded(DATA, 0, 1, ascii("te"), 255), padded(DATA, END_STREAM, 1, ascii("st"), 0));
    H2Client.Response response = client.expectResponse(1);
    assertTrue(response.bodyText().contains("body: 4 bytes"), response.bodyText());
  }

  /** RFC 9113 6.1: a PADDED DATA frame too short for its pad-length octet is a FRAME_SIZE_ERROR. */
  @Test
  void paddedDataWithoutAPadLengthGetsGoAwayFrameSizeError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), frame(DATA, Wire.PADDED, 1, new byte[0]));
    client.expectGoAway(Wire.FRAME_SIZE_ERROR);
  }

  /** RFC 9113 6.1: END_STREAM on an empty DATA frame ends the request. */
  @Test
  void emptyDataFrameWithEndStreamEndsTheRequest() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.data(1, false, "body"), Wire.data(1, true, ""));
    H2Client.Response response = client.expectResponse(1);
    assertTrue(response.bodyText().contains("body: 4 bytes"), response.bodyText());
  }
}
