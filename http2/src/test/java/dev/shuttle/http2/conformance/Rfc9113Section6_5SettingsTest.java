package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.ACK;
import static dev.shuttle.http2.conformance.Wire.ENABLE_PUSH;
import static dev.shuttle.http2.conformance.Wire.END_STREAM;
import static dev.shuttle.http2.conformance.Wire.FLOW_CONTROL_ERROR;
import static dev.shuttle.http2.conformance.Wire.FRAME_SIZE_ERROR;
import static dev.shuttle.http2.conformance.Wire.HEADER_TABLE_SIZE;
import static dev.shuttle.http2.conformance.Wire.INITIAL_WINDOW_SIZE;
import static dev.shuttle.http2.conformance.Wire.MAX_FRAME_SIZE;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static dev.shuttle.http2.conformance.Wire.SETTINGS;
import static dev.shuttle.http2.conformance.Wire.frame;
import static dev.shuttle.http2.conformance.Wire.settingsPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9113 section 6.5: SETTINGS, its parameters (6.5.2) and their synchronization (6.5.3). */
class Rfc9113Section6_5SettingsTest extends ConformanceTest {

  // ---------------------------------------------------------------------------------------------
  // 6.5 SETTINGS

  /** RFC 9113 6.5: a SETTINGS acknowledgement with a payload is a connection error FRAME_SIZE_ERROR. */
  @Test
  @H2spec("http2/6.5/1")
  void settingsAckWithAPayloadGetsGoAwayFrameSizeError() throws Exception {
    H2Client client = handshake();
    client.send(frame(SETTINGS, ACK, 0, new byte[1]));
    client.expectGoAway(FRAME_SIZE_ERROR);
  }

  /** RFC 9113 6.5: SETTINGS on a stream is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.5/2")
  void settingsOnAStreamGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(frame(SETTINGS, 0, 1, settingsPayload(Wire.MAX_CONCURRENT_STREAMS, 100)));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 6.5: a length that is not a multiple of 6 is a connection error FRAME_SIZE_ERROR
   * (h2spec also takes PROTOCOL_ERROR, the code for a badly formed SETTINGS frame in general; the
   * RFC names FRAME_SIZE_ERROR for this case).
   */
  @Test
  @H2spec("http2/6.5/3")
  void settingsOfThreeOctetsGetsGoAwayFrameSizeError() throws Exception {
    H2Client client = handshake();
    client.send(frame(SETTINGS, 0, 0, new byte[] {0, 3, 0}));
    client.expectGoAway(FRAME_SIZE_ERROR);
  }

  // ---------------------------------------------------------------------------------------------
  // 6.5.2 Defined settings

  /** RFC 9113 6.5.2: SETTINGS_ENABLE_PUSH other than 0 or 1 is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.5.2/1")
  void enablePushOfTwoGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.settings(ENABLE_PUSH, 2));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.5.2: SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1 is a connection error FLOW_CONTROL_ERROR. */
  @Test
  @H2spec("http2/6.5.2/2")
  void initialWindowSizeAboveTheMaximumGetsGoAwayFlowControlError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.settings(INITIAL_WINDOW_SIZE, 0x80000000));
    client.expectGoAway(FLOW_CONTROL_ERROR);
  }

  /** RFC 9113 6.5.2: SETTINGS_MAX_FRAME_SIZE below 2^14 is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.5.2/3")
  void maxFrameSizeBelowTheInitialValueGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.settings(MAX_FRAME_SIZE, 16_383));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.5.2: SETTINGS_MAX_FRAME_SIZE above 2^24-1 is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.5.2/4")
  void maxFrameSizeAboveTheMaximumGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.settings(MAX_FRAME_SIZE, 16_777_216));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.5.2: a setting of unknown identifier is ignored, and the frame acknowledged. */
  @Test
  @H2spec("http2/6.5.2/5")
  void unknownSettingIsIgnored() throws Exception {
    H2Client client = handshake();
    client.send(Wire.settings(0xff, 1, 0xf00d, 0xffffffff), Wire.ping(65));
    client.expectSettingsAck();
    client.expectPingAck(65);
  }

  /** RFC 9113 6.5.2: the limits themselves are valid values. */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "ENABLE_PUSH, 0",
    "ENABLE_PUSH, 1",
    "INITIAL_WINDOW_SIZE, 0",
    "INITIAL_WINDOW_SIZE, 2147483647",
    "MAX_FRAME_SIZE, 16384",
    "MAX_FRAME_SIZE, 16777215",
    "HEADER_TABLE_SIZE, 0",
    "HEADER_TABLE_SIZE, 4294967295",
    "MAX_CONCURRENT_STREAMS, 0",
    "MAX_HEADER_LIST_SIZE, 0",
  })
  void boundaryValuesAreAccepted(String name, long value) throws Exception {
    int id = switch (name) {
      case "HEADER_TABLE_SIZE" -> HEADER_TABLE_SIZE;
      case "ENABLE_PUSH" -> ENABLE_PUSH;
      case "MAX_CONCURRENT_STREAMS" -> Wire.MAX_CONCURRENT_STREAMS;
      case "INITIAL_WINDOW_SIZE" -> INITIAL_WINDOW_SIZE;
      case "MAX_FRAME_SIZE" -> MAX_FRAME_SIZE;
      case "MAX_HEADER_LIST_SIZE" -> Wire.MAX_HEADER_LIST_SIZE;
      default -> throw new IllegalArgumentException(name);
    };
    H2Client client = handshake();
    client.send(Wire.settings(id, (int) value));
    client.expectSettingsAck();
    client.expectNothingElse();
  }

  /**
   * RFC 9113 6.5.2 and 10.5.1: a field section above the SETTINGS_MAX_HEADER_LIST_SIZE the server
   * announced may be refused, here with a 431 answer (RFC 6585); the block is still decoded, so
   * the compression context stays in step for the next request.
   */
  @Test
  void fieldSectionAboveTheAnnouncedLimitIsAnswered431() throws Exception {
    H2Client client = handshake();
    Long limit = client.serverSetting(Wire.MAX_HEADER_LIST_SIZE);
    org.junit.jupiter.api.Assertions.assertNotNull(limit, "the server announces SETTINGS_MAX_HEADER_LIST_SIZE");
    byte[] tooLarge = Hpack.block()
        .raw(block(get()))
        .incremental("x-kept", "for later")
        .literal("x-large", "x".repeat(Math.toIntExact(limit)))
        .bytes();
    client.send(Wire.headers(1, END_STREAM | Wire.END_HEADERS, tooLarge));
    H2Client.Frame refusal = client.expect("HEADERS :status 431 with END_STREAM",
        f -> f.type() == Wire.HEADERS && f.streamId() == 1 && "431".equals(f.field(":status")) && f.has(END_STREAM));
    org.junit.jupiter.api.Assertions.assertTrue(refusal.has(END_STREAM));
    client.send(Wire.headers(3, END_STREAM | Wire.END_HEADERS, Hpack.block().raw(block(get())).indexed(Hpack.STATIC_TABLE_LENGTH + 1).bytes()));
    String body = client.expectResponse(3).bodyText();
    org.junit.jupiter.api.Assertions.assertTrue(body.contains("x-kept: for later\n"), body);
  }

  // ---------------------------------------------------------------------------------------------
  // 6.5.3 Settings synchronization

  /**
   * RFC 9113 6.5.3: the values of one SETTINGS frame are processed in order, so of two
   * SETTINGS_INITIAL_WINDOW_SIZE values the last one holds: the response's DATA comes one octet
   * at a time.
   */
  @Test
  @H2spec("http2/6.5.3/1")
  void valuesAreProcessedInTheOrderTheyAppear() throws Exception {
    H2Client client = handshake();
    client.send(Wire.settings(INITIAL_WINDOW_SIZE, 100, INITIAL_WINDOW_SIZE, 1));
    client.expectSettingsAck();
    client.send(getRequest(1));
    client.expectHeaders(1);
    H2Client.Frame data = client.expectData(1);
    assertEquals(1, data.payload().length, "DATA limited by the last window value, 1");
    assertFalse(data.has(END_STREAM));
  }

  /** RFC 9113 6.5.3: SETTINGS are acknowledged at once with an empty SETTINGS frame with ACK. */
  @Test
  @H2spec("http2/6.5.3/2")
  void settingsAreAcknowledged() throws Exception {
    H2Client client = handshake();
    client.send(Wire.settings(ENABLE_PUSH, 0));
    client.expectSettingsAck();
  }

  /** RFC 9113 6.5.3: each SETTINGS frame gets its own acknowledgement, in order. */
  @Test
  void everySettingsFrameGetsItsOwnAcknowledgement() throws Exception {
    H2Client client = handshake();
    client.send(Wire.settings(), Wire.settings(ENABLE_PUSH, 0), Wire.settings(INITIAL_WINDOW_SIZE, 1000));
    client.expectSettingsAck();
    client.expectSettingsAck();
    client.expectSettingsAck();
    client.expectNothingElse();
  }

  /**
   * RFC 9113 6.5.2 and RFC 7541 4.2: once the server acknowledges SETTINGS_HEADER_TABLE_SIZE 0,
   * its encoder may use no dynamic table, and its next field block must start with a size update
   * (the client's decoder now refuses anything else).
   */
  @Test
  void headerTableSizeZeroIsHonouredByTheServersEncoder() throws Exception {
    H2Client client = handshake(HEADER_TABLE_SIZE, 0);
    client.acknowledgedHeaderTableSize(0);
    for (int stream = 1; stream <= 5; stream += 2) {
      client.send(getRequest(stream));
      assertEquals("200", client.expectResponse(stream).status());
    }
  }

  /** RFC 9113 6.5.2: a larger SETTINGS_MAX_FRAME_SIZE from the client leaves the server's own limit alone. */
  @Test
  void clientMaxFrameSizeDoesNotRaiseTheServersLimit() throws Exception {
    H2Client client = handshake(MAX_FRAME_SIZE, 1 << 20);
    client.send(postHeaders(1), Wire.data(1, END_STREAM, Wire.filler(Wire.DEFAULT_MAX_FRAME_SIZE + 1)));
    client.expectGoAway(FRAME_SIZE_ERROR);
  }
}
