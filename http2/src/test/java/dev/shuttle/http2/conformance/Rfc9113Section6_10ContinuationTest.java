package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.END_HEADERS;
import static dev.shuttle.http2.conformance.Wire.END_STREAM;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 9113 section 6.10: CONTINUATION frames. */
class Rfc9113Section6_10ContinuationTest extends ConformanceTest {

  /** RFC 9113 6.10: any number of CONTINUATION frames may follow; the field block is their concatenation. */
  @Test
  @H2spec("http2/6.10/1")
  void severalContinuationsMakeOneFieldBlock() throws Exception {
    H2Client client = handshake();
    client.send(
        Wire.headers(1, END_STREAM, block(get())),
        Wire.continuation(1, 0, block("x-first", "a".repeat(1000))),
        Wire.continuation(1, 0, new byte[0]),
        Wire.continuation(1, END_HEADERS, block("x-second", "b".repeat(1000))));
    String body = client.expectResponse(1).bodyText();
    assertTrue(body.contains("x-first: " + "a".repeat(1000) + "\n"), body);
    assertTrue(body.contains("x-second: " + "b".repeat(1000) + "\n"), body);
  }

  /**
   * RFC 9113 6.10: without END_HEADERS a CONTINUATION must be followed by another; any other frame
   * is a connection error PROTOCOL_ERROR.
   */
  @Test
  @H2spec("http2/6.10/2")
  void dataAfterContinuationWithoutEndHeadersGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(
        Wire.headers(1, 0, block(post())),
        Wire.continuation(1, 0, block("x-more", "fields")),
        Wire.data(1, true, "test"));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.10: CONTINUATION on stream 0 is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.10/3")
  void continuationOnStreamZeroGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_STREAM, block(get())), Wire.continuation(0, END_HEADERS, block("x-more", "fields")));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 6.10: a CONTINUATION must follow HEADERS, PUSH_PROMISE or CONTINUATION without
   * END_HEADERS: after a HEADERS with END_HEADERS it is a connection error PROTOCOL_ERROR.
   */
  @Test
  @H2spec("http2/6.10/4")
  void continuationAfterHeadersWithEndHeadersGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.continuation(1, END_HEADERS, block("x-more", "fields")));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.10: nor after a CONTINUATION that had END_HEADERS. */
  @Test
  @H2spec("http2/6.10/5")
  void continuationAfterContinuationWithEndHeadersGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(
        Wire.headers(1, 0, block(post())),
        Wire.continuation(1, END_HEADERS, block("x-more", "fields")),
        Wire.continuation(1, END_HEADERS, block("x-even-more", "fields")));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.10: nor after a DATA frame. */
  @Test
  @H2spec("http2/6.10/6")
  void continuationAfterDataGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.data(1, false, "test"), Wire.continuation(1, END_HEADERS, block("x-more", "fields")));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.10 and 8.1: a trailer section may span CONTINUATION frames too. */
  @Test
  void trailersSplitAcrossContinuationFrames() throws Exception {
    H2Client client = handshake();
    client.send(
        postHeaders(1),
        Wire.data(1, false, "test"),
        Wire.headers(1, END_STREAM, block("x-trailer-one", "1")),
        Wire.continuation(1, END_HEADERS, block("x-trailer-two", "2")));
    String body = client.expectResponse(1).bodyText();
    assertTrue(body.contains("trailer x-trailer-one: 1\ntrailer x-trailer-two: 2\n"), body);
  }

  /**
   * RFC 9113 6.10: END_STREAM is not a CONTINUATION flag (0x1 is undefined there, so ignored):
   * whether the request ends was decided by its HEADERS frame.
   */
  @Test
  void endStreamBitOnContinuationIsIgnored() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, 0, block(post())), Wire.continuation(1, END_HEADERS | 0x1, block("x-more", "fields")));
    client.expectNothingElse();
    client.send(Wire.data(1, true, "the body"));
    String body = client.expectResponse(1).bodyText();
    assertTrue(body.contains("body: 8 bytes") && body.contains("x-more: fields\n"), body);
  }
}
