package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.CANCEL;
import static dev.shuttle.http2.conformance.Wire.DATA;
import static dev.shuttle.http2.conformance.Wire.END_HEADERS;
import static dev.shuttle.http2.conformance.Wire.END_STREAM;
import static dev.shuttle.http2.conformance.Wire.HEADERS;
import static dev.shuttle.http2.conformance.Wire.INITIAL_WINDOW_SIZE;
import static dev.shuttle.http2.conformance.Wire.MAX_CONCURRENT_STREAMS;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static dev.shuttle.http2.conformance.Wire.REFUSED_STREAM;
import static dev.shuttle.http2.conformance.Wire.STREAM_CLOSED;
import static dev.shuttle.http2.conformance.Wire.filler;
import static dev.shuttle.http2.conformance.Wire.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 section 5: stream states (5.1), stream identifiers (5.1.1), concurrency (5.1.2), the
 * deprecated priority fields (5.3) and extensions (5.5). Error handling (5.4) has its own class.
 *
 * <p>To hold a stream in half-closed (remote) the client announces an initial window of 0: the
 * server answers with HEADERS but cannot send the DATA of its response.
 */
class Rfc9113Section5StreamsTest extends ConformanceTest {
  private static final int UNKNOWN_TYPE = 0xfb;

  /** A stream in half-closed (remote): GET with END_STREAM, response HEADERS seen, DATA held back. */
  private H2Client halfClosedRemote() throws Exception {
    H2Client client = handshake(INITIAL_WINDOW_SIZE, 0);
    client.send(getRequest(1));
    H2Client.Frame headers = client.expectHeaders(1);
    assertTrue(!headers.has(END_STREAM), "the response must still have its body to send");
    return client;
  }

  /** A stream closed normally: a whole request and a whole response. */
  private H2Client closedStream() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(1));
    client.expectResponse(1);
    return client;
  }

  /** A stream the client reset with RST_STREAM while the request was still open. */
  private H2Client resetByClient() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.rstStream(1, CANCEL));
    return client;
  }

  // ---------------------------------------------------------------------------------------------
  // 5.1 idle

  /**
   * RFC 9113 5.1 (idle): any frame but HEADERS or PRIORITY is a connection error of type
   * PROTOCOL_ERROR. (h2spec also takes STREAM_CLOSED, reading 6.1; the rule for idle streams is
   * the specific one.)
   */
  @Test
  @H2spec("http2/5.1/1")
  void dataOnAnIdleStreamGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.data(1, true, "test"));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 5.1 (idle) and 6.4: RST_STREAM on an idle stream is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/5.1/2")
  void rstStreamOnAnIdleStreamGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.rstStream(1, CANCEL));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 5.1 (idle): WINDOW_UPDATE on an idle stream is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/5.1/3")
  void windowUpdateOnAnIdleStreamGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.windowUpdate(1, 100));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 5.1 (idle) and 6.10: CONTINUATION with no field block to continue is PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/5.1/4")
  void continuationOnAnIdleStreamGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.continuation(1, END_HEADERS, block(get())));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  // ---------------------------------------------------------------------------------------------
  // 5.1 half-closed (remote)

  /**
   * RFC 9113 5.1 (half-closed remote): frames other than WINDOW_UPDATE, PRIORITY and RST_STREAM
   * are a stream error of type STREAM_CLOSED; the connection goes on.
   */
  @Test
  @H2spec("http2/5.1/5")
  void dataOnAHalfClosedRemoteStreamGetsRstStreamClosed() throws Exception {
    H2Client client = halfClosedRemote();
    client.send(Wire.data(1, true, "test"));
    client.expectRstStream(1, STREAM_CLOSED);
    client.expectNothingElse();
  }

  /** RFC 9113 5.1 (half-closed remote): a second header block is a stream error STREAM_CLOSED. */
  @Test
  @H2spec("http2/5.1/6")
  void headersOnAHalfClosedRemoteStreamGetsRstStreamClosed() throws Exception {
    H2Client client = halfClosedRemote();
    client.send(getRequest(1));
    client.expectRstStream(1, STREAM_CLOSED);
    client.expectNothingElse();
  }

  /**
   * RFC 9113 6.10: a CONTINUATION must follow a HEADERS or CONTINUATION without END_HEADERS, or it
   * is a connection error PROTOCOL_ERROR; that holds whatever the stream's state. (h2spec also
   * takes STREAM_CLOSED, from the rule for half-closed streams.)
   */
  @Test
  @H2spec("http2/5.1/7")
  void continuationOnAHalfClosedRemoteStreamGetsGoAwayProtocolError() throws Exception {
    H2Client client = halfClosedRemote();
    client.send(Wire.continuation(1, END_HEADERS, block(get())));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  // ---------------------------------------------------------------------------------------------
  // 5.1 closed

  /**
   * RFC 9113 6.1: DATA on a stream that is not open or half-closed (local) is a stream error
   * STREAM_CLOSED. (RFC 7540 5.1 said the same for any frame after RST_STREAM; RFC 9113 5.1
   * keeps the stream error for DATA through 6.1.)
   */
  @Test
  @H2spec("http2/5.1/8")
  void dataAfterTheClientResetTheStreamGetsRstStreamClosed() throws Exception {
    H2Client client = resetByClient();
    client.send(Wire.data(1, true, "test"));
    client.expectRstStream(1, STREAM_CLOSED);
    client.expectNothingElse();
  }

  /**
   * RFC 9113 5.1 (closed): an endpoint MAY treat any frame on a closed stream as a connection error
   * of type STREAM_CLOSED; RFC 7540 asked for a stream error after RST_STREAM, and h2spec takes
   * either. Shuttle ends the connection: a stream cannot be opened twice, so a header block on a
   * closed stream means the client has lost track of its streams.
   */
  @Test
  @H2spec("http2/5.1/9")
  void headersAfterTheClientResetTheStreamGetsGoAwayStreamClosed() throws Exception {
    H2Client client = resetByClient();
    client.send(getRequest(1));
    client.expectGoAway(STREAM_CLOSED);
  }

  /** RFC 9113 6.10: a CONTINUATION with no field block in progress is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/5.1/10")
  void continuationAfterTheClientResetTheStreamGetsGoAwayProtocolError() throws Exception {
    H2Client client = resetByClient();
    client.send(Wire.continuation(1, END_HEADERS, block("x-late", "field")));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 6.1: DATA on a closed stream is a stream error STREAM_CLOSED. (RFC 7540 5.1 made any
   * frame after END_STREAM a connection error; RFC 9113 5.1 only allows that, and h2spec takes
   * both.)
   */
  @Test
  @H2spec("http2/5.1/11")
  void dataOnAClosedStreamGetsRstStreamClosed() throws Exception {
    H2Client client = closedStream();
    client.send(Wire.data(1, true, "test"));
    client.expectRstStream(1, STREAM_CLOSED);
    client.expectNothingElse();
  }

  /** RFC 9113 5.1 (closed): a header block on a stream that ended both ways is a connection error STREAM_CLOSED. */
  @Test
  @H2spec("http2/5.1/12")
  void headersOnAClosedStreamGetsGoAwayStreamClosed() throws Exception {
    H2Client client = closedStream();
    client.send(getRequest(1));
    client.expectGoAway(STREAM_CLOSED);
  }

  /** RFC 9113 6.10: CONTINUATION on a closed stream continues nothing: connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/5.1/13")
  void continuationOnAClosedStreamGetsGoAwayProtocolError() throws Exception {
    H2Client client = closedStream();
    client.send(Wire.continuation(1, END_HEADERS, block("x-late", "field")));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 5.1 (closed): WINDOW_UPDATE and RST_STREAM may cross the frame that closed the
   * stream, and MUST be ignored.
   */
  @Test
  void windowUpdateAndRstStreamOnAClosedStreamAreIgnored() throws Exception {
    H2Client client = closedStream();
    client.send(Wire.windowUpdate(1, 1000), Wire.rstStream(1, CANCEL));
    client.expectNothingElse();
  }

  /**
   * RFC 9113 5.1 (closed): after sending RST_STREAM an endpoint MUST ignore what still arrives on
   * that stream: the client may have sent it before it saw the reset.
   */
  @Test
  void framesOnAStreamTheServerResetAreIgnored() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_HEADERS, block(with(post(), "x-bad", "a\u0000b"))));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.send(
        Wire.data(1, false, "late body"),
        Wire.headers(1, END_STREAM | END_HEADERS, block("x-late", "trailer")),
        Wire.windowUpdate(1, 10));
    client.expectNothingElse();
  }

  // ---------------------------------------------------------------------------------------------
  // 5.1.1 Stream identifiers

  /** RFC 9113 5.1.1: client streams are odd; an even one is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/5.1.1/1")
  void evenStreamIdFromTheClientGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(2));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 5.1.1: a new stream's id must exceed every id the client used before; otherwise
   * connection error PROTOCOL_ERROR. The GOAWAY names stream 5, the last one processed.
   */
  @Test
  @H2spec("http2/5.1.1/2")
  void streamIdBelowAPreviousOneGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(5));
    client.expectResponse(5);
    client.send(getRequest(3));
    assertEquals(5, client.expectGoAway(PROTOCOL_ERROR).lastStreamId());
  }

  /**
   * RFC 9113 5.1.1: ids may be skipped; the first use of an id closes every idle stream below it,
   * so DATA on a skipped stream is DATA on a closed stream (6.1: stream error STREAM_CLOSED).
   */
  @Test
  void skippedStreamIdsAreClosed() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(7));
    client.expectResponse(7);
    client.send(Wire.data(3, true, "test"));
    client.expectRstStream(3, STREAM_CLOSED);
    client.expectNothingElse();
  }

  /** RFC 9113 5.1.1: stream ids go up to 2^31-1, and the largest one is as good as any. */
  @Test
  void largestStreamIdIsUsable() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(Integer.MAX_VALUE));
    assertEquals("200", client.expectResponse(Integer.MAX_VALUE).status());
  }

  // ---------------------------------------------------------------------------------------------
  // 5.1.2 Stream concurrency

  /**
   * RFC 9113 5.1.2: a HEADERS frame beyond the advertised SETTINGS_MAX_CONCURRENT_STREAMS is a
   * stream error of type PROTOCOL_ERROR or REFUSED_STREAM. Shuttle refuses: REFUSED_STREAM tells
   * the client the request was not processed and may be retried (8.7). A slot that frees up can be
   * used again.
   */
  @Test
  @H2spec("http2/5.1.2/1")
  void streamBeyondTheConcurrencyLimitGetsRstRefusedStream() throws Exception {
    H2Client client = handshake(INITIAL_WINDOW_SIZE, 0); // keeps every response from finishing
    Long max = client.serverSetting(MAX_CONCURRENT_STREAMS);
    assertNotNull(max, "the server announces SETTINGS_MAX_CONCURRENT_STREAMS");
    int limit = Math.toIntExact(max);
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    for (int i = 0; i <= limit; i++) {
      requests.writeBytes(getRequest(2 * i + 1));
    }
    client.tolerate("responses to the " + limit + " streams within the limit",
        f -> f.type() == HEADERS && f.streamId() < 2 * limit + 1);
    client.send(requests.toByteArray());
    int beyond = 2 * limit + 1;
    client.expectRstStream(beyond, REFUSED_STREAM);
    client.send(Wire.rstStream(1, CANCEL), getRequest(beyond + 2));
    client.expectHeaders(beyond + 2);
  }

  // ---------------------------------------------------------------------------------------------
  // 5.3 Priority

  /**
   * RFC 9113 5.3.1: a stream cannot depend on itself: stream error PROTOCOL_ERROR. RFC 9113
   * deprecates the RFC 7540 priority scheme (5.3.2) but keeps its fields and this rule.
   */
  @Test
  @H2spec("http2/5.3.1/1")
  void headersDependingOnItselfGetsRstProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headersWithPriority(1, END_STREAM | END_HEADERS, 1, false, 255, block(get())));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.expectNothingElse();
  }

  /** RFC 9113 5.3.1: the same for a PRIORITY frame, here on an idle stream. */
  @Test
  @H2spec("http2/5.3.1/2")
  void priorityDependingOnItselfGetsRstProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.priority(1, 1, false, 255));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.expectNothingElse();
  }

  /**
   * RFC 9113 5.1: the HEADERS frame opened stream 1 even though the server reset it at once, so
   * stream 1 is closed: a second header block on it must be ignored (the server sent RST_STREAM)
   * or be a connection error, never served as a new request.
   */
  @Test
  void streamResetForDependingOnItselfIsNotOpenedAgain() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headersWithPriority(1, END_STREAM | END_HEADERS, 1, false, 255, block(get())));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.send(getRequest(1));
    client.expectNothingElse();
    client.send(getRequest(3));
    client.expectResponse(3);
  }

  // ---------------------------------------------------------------------------------------------
  // 5.5 Extending HTTP/2

  /**
   * RFC 9113 5.5: frames of unknown types are discarded wherever they are allowed, here on an open
   * stream in the middle of a request, which then completes as if it were not there.
   */
  @Test
  @H2spec("http2/5.5/1")
  void unknownExtensionFrameOnAnOpenStreamIsDiscarded() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), frame(UNKNOWN_TYPE, 0xff, 1, filler(16)), Wire.data(1, true, "test"));
    H2Client.Response response = client.expectResponse(1);
    assertTrue(response.bodyText().contains("body: 4 bytes"), response.bodyText());
  }

  /**
   * RFC 9113 5.5: an unknown frame on a stream that was never opened is discarded too: the rule
   * for idle streams (5.1) is about the frames the RFC defines.
   */
  @Test
  void unknownExtensionFrameOnAnIdleStreamIsDiscarded() throws Exception {
    H2Client client = handshake();
    client.send(frame(UNKNOWN_TYPE, 0, 99, filler(4)));
    client.expectNothingElse();
    client.send(getRequest(1));
    client.expectResponse(1);
  }

  /** RFC 9113 5.5: an extension frame inside a field block is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/5.5/2")
  void unknownExtensionFrameInsideAFieldBlockGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_STREAM, block(get())), frame(UNKNOWN_TYPE, 0, 1, filler(8)));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 5.1: a stream is open between the request's HEADERS and its END_STREAM: DATA flows. */
  @Test
  void dataOnAnOpenStreamIsDelivered() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.data(1, false, "abc"), Wire.data(1, false, ""), Wire.data(1, true, "de"));
    H2Client.Response response = client.expectResponse(1);
    assertTrue(response.bodyText().contains("body: 5 bytes"), response.bodyText());
    assertEquals(DATA, response.frames().get(1).type());
  }
}
