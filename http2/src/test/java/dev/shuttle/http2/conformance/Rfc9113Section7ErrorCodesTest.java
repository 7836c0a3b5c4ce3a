package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.STREAM_CLOSED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * RFC 9113 section 7: unknown error codes MUST NOT trigger any special behaviour (they MAY be
 * read as INTERNAL_ERROR).
 */
class Rfc9113Section7ErrorCodesTest extends ConformanceTest {
  private static final int UNKNOWN_CODE = 0xff;

  /**
   * A GOAWAY with an unknown code is a GOAWAY like any other: the client's open stream still
   * completes. Once no stream is left the server closes the connection, as it does after the
   * client's GOAWAY(NO_ERROR) (h2spec takes a PING answer or the close; the PING after the
   * GOAWAY goes unanswered because the connection is already over).
   */
  @Test
  @H2spec("http2/7/1")
  void goAwayWithAnUnknownErrorCodeLetsOpenStreamsFinish() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.goAway(0, UNKNOWN_CODE, "unknown code"), Wire.data(1, true, "test"));
    assertEquals("200", client.expectResponse(1).status());
    client.send(Wire.ping(71));
    client.expectCloseAfterClientGoAway();
  }

  /**
   * A RST_STREAM with an unknown code closes the stream like any other reset (DATA after it gets
   * STREAM_CLOSED), and the connection goes on.
   */
  @Test
  @H2spec("http2/7/2")
  void rstStreamWithAnUnknownErrorCodeResetsTheStream() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.rstStream(1, UNKNOWN_CODE));
    client.expectNothingElse();
    client.send(Wire.data(1, true, "test"));
    client.expectRstStream(1, STREAM_CLOSED);
  }
}
