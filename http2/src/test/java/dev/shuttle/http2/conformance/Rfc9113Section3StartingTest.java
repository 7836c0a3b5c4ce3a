package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.ACK;
import static dev.shuttle.http2.conformance.Wire.ENABLE_PUSH;
import static dev.shuttle.http2.conformance.Wire.INITIAL_WINDOW_SIZE;
import static dev.shuttle.http2.conformance.Wire.MAX_CONCURRENT_STREAMS;
import static dev.shuttle.http2.conformance.Wire.MAX_FRAME_SIZE;
import static dev.shuttle.http2.conformance.Wire.PREFACE;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static dev.shuttle.http2.conformance.Wire.SETTINGS;
import static dev.shuttle.http2.conformance.Wire.WINDOW_UPDATE;
import static dev.shuttle.http2.conformance.Wire.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 section 3: starting HTTP/2 with prior knowledge, and the connection preface (3.4).
 */
class Rfc9113Section3StartingTest extends ConformanceTest {

  /** The server's half of the preface may go out before it reads anything of ours. */
  private static void tolerateServerPreface(H2Client client) {
    client.tolerate("the server's own preface (RFC 9113 3.4) needs nothing from the client",
        f -> (f.type() == SETTINGS && !f.has(ACK)) || (f.type() == WINDOW_UPDATE && f.streamId() == 0));
  }

  /** RFC 9113 3.4: the server connection preface is a SETTINGS frame, and it comes first. */
  @Test
  @H2spec("http2/3.5/1")
  void serverPrefaceIsASettingsFrameAndComesFirst() throws Exception {
    H2Client client = connect();
    client.send(PREFACE, Wire.settings(INITIAL_WINDOW_SIZE, 65_535));
    H2Client.Frame first = client.expect("SETTINGS without ACK on stream 0",
        f -> f.type() == SETTINGS && !f.has(ACK) && f.streamId() == 0 && f.payload().length % 6 == 0);
    assertEquals(SETTINGS, first.type());
    client.send(Wire.settingsAck());
    client.tolerate("a larger connection window is announced right after the preface",
        f -> f.type() == WINDOW_UPDATE && f.streamId() == 0);
    client.expectSettingsAck();
  }

  /**
   * RFC 9113 3.4: an invalid preface is a connection error of type PROTOCOL_ERROR. The GOAWAY
   * MAY be omitted (the peer is evidently not speaking HTTP/2); Shuttle sends it, then closes.
   */
  @Test
  @H2spec("http2/3.5/2")
  void invalidPrefaceGetsGoAwayProtocolError() throws Exception {
    H2Client client = connect();
    tolerateServerPreface(client);
    client.send(ascii("INVALID CONNECTION PREFACE\r\n\r\n"));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 3.4: an HTTP/1.1 request where the preface belongs is an invalid preface. */
  @Test
  void http11RequestInsteadOfThePrefaceGetsGoAwayProtocolError() throws Exception {
    H2Client client = connect();
    tolerateServerPreface(client);
    client.send(ascii("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 3.4: the preface is a byte sequence, however the transport splits it. */
  @Test
  void prefaceSplitAcrossWritesIsAccepted() throws Exception {
    H2Client client = connect();
    client.send(Arrays.copyOfRange(PREFACE, 0, 3));
    client.send(Arrays.copyOfRange(PREFACE, 3, 17));
    client.send(Arrays.copyOfRange(PREFACE, 17, PREFACE.length));
    client.send(Wire.settings());
    client.expect("the server's SETTINGS", f -> f.type() == SETTINGS && !f.has(ACK));
    client.send(Wire.settingsAck());
    client.tolerate("connection window", f -> f.type() == WINDOW_UPDATE && f.streamId() == 0);
    client.expectSettingsAck();
    client.expectNothingElse();
  }

  /** RFC 9113 3.4: the client preface ends with a SETTINGS frame; a PING in its place is a PROTOCOL_ERROR. */
  @Test
  void pingInPlaceOfTheFirstSettingsGetsGoAwayProtocolError() throws Exception {
    H2Client client = connect();
    tolerateServerPreface(client);
    client.send(PREFACE, Wire.ping(1));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 3.4: not even a frame of unknown type, which 5.5 would have the server ignore
   * anywhere else, may come before the client's SETTINGS.
   */
  @Test
  void unknownFrameInPlaceOfTheFirstSettingsGetsGoAwayProtocolError() throws Exception {
    H2Client client = connect();
    tolerateServerPreface(client);
    client.send(PREFACE, Wire.frame(0xfc, 0, 0, new byte[8]), Wire.settings());
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 3.4: a SETTINGS acknowledgement cannot stand in for the client's own SETTINGS. */
  @Test
  void settingsAckInPlaceOfTheFirstSettingsGetsGoAwayProtocolError() throws Exception {
    H2Client client = connect();
    tolerateServerPreface(client);
    client.send(PREFACE, Wire.settingsAck());
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /**
   * RFC 9113 6.5.2: what the server announces is legal: no push from a server, windows and frame
   * sizes in range, and a concurrency limit of at least the recommended 100.
   */
  @Test
  void serverSettingsAreWithinTheirRanges() throws Exception {
    H2Client client = handshake();
    Long push = client.serverSetting(ENABLE_PUSH);
    assertTrue(push == null || push == 0, "a server must not announce SETTINGS_ENABLE_PUSH 1: " + push);
    Long window = client.serverSetting(INITIAL_WINDOW_SIZE);
    assertTrue(window == null || window <= Integer.MAX_VALUE, "SETTINGS_INITIAL_WINDOW_SIZE " + window);
    Long frameSize = client.serverSetting(MAX_FRAME_SIZE);
    assertTrue(frameSize == null || (frameSize >= 16_384 && frameSize <= 16_777_215), "SETTINGS_MAX_FRAME_SIZE " + frameSize);
    Long streams = client.serverSetting(MAX_CONCURRENT_STREAMS);
    assertTrue(streams != null && streams >= 100, "SETTINGS_MAX_CONCURRENT_STREAMS " + streams);
  }
}
