package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.END_HEADERS;
import static dev.shuttle.http2.conformance.Wire.END_STREAM;
import static dev.shuttle.http2.conformance.Wire.FRAME_SIZE_ERROR;
import static dev.shuttle.http2.conformance.Wire.HEADERS;
import static dev.shuttle.http2.conformance.Wire.PADDED;
import static dev.shuttle.http2.conformance.Wire.PRIORITY_FLAG;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static dev.shuttle.http2.conformance.Wire.concat;
import static dev.shuttle.http2.conformance.Wire.frame;
import static dev.shuttle.http2.conformance.Wire.frameHeader;
import static dev.shuttle.http2.conformance.Wire.padded;
import static dev.shuttle.http2.conformance.Wire.priorityFields;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 9113 section 6.2: HEADERS frames. */
class Rfc9113Section6_2HeadersTest extends ConformanceTest {

  /**
   * RFC 9113 6.2: a HEADERS frame without END_HEADERS must be followed by a CONTINUATION of the
   * same stream; a PRIORITY frame there is a connection error PROTOCOL_ERROR.
   */
  @Test
  @H2spec("http2/6.2/1")
  void priorityAfterHeadersWithoutEndHeadersGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(
        Wire.headers(1, 0, block(get())),
        Wire.priority(1, 0, false, 255),
        Wire.continuation(1, END_HEADERS, block("x-more", "fields")));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.2: nor may a HEADERS frame of another stream come in between. */
  @Test
  @H2spec("http2/6.2/2")
  void headersOfAnotherStreamAfterHeadersWithoutEndHeadersGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(
        Wire.headers(1, 0, block(get())),
        getRequest(3),
        Wire.continuation(1, END_HEADERS, block("x-more", "fields")));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.2: HEADERS on stream 0 is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.2/3")
  void headersOnStreamZeroGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(0));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 6.2: padding that exceeds what is left of the frame is a PROTOCOL_ERROR. h2spec takes
   * a stream error too; Shuttle ends the connection, because a field block whose end is unknown
   * cannot be decoded and the compression context would be lost.
   */
  @Test
  @H2spec("http2/6.2/4")
  void padLengthBeyondTheFrameGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    byte[] fields = block(get());
    // The frame holds the pad-length octet and the field block; the pad length claims one more octet.
    client.send(frameHeader(fields.length + 1, HEADERS, END_STREAM | END_HEADERS | PADDED, 1),
        new byte[] {(byte) (fields.length + 1)}, fields);
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.2: padding and the priority fields together, both stripped from the field block. */
  @Test
  void paddedHeadersWithPriorityAreAccepted() throws Exception {
    H2Client client = handshake();
    byte[] content = concat(priorityFields(0, true, 15), block(get()));
    client.send(padded(HEADERS, END_STREAM | END_HEADERS | PRIORITY_FLAG, 1, content, 7));
    assertEquals("200", client.expectResponse(1).status());
  }

  /**
   * RFC 9113 6.2 and 4.2: with the PRIORITY flag a HEADERS frame must hold its five priority
   * octets; a shorter one cannot be parsed, a FRAME_SIZE_ERROR, and a connection error because
   * HEADERS carries a field block.
   */
  @Test
  void headersWithPriorityFlagButNoRoomForItGetsGoAwayFrameSizeError() throws Exception {
    H2Client client = handshake();
    client.send(frame(HEADERS, END_STREAM | END_HEADERS | PRIORITY_FLAG, 1, new byte[] {0, 0, 0}));
    client.expectGoAway(FRAME_SIZE_ERROR);
  }

  /** RFC 9113 6.2: padding that eats into the priority fields exceeds the frame: PROTOCOL_ERROR. */
  @Test
  void paddingOverlappingThePriorityFieldsGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    // Pad length 3, then the five priority octets: 1 + 5 octets, of which 3 would be padding.
    byte[] payload = concat(new byte[] {3}, priorityFields(0, false, 15));
    client.send(frame(HEADERS, END_STREAM | END_HEADERS | PADDED | PRIORITY_FLAG, 1, payload));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.2: a padded HEADERS frame may carry an empty fragment; the block follows in CONTINUATION. */
  @Test
  void paddedHeadersWithAnEmptyFragmentThenContinuation() throws Exception {
    H2Client client = handshake();
    client.send(padded(HEADERS, END_STREAM, 1, new byte[0], 16), Wire.continuation(1, END_HEADERS, block(get())));
    assertEquals("200", client.expectResponse(1).status());
  }
}
