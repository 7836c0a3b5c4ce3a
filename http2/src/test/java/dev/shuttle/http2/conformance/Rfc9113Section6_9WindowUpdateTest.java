package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.ACK;
import static dev.shuttle.http2.conformance.Wire.END_STREAM;
import static dev.shuttle.http2.conformance.Wire.FLOW_CONTROL_ERROR;
import static dev.shuttle.http2.conformance.Wire.FRAME_SIZE_ERROR;
import static dev.shuttle.http2.conformance.Wire.INITIAL_WINDOW_SIZE;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static dev.shuttle.http2.conformance.Wire.SETTINGS;
import static dev.shuttle.http2.conformance.Wire.WINDOW_UPDATE;
import static dev.shuttle.http2.conformance.Wire.filler;
import static dev.shuttle.http2.conformance.Wire.frame;
import static dev.shuttle.http2.conformance.Wire.frameHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 section 6.9: WINDOW_UPDATE, the flow-control window (6.9.1) and
 * SETTINGS_INITIAL_WINDOW_SIZE (6.9.2). The server's windows towards the client start at the
 * protocol's 65535 octets.
 */
class Rfc9113Section6_9WindowUpdateTest extends ConformanceTest {
  private static final int MAX_WINDOW = Integer.MAX_VALUE;
  private static final int DEFAULT_WINDOW = 65_535;

  // ---------------------------------------------------------------------------------------------
  // 6.9 WINDOW_UPDATE

  /** RFC 9113 6.9: an increment of 0 for the connection is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.9/1")
  void windowUpdateOfZeroOnTheConnectionGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.windowUpdate(0, 0));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  /** RFC 9113 6.9: an increment of 0 for a stream is a stream error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/6.9/2")
  void windowUpdateOfZeroOnAStreamGetsRstProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.windowUpdate(1, 0));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.expectNothingElse();
  }

  /** RFC 9113 6.9: a WINDOW_UPDATE that is not 4 octets is a connection error FRAME_SIZE_ERROR. */
  @Test
  @H2spec("http2/6.9/3")
  void windowUpdateOfThreeOctetsGetsGoAwayFrameSizeError() throws Exception {
    H2Client client = handshake();
    client.send(frame(WINDOW_UPDATE, 0, 0, new byte[] {0, 0, 1}));
    client.expectGoAway(FRAME_SIZE_ERROR);
  }

  /** RFC 9113 6.9: the reserved bit of the increment is ignored. */
  @Test
  void reservedBitOfTheIncrementIsIgnored() throws Exception {
    H2Client client = handshake(INITIAL_WINDOW_SIZE, 0);
    client.send(getRequest(1));
    client.expectHeaders(1);
    client.send(Wire.windowUpdate(1, 0x80000002));
    assertEquals(2, client.expectData(1).payload().length);
  }

  /**
   * RFC 9113 6.9: the server gives window back as it takes the data: a client that has used up
   * the stream window it was given gets a WINDOW_UPDATE and can send the rest.
   */
  @Test
  void serverReturnsWindowAsItConsumes() throws Exception {
    H2Client client = handshake();
    long window = client.serverSetting(INITIAL_WINDOW_SIZE) == null ? DEFAULT_WINDOW : client.serverSetting(INITIAL_WINDOW_SIZE);
    client.tolerate("the connection window may come back too", f -> f.type() == WINDOW_UPDATE && f.streamId() == 0);
    client.send(postHeaders(1), dataFrames(1, window, false));
    long sent = window;
    H2Client.Frame update = client.expect("WINDOW_UPDATE on stream 1", f -> f.type() == WINDOW_UPDATE && f.streamId() == 1);
    assertTrue(update.windowIncrement() > 0 && update.windowIncrement() <= window, "increment " + update.windowIncrement());
    client.tolerate("more of the stream window may come back", f -> f.type() == WINDOW_UPDATE && f.streamId() == 1);
    client.send(dataFrames(1, update.windowIncrement(), true));
    H2Client.Response response = client.expectResponse(1);
    long total = sent + update.windowIncrement();
    assertTrue(response.bodyText().contains("body: " + total + " bytes"), response.bodyText());
  }

  /** {@code total} octets of DATA in frames of the default maximum size; END_STREAM on the last if asked. */
  private static byte[] dataFrames(int streamId, long total, boolean endStream) {
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (long sent = 0; sent < total; ) {
      int n = (int) Math.min(Wire.DEFAULT_MAX_FRAME_SIZE, total - sent);
      sent += n;
      frames.writeBytes(Wire.data(streamId, endStream && sent == total ? END_STREAM : 0, filler(n)));
    }
    return frames.toByteArray();
  }

  // ---------------------------------------------------------------------------------------------
  // 6.9.1 The flow-control window

  /**
   * RFC 9113 6.9.1: the server never sends more DATA than the window allows: with a window of 1
   * the body comes one octet at a time, and the rest once the window opens.
   */
  @Test
  @H2spec("http2/6.9.1/1")
  void initialWindowOfOneLetsOneOctetThrough() throws Exception {
    H2Client client = handshake(INITIAL_WINDOW_SIZE, 1);
    client.send(getRequest(1));
    client.expectHeaders(1);
    H2Client.Frame first = client.expectData(1);
    assertEquals(1, first.payload().length);
    assertFalse(first.has(END_STREAM));
    client.send(Wire.windowUpdate(1, 10_000));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(first.payload());
    H2Client.Frame data;
    do {
      data = client.expectData(1);
      body.writeBytes(data.payload());
    } while (!data.has(END_STREAM));
    assertTrue(body.toString(java.nio.charset.StandardCharsets.ISO_8859_1).startsWith(":method: GET\n"), body.toString());
  }

  /**
   * RFC 9113 6.9.1: a WINDOW_UPDATE that takes the connection window above 2^31-1 is a connection
   * error FLOW_CONTROL_ERROR; exactly 2^31-1 is fine.
   */
  @Test
  @H2spec("http2/6.9.1/2")
  void connectionWindowAboveTheMaximumGetsGoAwayFlowControlError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.windowUpdate(0, MAX_WINDOW - DEFAULT_WINDOW));
    client.expectNothingElse();
    client.send(Wire.windowUpdate(0, 1));
    client.expectGoAway(FLOW_CONTROL_ERROR);
  }

  /**
   * RFC 9113 6.9.1: for a stream window it is a stream error: RST_STREAM FLOW_CONTROL_ERROR, and
   * the connection goes on.
   */
  @Test
  @H2spec("http2/6.9.1/3")
  void streamWindowAboveTheMaximumGetsRstFlowControlError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.windowUpdate(1, MAX_WINDOW - DEFAULT_WINDOW));
    client.expectNothingElse();
    client.send(Wire.windowUpdate(1, 1));
    client.expectRstStream(1, FLOW_CONTROL_ERROR);
    client.expectNothingElse();
  }

  /** Octets 0, 1, ..., 250, 0, 1, ...: a body whose every octet says where it belongs. */
  private static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i % 251);
    }
    return b;
  }

  /** A request body of these octets in frames of the default maximum size, END_STREAM on the last. */
  private static byte[] body(int streamId, byte[] octets) {
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (int at = 0; at < octets.length; at += Wire.DEFAULT_MAX_FRAME_SIZE) {
      int n = Math.min(Wire.DEFAULT_MAX_FRAME_SIZE, octets.length - at);
      frames.writeBytes(Wire.data(streamId, at + n == octets.length ? END_STREAM : 0, java.util.Arrays.copyOfRange(octets, at, at + n)));
    }
    return frames.toByteArray();
  }

  /** Reads DATA on the stream until exactly {@code octets} have come, checking every frame's size. */
  private static void readData(H2Client client, int streamId, int octets, ByteArrayOutputStream into) throws Exception {
    int got = 0;
    while (got < octets) {
      H2Client.Frame data = client.expectData(streamId);
      assertTrue(data.payload().length <= Wire.DEFAULT_MAX_FRAME_SIZE, "DATA larger than SETTINGS_MAX_FRAME_SIZE: " + data);
      got += data.payload().length;
      assertTrue(got <= octets, "DATA beyond the window: " + got + " octets where " + octets + " were allowed");
      into.writeBytes(data.payload());
    }
  }

  /**
   * RFC 9113 6.9.1: the server sends no more DATA than both windows allow: 65535 octets of a
   * 100000-octet response, nothing more when only the stream window opens (the connection's is
   * still spent), the rest once the connection window opens too.
   */
  @Test
  void serverNeverExceedsTheStreamOrTheConnectionWindow() throws Exception {
    H2Client client = handshake();
    byte[] octets = pattern(100_000);
    client.send(Wire.headers(1, Wire.END_HEADERS, block(request("POST", EchoHandler.BODY))), body(1, octets));
    client.expectHeaders(1);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    readData(client, 1, DEFAULT_WINDOW, received);
    client.expectNothingElse();
    client.send(Wire.windowUpdate(1, 50_000));
    client.expectNothingElse();
    client.send(Wire.windowUpdate(0, 50_000));
    readData(client, 1, octets.length - DEFAULT_WINDOW, received);
    assertTrue(client.received().get(client.received().size() - 1).has(END_STREAM), "the body ends with END_STREAM");
    org.junit.jupiter.api.Assertions.assertArrayEquals(octets, received.toByteArray());
  }

  /**
   * RFC 9113 6.9.1: DATA beyond the stream window the server announced is a flow-control
   * violation (section 7: FLOW_CONTROL_ERROR), here a stream error: the application never reads,
   * so not one octet of window comes back.
   */
  @Test
  void dataBeyondTheStreamWindowGetsRstFlowControlError() throws Exception {
    H2Client client = handshake();
    Long announced = client.serverSetting(INITIAL_WINDOW_SIZE);
    long window = announced == null ? DEFAULT_WINDOW : announced;
    client.tolerate("the connection window comes back as data is buffered", f -> f.type() == WINDOW_UPDATE && f.streamId() == 0);
    client.send(Wire.headers(1, Wire.END_HEADERS, block(request("POST", EchoHandler.HOLD))), dataFrames(1, window, false));
    client.expectNothingElse();
    client.send(Wire.data(1, false, "x"));
    client.expectRstStream(1, FLOW_CONTROL_ERROR);
    client.send(getRequest(3));
    client.expectResponse(3);
  }

  // ---------------------------------------------------------------------------------------------
  // 6.9.2 Initial flow-control window size

  /**
   * RFC 9113 6.9.2: a new SETTINGS_INITIAL_WINDOW_SIZE changes the windows of open streams by the
   * difference: from 0 to 1 lets one octet of the waiting response through. (Its SETTINGS ACK and
   * that DATA may come in either order.)
   */
  @Test
  @H2spec("http2/6.9.2/1")
  void initialWindowSizeChangeAppliesToOpenStreams() throws Exception {
    H2Client client = handshake(INITIAL_WINDOW_SIZE, 0);
    client.send(getRequest(1));
    client.expectHeaders(1);
    client.tolerate("the acknowledgement of the new window", f -> f.type() == SETTINGS && f.has(ACK));
    client.send(Wire.settings(INITIAL_WINDOW_SIZE, 1));
    H2Client.Frame data = client.expectData(1);
    assertEquals(1, data.payload().length);
  }

  /**
   * RFC 9113 6.9.2: a smaller SETTINGS_INITIAL_WINDOW_SIZE can make a window negative; the server
   * sends nothing until WINDOW_UPDATE makes it positive again: from 3 sent of 3, down to 2 (-1),
   * up by 2 (+1): one octet.
   */
  @Test
  @H2spec("http2/6.9.2/2")
  void negativeWindowHoldsDataUntilItIsPositiveAgain() throws Exception {
    H2Client client = handshake(INITIAL_WINDOW_SIZE, 3);
    client.send(getRequest(1));
    client.expectHeaders(1);
    assertEquals(3, client.expectData(1).payload().length);
    client.send(Wire.settings(INITIAL_WINDOW_SIZE, 2));
    client.expectSettingsAck();
    client.expectNothingElse();
    client.send(Wire.windowUpdate(1, 2));
    H2Client.Frame data = client.expectData(1);
    assertEquals(1, data.payload().length);
  }

  /**
   * RFC 9113 6.9.2: SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1 is a connection error
   * FLOW_CONTROL_ERROR, here in the SETTINGS frame that ends the client's preface.
   */
  @Test
  @H2spec("http2/6.9.2/3")
  void initialWindowSizeAboveTheMaximumInThePrefaceGetsGoAwayFlowControlError() throws Exception {
    H2Client client = connect();
    client.tolerate("the server's own preface", f -> (f.type() == SETTINGS && !f.has(ACK)) || (f.type() == WINDOW_UPDATE && f.streamId() == 0));
    client.send(Wire.PREFACE, frameHeader(6, SETTINGS, 0, 0), new byte[] {0, 4, (byte) 0x80, 0, 0, 0});
    client.expectGoAway(FLOW_CONTROL_ERROR);
  }

  /**
   * RFC 9113 6.9.2: a change of SETTINGS_INITIAL_WINDOW_SIZE that takes an open stream's window
   * above 2^31-1 is a connection error FLOW_CONTROL_ERROR.
   */
  @Test
  void initialWindowSizeChangeOverflowingAStreamWindowGetsGoAwayFlowControlError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.windowUpdate(1, MAX_WINDOW - DEFAULT_WINDOW));
    client.expectNothingElse();
    client.send(Wire.settings(INITIAL_WINDOW_SIZE, DEFAULT_WINDOW + 1));
    client.expectGoAway(FLOW_CONTROL_ERROR);
  }

  /** RFC 9113 6.9.2: SETTINGS_INITIAL_WINDOW_SIZE is for streams; the connection window is not touched by it. */
  @Test
  void initialWindowSizeDoesNotChangeTheConnectionWindow() throws Exception {
    H2Client client = handshake(INITIAL_WINDOW_SIZE, 0);
    // Only a WINDOW_UPDATE on stream 0 could take the connection window above 2^31-1 now.
    client.send(Wire.windowUpdate(0, MAX_WINDOW - DEFAULT_WINDOW));
    client.expectNothingElse();
    client.send(Wire.settings(INITIAL_WINDOW_SIZE, MAX_WINDOW));
    client.expectSettingsAck();
    client.expectNothingElse();
  }
}
