package dev.shuttle.http2;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.hpack.HpackDecoder;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of {@link FrameReader} (run alone: {@code bin/fuzz frames}). Without
 * {@code JAZZER_FUZZ} the target runs once per file in {@code FrameReaderFuzzTestInputs/readFrames/}
 * (test resources, this package).
 *
 * <p>Input format: one configuration octet, then the bytes a peer sends after the connection
 * preface. Configuration bits 0-1 pick the max frame size from {@link #FRAME_SIZES}, bits 2-3 the
 * header list limit from {@link #LIST_LIMITS}, bits 4-5 the CONTINUATION limit from
 * {@link #CONTINUATIONS}, bits 6-7 how many bytes one socket read returns, from {@link #CHUNKS}.
 */
@Tag("fuzz")
class FrameReaderFuzzTest {
  static final int[] FRAME_SIZES = {16_384, 16_385, 65_536, 100_000};
  static final int[] LIST_LIMITS = {1024, 4096, 8192, 65_536};
  static final int[] CONTINUATIONS = {1, 2, 64, 1000};
  static final int[] CHUNKS = {Integer.MAX_VALUE, 1, 9, 1000};

  /**
   * Every frame is reported within its limits, or reading ends with an {@link Http2Exception}
   * that names a code (a stream error lets reading go on, as the connection does) or with an
   * {@link EOFException}; nothing else. The reader's buffers stay within the configured frame
   * and header block sizes.
   */
  @FuzzTest
  void readFrames(byte[] input) throws Exception {
    int config = input.length > 0 ? input[0] & 0xFF : 0;
    Http2Config limits =
        Http2Config.builder()
            .maxFrameSize(FRAME_SIZES[config & 3])
            .maxHeaderListSize(LIST_LIMITS[(config >>> 2) & 3])
            .maxContinuationFrames(CONTINUATIONS[(config >>> 4) & 3])
            .build();
    FrameReader reader =
        new FrameReader(
            new ChunkedInput(input, Math.min(1, input.length), CHUNKS[config >>> 6]),
            new HpackDecoder(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE, limits.maxHeaderListSize()),
            limits);
    CheckingHandler handler = new CheckingHandler(limits);
    int maxFrames = input.length / 9 + 1; // a frame takes at least its 9-octet header
    for (int frames = 1; ; frames++) {
      try {
        if (!reader.readFrame(handler)) {
          return;
        }
      } catch (Http2Exception e) {
        assertNotNull(e.code(), "error without a code");
        assertNotNull(e.getMessage(), "error without a message");
        if (e.isConnectionError()) {
          return;
        }
        assertTrue(e.streamId() > 0, "stream error on stream " + e.streamId());
      } catch (EOFException e) {
        return;
      }
      assertBuffersWithinLimits(reader, limits);
      assertTrue(frames <= maxFrames, "more frames than the input can hold");
    }
  }

  private static void assertBuffersWithinLimits(FrameReader reader, Http2Config limits) throws Exception {
    int block = ((byte[]) field("block").get(reader)).length;
    assertTrue(
        block <= Math.max(1024, limits.maxHeaderBlockSize()),
        "header block buffer of " + block + " bytes for a limit of " + limits.maxHeaderBlockSize());
    int buf = ((byte[]) field("buf").get(reader)).length;
    assertTrue(
        buf <= Math.max(64 * 1024, FrameType.HEADER_LENGTH + limits.maxFrameSize()),
        "read buffer of " + buf + " bytes for frames of " + limits.maxFrameSize());
  }

  private static Field field(String name) throws NoSuchFieldException {
    Field f = FrameReader.class.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }

  /** Bytes from an array, at most {@code chunk} per read, as a socket may hand them out. */
  static final class ChunkedInput extends InputStream {
    private final byte[] bytes;
    private final int chunk;
    private int pos;

    ChunkedInput(byte[] bytes, int start, int chunk) {
      this.bytes = bytes;
      this.pos = start;
      this.chunk = chunk;
    }

    @Override
    public int read() {
      return pos < bytes.length ? bytes[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= bytes.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, chunk), bytes.length - pos);
      System.arraycopy(bytes, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  /** Checks what each report says against RFC 9113 and the configured limits. */
  private static final class CheckingHandler implements FrameHandler {
    private final Http2Config limits;

    CheckingHandler(Http2Config limits) {
      this.limits = limits;
    }

    @Override
    public void onData(int streamId, byte[] buf, int offset, int length, int flowControlledLength, boolean endStream) {
      requireStream(streamId);
      if (length < 0 || length > flowControlledLength || flowControlledLength > limits.maxFrameSize()) {
        fail("DATA of " + length + " bytes, " + flowControlledLength + " flow-controlled, frames up to " + limits.maxFrameSize());
      }
      if (offset < 0 || offset + length > buf.length) {
        fail("DATA at [" + offset + ", " + (offset + length) + ") of a buffer of " + buf.length);
      }
    }

    @Override
    public void onHeaders(int streamId, Http2Headers headers, boolean endStream) {
      requireStream(streamId);
      assertNotNull(headers);
      assertTrue(
          headers.listSize() <= limits.maxHeaderListSize(),
          "header list of " + headers.listSize() + " over the limit " + limits.maxHeaderListSize());
    }

    @Override
    public void onHeaderListTooLarge(int streamId, boolean endStream) {
      requireStream(streamId);
    }

    @Override
    public void onPriority(int streamId, int dependency) {
      requireStream(streamId);
      assertTrue(dependency >= 0 && dependency != streamId, "dependency " + dependency + " of " + streamId);
    }

    @Override
    public void onRstStream(int streamId, Http2ErrorCode code) {
      requireStream(streamId);
      assertNotNull(code);
    }

    @Override
    public void onSettings(Http2Settings settings) {
      assertNotNull(settings);
      if (settings.has(FrameType.SETTINGS_MAX_FRAME_SIZE)) {
        int size = settings.maxFrameSize();
        assertTrue(size >= Http2Config.MIN_MAX_FRAME_SIZE && size <= Http2Config.MAX_MAX_FRAME_SIZE, "MAX_FRAME_SIZE " + size);
      }
      if (settings.has(FrameType.SETTINGS_INITIAL_WINDOW_SIZE)) {
        assertTrue(settings.initialWindowSize() >= 0, "INITIAL_WINDOW_SIZE " + settings.initialWindowSize());
      }
    }

    @Override
    public void onSettingsAck() {}

    @Override
    public void onPushPromise(int streamId) {
      requireStream(streamId);
    }

    @Override
    public void onPing(boolean ack, long payload) {}

    @Override
    public void onGoAway(int lastStreamId, Http2ErrorCode code, String debugData) {
      assertTrue(lastStreamId >= 0);
      assertNotNull(code);
      assertTrue(debugData.length() <= 256, "GOAWAY debug data of " + debugData.length() + " chars kept");
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) {
      assertTrue(streamId >= 0);
      assertTrue(increment > 0, "WINDOW_UPDATE of " + increment);
    }

    private static void requireStream(int streamId) {
      assertTrue(streamId > 0, "frame on stream " + streamId);
    }
  }
}
