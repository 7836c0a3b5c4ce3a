package dev.shuttle.http2;

import static dev.shuttle.http2.TestFrames.CONTINUATION;
import static dev.shuttle.http2.TestFrames.DATA;
import static dev.shuttle.http2.TestFrames.END_HEADERS;
import static dev.shuttle.http2.TestFrames.END_STREAM;
import static dev.shuttle.http2.TestFrames.GOAWAY;
import static dev.shuttle.http2.TestFrames.HEADERS;
import static dev.shuttle.http2.TestFrames.PADDED;
import static dev.shuttle.http2.TestFrames.PING;
import static dev.shuttle.http2.TestFrames.PREFACE;
import static dev.shuttle.http2.TestFrames.PRIORITY;
import static dev.shuttle.http2.TestFrames.PRIORITY_FLAG;
import static dev.shuttle.http2.TestFrames.PUSH_PROMISE;
import static dev.shuttle.http2.TestFrames.RST_STREAM;
import static dev.shuttle.http2.TestFrames.SETTINGS;
import static dev.shuttle.http2.TestFrames.WINDOW_UPDATE;
import static dev.shuttle.http2.TestFrames.ascii;
import static dev.shuttle.http2.TestFrames.block;
import static dev.shuttle.http2.TestFrames.concat;
import static dev.shuttle.http2.TestFrames.frame;
import static dev.shuttle.http2.TestFrames.header;
import static dev.shuttle.http2.TestFrames.int32;
import static dev.shuttle.http2.TestFrames.int64;
import static dev.shuttle.http2.TestFrames.padded;
import static dev.shuttle.http2.TestFrames.settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.hpack.HpackDecoder;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FrameReader against hand-built frames: every rule of RFC 9113 section 4 and 6 it enforces,
 * padding, and the joining of HEADERS and CONTINUATION into one header block.
 */
class FrameReaderTest {
  private static final byte[] REQUEST = block(":method", "POST", ":path", "/a.B/C", "content-type", "application/grpc");
  private static final String REQUEST_FIELDS = "[:method: POST, :path: /a.B/C, content-type: application/grpc]";

  /** Writes every event down as a line of text, in order. */
  private static final class Recorder implements FrameHandler {
    final List<String> events = new ArrayList<>();
    final List<byte[]> data = new ArrayList<>();

    @Override
    public void onData(int streamId, byte[] buf, int offset, int length, int flowControlledLength, boolean endStream) {
      data.add(Arrays.copyOfRange(buf, offset, offset + length));
      events.add("DATA " + streamId + " \"" + new String(buf, offset, length, StandardCharsets.ISO_8859_1)
          + "\" flow=" + flowControlledLength + (endStream ? " END_STREAM" : ""));
    }

    @Override
    public void onHeaders(int streamId, Http2Headers headers, boolean endStream) {
      events.add("HEADERS " + streamId + " " + headers + (endStream ? " END_STREAM" : ""));
    }

    @Override
    public void onHeaderListTooLarge(int streamId, boolean endStream) {
      events.add("HEADER_LIST_TOO_LARGE " + streamId + (endStream ? " END_STREAM" : ""));
    }

    @Override
    public void onPriority(int streamId, int dependency) {
      events.add("PRIORITY " + streamId + " on " + dependency);
    }

    @Override
    public void onRstStream(int streamId, Http2ErrorCode code) {
      events.add("RST_STREAM " + streamId + " " + code);
    }

    @Override
    public void onSettings(Http2Settings settings) {
      StringBuilder sb = new StringBuilder("SETTINGS");
      for (int id = 1; id <= 6; id++) {
        if (settings.has(id)) {
          sb.append(' ').append(id).append('=').append(settings.get(id));
        }
      }
      events.add(sb.toString());
    }

    @Override
    public void onSettingsAck() {
      events.add("SETTINGS_ACK");
    }

    @Override
    public void onPushPromise(int streamId) {
      events.add("PUSH_PROMISE " + streamId);
    }

    @Override
    public void onPing(boolean ack, long payload) {
      events.add("PING" + (ack ? "_ACK " : " ") + Long.toHexString(payload));
    }

    @Override
    public void onGoAway(int lastStreamId, Http2ErrorCode code, String debugData) {
      events.add("GOAWAY " + lastStreamId + " " + code + " \"" + debugData + "\"");
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) {
      events.add("WINDOW_UPDATE " + streamId + " " + increment);
    }
  }

  private Http2Config config = Http2Config.defaults();
  private final HpackDecoder decoder = new HpackDecoder(4096, Http2Config.DEFAULT_MAX_HEADER_LIST_SIZE);
  private Recorder recorder;

  private FrameReader reader(InputStream in) {
    return new FrameReader(in, decoder, config);
  }

  /** Reads frames until a clean end of input and returns the events. */
  private List<String> read(byte[]... frames) throws Exception {
    return readFrom(new ByteArrayInputStream(concat(frames)));
  }

  private List<String> readFrom(InputStream in) throws Exception {
    recorder = new Recorder();
    FrameReader reader = reader(in);
    while (reader.readFrame(recorder)) {
      // keep reading
    }
    return recorder.events;
  }

  private Http2Exception connectionError(Http2ErrorCode code, byte[]... frames) {
    Http2Exception e = assertThrows(Http2Exception.class, () -> read(frames));
    assertTrue(e.isConnectionError(), "expected a connection error, got a stream error: " + e.getMessage());
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  private Http2Exception streamError(int streamId, Http2ErrorCode code, byte[]... frames) {
    Http2Exception e = assertThrows(Http2Exception.class, () -> read(frames));
    assertFalse(e.isConnectionError(), "expected a stream error, got a connection error: " + e.getMessage());
    assertEquals(streamId, e.streamId());
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  // -----------------------------------------------------------------------------------------------
  // Preface and framing.

  @Test
  void clientPrefaceIsAcceptedAndFramesFollow() throws Exception {
    FrameReader reader = reader(new ByteArrayInputStream(concat(PREFACE, settings())));
    reader.readPreface();
    Recorder r = new Recorder();
    assertTrue(reader.readFrame(r));
    assertEquals(List.of("SETTINGS"), r.events);
    assertFalse(reader.readFrame(r));
  }

  @Test
  void wrongPrefaceIsProtocolError() {
    byte[] http1 = ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    Http2Exception e = assertThrows(Http2Exception.class, () -> reader(new ByteArrayInputStream(http1)).readPreface());
    assertTrue(e.isConnectionError());
    assertEquals(Http2ErrorCode.PROTOCOL_ERROR, e.code());
  }

  /**
   * A client that sends fewer bytes than the preface and waits (an HTTP/1.1 request such as
   * "GET / HTTP/1.1\r\n\r\n" is 18 bytes) must be refused once a byte differs, not left waiting.
   */
  @Test
  void prefaceMismatchIsDetectedWithoutWaitingForAll24Bytes() {
    InputStream shortThenSilent = new InputStream() {
      private final byte[] bytes = ascii("GET / HTTP/1.1\r\n\r\n");
      private int pos;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos == bytes.length) {
          throw new AssertionError("the reader waits for more input although the preface already differs");
        }
        int n = Math.min(len, bytes.length - pos);
        System.arraycopy(bytes, pos, b, off, n);
        pos += n;
        return n;
      }
    };
    Http2Exception e = assertThrows(Http2Exception.class, () -> reader(shortThenSilent).readPreface());
    assertEquals(Http2ErrorCode.PROTOCOL_ERROR, e.code());
  }

  @Test
  void endOfInputBeforeThePrefaceIsEof() {
    assertThrows(EOFException.class, () -> reader(new ByteArrayInputStream(new byte[0])).readPreface());
    assertThrows(
        EOFException.class, () -> reader(new ByteArrayInputStream(Arrays.copyOf(PREFACE, 10))).readPreface());
  }

  @Test
  void cleanEndBetweenFramesReturnsFalse() throws Exception {
    assertEquals(List.of(), read());
    assertEquals(List.of("PING 1", "PING 2"), read(frame(PING, 0, 0, int64(1)), frame(PING, 0, 0, int64(2))));
  }

  @Test
  void endInsideAFrameHeaderIsEof() {
    assertThrows(EOFException.class, () -> read(Arrays.copyOf(frame(PING, 0, 0, int64(1)), 5)));
  }

  @Test
  void endInsideAPayloadIsEof() {
    assertThrows(EOFException.class, () -> read(Arrays.copyOf(frame(PING, 0, 0, int64(1)), 12)));
  }

  @Test
  void frameOfExactlyMaxFrameSizeIsRead() throws Exception {
    byte[] payload = new byte[16_384];
    Arrays.fill(payload, (byte) 'x');
    read(frame(DATA, 0, 1, payload));
    assertArrayEquals(payload, recorder.data.get(0));
  }

  /** Refused from the 9-byte header alone: the payload is never waited for nor buffered. */
  @Test
  void frameOverMaxFrameSizeIsFrameSizeErrorBeforeItsPayload() {
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, header(16_385, DATA, 0, 1));
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, header(0xffffff, 0xfa, 0, 0));
  }

  @Test
  void configuredMaxFrameSizeIsHonoured() throws Exception {
    config = Http2Config.builder().maxFrameSize(32_768).build();
    assertEquals(1, read(frame(DATA, 0, 1, new byte[32_768])).size());
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, header(32_769, DATA, 0, 1));
  }

  @Test
  void framesArrivingOneByteAtATimeAreReassembled() throws Exception {
    byte[] all =
        concat(
            settings(4, 100),
            frame(HEADERS, END_HEADERS, 1, REQUEST),
            frame(DATA, END_STREAM, 1, ascii("hello")),
            frame(PING, 0, 0, int64(0xabcdef)));
    InputStream trickle =
        new ByteArrayInputStream(all) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1));
          }
        };
    assertEquals(
        List.of("SETTINGS 4=100", "HEADERS 1 " + REQUEST_FIELDS, "DATA 1 \"hello\" flow=5 END_STREAM", "PING abcdef"),
        readFrom(trickle));
  }

  @Test
  void manyMaximumSizeFramesBackToBackKeepTheirBytes() throws Exception {
    byte[][] frames = new byte[12][];
    for (int i = 0; i < frames.length; i++) {
      byte[] payload = new byte[16_384];
      Arrays.fill(payload, (byte) ('a' + i));
      payload[0] = (byte) i;
      payload[16_383] = (byte) ~i;
      frames[i] = frame(DATA, 0, 1, payload);
    }
    read(frames);
    assertEquals(frames.length, recorder.data.size());
    for (int i = 0; i < frames.length; i++) {
      assertArrayEquals(Arrays.copyOfRange(frames[i], 9, frames[i].length), recorder.data.get(i), "frame " + i);
    }
  }

  /**
   * 1 KiB messages make frames of 1,041 bytes, which never fill the 2 KiB buffer of a quiet
   * connection exactly: the reader must still move to its large buffer, or it makes a read per
   * frame.
   */
  @Test
  void framesThatDoNotPackIntoTheSmallBufferStillGetLargeReads() throws Exception {
    byte[][] frames = new byte[64][];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = frame(DATA, 0, 1, new byte[1032]);
    }
    List<Integer> offered = new ArrayList<>();
    InputStream everythingReady =
        new ByteArrayInputStream(concat(frames)) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            offered.add(len);
            return super.read(b, off, len);
          }
        };
    readFrom(everythingReady);
    assertEquals(frames.length, recorder.data.size());
    assertTrue(offered.size() <= 4, "reads offered " + offered);
    assertTrue(offered.get(1) >= 16_384, "reads offered " + offered);
  }

  @Test
  void reservedBitOfTheStreamIdIsIgnored() throws Exception {
    assertEquals(List.of("DATA 1 \"x\" flow=1"), read(frame(DATA, 0, 0x80000001, ascii("x"))));
  }

  @Test
  void unknownFrameTypesAreIgnoredWhateverTheirFlagsAndStream() throws Exception {
    assertEquals(
        List.of("PING 7"),
        read(
            frame(0x0a, 0xff, 0, ascii("ext")),
            frame(0xfa, END_STREAM | END_HEADERS, 1, new byte[100]),
            frame(0xff, 0, 0x7fffffff, new byte[0]),
            frame(PING, 0, 0, int64(7))));
  }

  // -----------------------------------------------------------------------------------------------
  // DATA (RFC 9113 section 6.1).

  @Test
  void dataCarriesItsPayloadAndEndStream() throws Exception {
    assertEquals(
        List.of("DATA 3 \"abc\" flow=3", "DATA 3 \"\" flow=0 END_STREAM"),
        read(frame(DATA, 0, 3, ascii("abc")), frame(DATA, END_STREAM, 3, new byte[0])));
  }

  @Test
  void paddedDataDropsThePaddingButCountsItForFlowControl() throws Exception {
    assertEquals(
        List.of("DATA 1 \"hello\" flow=16 END_STREAM"),
        read(frame(DATA, PADDED | END_STREAM, 1, padded(ascii("hello"), 10))));
  }

  @Test
  void paddedDataMayBeAllPadding() throws Exception {
    assertEquals(List.of("DATA 1 \"\" flow=256"), read(frame(DATA, PADDED, 1, padded(new byte[0], 255))));
  }

  @Test
  void paddingAsLongAsThePayloadIsProtocolError() {
    // Pad length 4 in a 4-byte payload: the pad-length octet leaves only 3.
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(DATA, PADDED, 1, new byte[] {4, 0, 0, 0}));
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(DATA, PADDED, 1, new byte[] {(byte) 200, 'a'}));
  }

  @Test
  void paddedFlagWithoutPadLengthIsFrameSizeError() {
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, frame(DATA, PADDED, 1, new byte[0]));
  }

  @Test
  void dataOnStreamZeroIsProtocolError() {
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(DATA, 0, 0, ascii("x")));
  }

  // -----------------------------------------------------------------------------------------------
  // HEADERS (RFC 9113 section 6.2).

  @Test
  void headersAreDecodedWithEndStream() throws Exception {
    assertEquals(
        List.of("HEADERS 1 " + REQUEST_FIELDS + " END_STREAM"), read(frame(HEADERS, END_HEADERS | END_STREAM, 1, REQUEST)));
  }

  @Test
  void paddedHeadersDropThePadding() throws Exception {
    assertEquals(List.of("HEADERS 1 " + REQUEST_FIELDS), read(frame(HEADERS, END_HEADERS | PADDED, 1, padded(REQUEST, 7))));
  }

  @Test
  void priorityFieldsInHeadersAreSkipped() throws Exception {
    byte[] priority = concat(int32(0x80000000 | 3), new byte[] {(byte) 200});
    assertEquals(
        List.of("HEADERS 5 " + REQUEST_FIELDS, "HEADERS 7 " + REQUEST_FIELDS),
        read(
            frame(HEADERS, END_HEADERS | PRIORITY_FLAG, 5, concat(priority, REQUEST)),
            frame(HEADERS, END_HEADERS | PRIORITY_FLAG | PADDED, 7, padded(concat(priority, REQUEST), 3))));
  }

  @Test
  void headersTooShortForTheirPriorityFieldsIsFrameSizeError() {
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, frame(HEADERS, END_HEADERS | PRIORITY_FLAG, 1, int32(3)));
  }

  @Test
  void headersPaddingAsLongAsThePayloadIsProtocolError() {
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(HEADERS, END_HEADERS | PADDED, 1, new byte[] {3, 0, 0}));
  }

  @Test
  void headersOnStreamZeroIsProtocolError() {
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(HEADERS, END_HEADERS, 0, REQUEST));
  }

  /**
   * A stream may not depend on itself (RFC 9113 5.3.1): a stream error, raised only after the
   * block is decoded, so that the HPACK table stays in step with the peer's.
   */
  @Test
  void headersDependingOnTheirOwnStreamAreAStreamErrorAndKeepHpackInSync() throws Exception {
    byte[] selfDependent =
        frame(HEADERS, END_HEADERS | PRIORITY_FLAG, 3, concat(int32(3), new byte[] {15}, TestFrames.indexedLiteral("x-a", "1")));
    streamError(3, Http2ErrorCode.PROTOCOL_ERROR, selfDependent);
    // The entry the failed block added is usable by the next block on the same decoder.
    assertEquals(List.of("HEADERS 5 [x-a: 1]"), read(frame(HEADERS, END_HEADERS, 5, new byte[] {(byte) (0x80 | 62)})));
  }

  /** The same rule when the block continues in CONTINUATION frames. */
  @Test
  void headersDependingOnTheirOwnStreamAcrossContinuationAreAStreamError() {
    byte[] fields = REQUEST;
    streamError(
        3,
        Http2ErrorCode.PROTOCOL_ERROR,
        frame(HEADERS, PRIORITY_FLAG, 3, concat(int32(3), new byte[] {15}, Arrays.copyOf(fields, 5))),
        frame(CONTINUATION, END_HEADERS, 3, Arrays.copyOfRange(fields, 5, fields.length)));
  }

  @Test
  void malformedHeaderBlockIsCompressionError() {
    connectionError(Http2ErrorCode.COMPRESSION_ERROR, frame(HEADERS, END_HEADERS, 1, new byte[] {(byte) 0xff, (byte) 0x80}));
    connectionError(Http2ErrorCode.COMPRESSION_ERROR, frame(HEADERS, END_HEADERS, 1, new byte[] {(byte) (0x80 | 62)}));
  }

  @Test
  void headerListOverTheLimitIsReportedForTheStreamAndKeepsHpackInSync() throws Exception {
    byte[] big = concat(block("x-big", "z".repeat(9000)), TestFrames.indexedLiteral("x-kept", "yes"));
    assertEquals(
        List.of("HEADER_LIST_TOO_LARGE 1 END_STREAM", "HEADERS 3 [x-kept: yes]"),
        read(frame(HEADERS, END_HEADERS | END_STREAM, 1, big), frame(HEADERS, END_HEADERS, 3, new byte[] {(byte) (0x80 | 62)})));
  }

  // -----------------------------------------------------------------------------------------------
  // CONTINUATION (RFC 9113 section 6.10).

  @Test
  void continuationsAreJoinedIntoOneBlockWithTheEndStreamOfTheHeaders() throws Exception {
    // Cut inside the first name, inside the first value, and an empty CONTINUATION between.
    byte[] a = Arrays.copyOfRange(REQUEST, 0, 2);
    byte[] b = Arrays.copyOfRange(REQUEST, 2, 13);
    byte[] c = Arrays.copyOfRange(REQUEST, 13, REQUEST.length);
    assertEquals(
        List.of("HEADERS 1 " + REQUEST_FIELDS + " END_STREAM", "PING 1"),
        read(
            frame(HEADERS, END_STREAM, 1, a),
            frame(CONTINUATION, 0, 1, b),
            frame(CONTINUATION, 0, 1, new byte[0]),
            frame(CONTINUATION, END_HEADERS, 1, c),
            frame(PING, 0, 0, int64(1))));
  }

  @Test
  void paddedHeadersWithContinuationAreJoinedWithoutThePadding() throws Exception {
    assertEquals(
        List.of("HEADERS 1 " + REQUEST_FIELDS),
        read(
            frame(HEADERS, PADDED, 1, padded(Arrays.copyOf(REQUEST, 9), 4)),
            frame(CONTINUATION, END_HEADERS, 1, Arrays.copyOfRange(REQUEST, 9, REQUEST.length))));
  }

  @Test
  void continuationWithoutHeadersIsProtocolError() {
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(CONTINUATION, END_HEADERS, 1, REQUEST));
  }

  @Test
  void continuationAfterACompleteBlockIsProtocolError() {
    connectionError(
        Http2ErrorCode.PROTOCOL_ERROR,
        frame(HEADERS, END_HEADERS, 1, REQUEST),
        frame(CONTINUATION, END_HEADERS, 1, block("x", "y")));
  }

  @Test
  void continuationOnAnotherStreamIsProtocolError() {
    connectionError(
        Http2ErrorCode.PROTOCOL_ERROR,
        frame(HEADERS, 0, 1, Arrays.copyOf(REQUEST, 5)),
        frame(CONTINUATION, END_HEADERS, 3, Arrays.copyOfRange(REQUEST, 5, REQUEST.length)));
  }

  @Test
  void anyOtherFrameInsideAHeaderBlockIsProtocolErrorEvenAnUnknownOne() {
    for (int type : new int[] {DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PING, WINDOW_UPDATE, 0xfa}) {
      connectionError(
          Http2ErrorCode.PROTOCOL_ERROR,
          frame(HEADERS, 0, 1, Arrays.copyOf(REQUEST, 5)),
          frame(type, 0, type == SETTINGS || type == PING ? 0 : 1, new byte[type == PING ? 8 : 4]),
          frame(CONTINUATION, END_HEADERS, 1, Arrays.copyOfRange(REQUEST, 5, REQUEST.length)));
    }
  }

  @Test
  void continuationFramesUpToTheLimitAreAcceptedAndOneMoreIsEnhanceYourCalm() throws Exception {
    config = Http2Config.builder().maxContinuationFrames(8).build();
    List<byte[]> ok = new ArrayList<>(List.of(frame(HEADERS, 0, 1, REQUEST)));
    for (int i = 0; i < 7; i++) {
      ok.add(frame(CONTINUATION, 0, 1, new byte[0]));
    }
    ok.add(frame(CONTINUATION, END_HEADERS, 1, new byte[0]));
    assertEquals(List.of("HEADERS 1 " + REQUEST_FIELDS), read(ok.toArray(byte[][]::new)));

    List<byte[]> flood = new ArrayList<>(List.of(frame(HEADERS, 0, 1, REQUEST)));
    for (int i = 0; i < 9; i++) {
      flood.add(frame(CONTINUATION, 0, 1, new byte[0]));
    }
    connectionError(Http2ErrorCode.ENHANCE_YOUR_CALM, flood.toArray(byte[][]::new));
  }

  @Test
  void headerBlockLargerThanTheBufferLimitIsEnhanceYourCalm() {
    int limit = config.maxHeaderBlockSize();
    List<byte[]> frames = new ArrayList<>(List.of(frame(HEADERS, 0, 1, new byte[16_384])));
    for (int total = 16_384; total <= limit; total += 16_384) {
      frames.add(frame(CONTINUATION, 0, 1, new byte[16_384]));
    }
    assertTrue(frames.size() <= config.maxContinuationFrames(), "the size limit, not the count, must trip");
    connectionError(Http2ErrorCode.ENHANCE_YOUR_CALM, frames.toArray(byte[][]::new));
  }

  @Test
  void endOfInputInsideAHeaderBlockIsEof() {
    assertThrows(EOFException.class, () -> read(frame(HEADERS, 0, 1, REQUEST)));
  }

  // -----------------------------------------------------------------------------------------------
  // PRIORITY and RST_STREAM (RFC 9113 sections 6.3 and 6.4).

  @Test
  void priorityIsReported() throws Exception {
    assertEquals(List.of("PRIORITY 3 on 1"), read(frame(PRIORITY, 0, 3, concat(int32(0x80000001), new byte[] {16}))));
  }

  @Test
  void priorityWithBadLengthIsStreamFrameSizeError() {
    streamError(3, Http2ErrorCode.FRAME_SIZE_ERROR, frame(PRIORITY, 0, 3, int32(1)));
    streamError(3, Http2ErrorCode.FRAME_SIZE_ERROR, frame(PRIORITY, 0, 3, new byte[6]));
  }

  @Test
  void priorityOnStreamZeroIsProtocolError() {
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(PRIORITY, 0, 0, new byte[5]));
  }

  @Test
  void priorityDependingOnItselfIsStreamProtocolError() {
    streamError(5, Http2ErrorCode.PROTOCOL_ERROR, frame(PRIORITY, 0, 5, concat(int32(5), new byte[] {0})));
  }

  @Test
  void rstStreamIsReportedAndUnknownCodesReadAsInternalError() throws Exception {
    assertEquals(
        List.of("RST_STREAM 1 CANCEL", "RST_STREAM 3 INTERNAL_ERROR"),
        read(frame(RST_STREAM, 0, 1, int32(0x8)), frame(RST_STREAM, 0, 3, int32(0x1234))));
  }

  @Test
  void rstStreamWithBadLengthIsFrameSizeError() {
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, frame(RST_STREAM, 0, 1, new byte[3]));
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, frame(RST_STREAM, 0, 1, new byte[5]));
  }

  @Test
  void rstStreamOnStreamZeroIsProtocolError() {
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(RST_STREAM, 0, 0, int32(0)));
  }

  // -----------------------------------------------------------------------------------------------
  // SETTINGS (RFC 9113 section 6.5).

  @Test
  void settingsAreParsedAndUnknownOnesIgnored() throws Exception {
    assertEquals(
        List.of("SETTINGS", "SETTINGS 1=0 2=0 3=100 4=2147483647 5=16777215 6=1000", "SETTINGS_ACK"),
        read(
            settings(),
            settings(1, 0, 2, 0, 3, 100, 4, Integer.MAX_VALUE, 5, 16_777_215, 6, 1000, 0x99, 7, 0, 5),
            frame(SETTINGS, TestFrames.ACK, 0, new byte[0])));
  }

  @Test
  void settingsAckWithPayloadIsFrameSizeError() {
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, frame(SETTINGS, TestFrames.ACK, 0, new byte[6]));
  }

  @Test
  void settingsLengthNotAMultipleOfSixIsFrameSizeError() {
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, frame(SETTINGS, 0, 0, new byte[5]));
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, frame(SETTINGS, 0, 0, new byte[13]));
  }

  @Test
  void settingsOnAStreamIsProtocolError() {
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(SETTINGS, 0, 1, new byte[0]));
  }

  @Test
  void enablePushOtherThanZeroOrOneIsProtocolError() {
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, settings(2, 2));
  }

  @Test
  void initialWindowSizeAboveTwoToThe31MinusOneIsFlowControlError() {
    connectionError(Http2ErrorCode.FLOW_CONTROL_ERROR, settings(4, 0x80000000));
  }

  @Test
  void maxFrameSizeOutsideItsRangeIsProtocolError() throws Exception {
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, settings(5, 16_383));
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, settings(5, 16_777_216));
    assertEquals(List.of("SETTINGS 5=16384"), read(settings(5, 16_384)));
  }

  // -----------------------------------------------------------------------------------------------
  // PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE (RFC 9113 sections 6.6 to 6.9).

  @Test
  void pushPromiseIsReportedToTheHandlerToRefuse() throws Exception {
    assertEquals(List.of("PUSH_PROMISE 1"), read(frame(PUSH_PROMISE, END_HEADERS, 1, concat(int32(2), REQUEST))));
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(PUSH_PROMISE, END_HEADERS, 0, concat(int32(2), REQUEST)));
  }

  @Test
  void pingAndItsAckCarryTheirPayload() throws Exception {
    assertEquals(
        List.of("PING 123456789abcdef0", "PING_ACK ff"),
        read(frame(PING, 0, 0, int64(0x123456789abcdef0L)), frame(PING, TestFrames.ACK, 0, int64(0xff))));
  }

  @Test
  void pingWithLengthOtherThanEightIsFrameSizeError() {
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, frame(PING, 0, 0, new byte[7]));
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, frame(PING, 0, 0, new byte[9]));
  }

  @Test
  void pingOnAStreamIsProtocolError() {
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(PING, 0, 1, new byte[8]));
  }

  @Test
  void goAwayIsReportedWithItsDebugData() throws Exception {
    assertEquals(
        List.of("GOAWAY 7 ENHANCE_YOUR_CALM \"calm down\"", "GOAWAY 0 NO_ERROR \"\""),
        read(
            frame(GOAWAY, 0, 0, concat(int32(0x80000007), int32(0xb), ascii("calm down"))),
            frame(GOAWAY, 0, 0, new byte[8])));
  }

  @Test
  void goAwayShorterThanEightBytesIsFrameSizeError() {
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, frame(GOAWAY, 0, 0, new byte[7]));
  }

  @Test
  void goAwayOnAStreamIsProtocolError() {
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(GOAWAY, 0, 1, new byte[8]));
  }

  @Test
  void windowUpdateIsReportedWithoutItsReservedBit() throws Exception {
    assertEquals(
        List.of("WINDOW_UPDATE 0 2147483647", "WINDOW_UPDATE 1 16"),
        read(frame(WINDOW_UPDATE, 0, 0, int32(Integer.MAX_VALUE)), frame(WINDOW_UPDATE, 0, 1, int32(0x80000010))));
  }

  @Test
  void windowUpdateOfZeroIsAConnectionErrorOnTheConnectionAndAStreamErrorOnAStream() {
    connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame(WINDOW_UPDATE, 0, 0, int32(0)));
    streamError(5, Http2ErrorCode.PROTOCOL_ERROR, frame(WINDOW_UPDATE, 0, 5, int32(0x80000000)));
  }

  @Test
  void windowUpdateWithLengthOtherThanFourIsFrameSizeError() {
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, frame(WINDOW_UPDATE, 0, 0, new byte[3]));
    connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, frame(WINDOW_UPDATE, 0, 1, new byte[5]));
  }
}
