package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.FRAME_SIZE_ERROR;
import static dev.shuttle.http2.conformance.Wire.PRIORITY;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static dev.shuttle.http2.conformance.Wire.frame;
import static dev.shuttle.http2.conformance.Wire.priorityFields;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 section 6.3: PRIORITY frames. RFC 9113 deprecates what they signal (5.3.2), but the
 * frame keeps its format and its errors.
 */
class Rfc9113Section6_3PriorityTest extends ConformanceTest {

  /** RFC 9113 6.3: PRIORITY always names a stream; on stream 0 it is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.3/1")
  void priorityOnStreamZeroGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.priority(0, 0, false, 255));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 6.3: a PRIORITY frame that is not 5 octets long is a stream error FRAME_SIZE_ERROR:
   * the stream ends, the connection goes on.
   */
  @Test
  @H2spec("http2/6.3/2")
  void priorityOfFourOctetsGetsRstFrameSizeError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), frame(PRIORITY, 0, 1, Arrays.copyOf(priorityFields(0, false, 0), 4)));
    client.expectRstStream(1, FRAME_SIZE_ERROR);
    client.expectNothingElse();
  }

  /** RFC 9113 6.3: six octets are as wrong as four. */
  @Test
  void priorityOfSixOctetsGetsRstFrameSizeError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), frame(PRIORITY, 0, 1, Arrays.copyOf(priorityFields(0, false, 0), 6)));
    client.expectRstStream(1, FRAME_SIZE_ERROR);
    client.expectNothingElse();
  }

  /** RFC 9113 6.3: PRIORITY does not change a stream's state: an open request still completes. */
  @Test
  void priorityOnAnOpenStreamChangesNothing() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.priority(1, 0, true, 7), Wire.priority(1, 3, false, 200), Wire.data(1, true, "ok"));
    H2Client.Response response = client.expectResponse(1);
    assertTrue(response.bodyText().contains("body: 2 bytes"), response.bodyText());
  }
}
