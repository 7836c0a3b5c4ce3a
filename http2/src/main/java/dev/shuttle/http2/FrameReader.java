package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.hpack.HeaderListTooLargeException;
import dev.shuttle.http2.hpack.HpackDecoder;
import dev.shuttle.http2.hpack.HpackException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads HTTP/2 frames from a byte stream and checks them against RFC 9113 section 6: lengths,
 * stream-id rules, padding, and the CONTINUATION sequence of header blocks, which it joins and
 * decodes with HPACK. One reader per connection, used by its reader thread only.
 */
final class FrameReader {
  static final byte[] CLIENT_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final InputStream in;
  private final HpackDecoder decoder;
  private final int maxFrameSize;
  private final int maxHeaderBlockSize;
  private final int maxContinuationFrames;
  /** The read buffer of a quiet connection: thousands of idle connections hold only this much. */
  private static final int SMALL_BUFFER = 2048;

  private final byte[] small = new byte[SMALL_BUFFER];
  private final int largeSize;
  /** {@link #small}, or a large buffer while the peer sends in bulk. */
  private byte[] buf = small;
  private int pos;
  private int limit;
  private int lastRead;
  /** Whether the last read took all the room offered: the peer had more ready than we took. */
  private boolean lastReadFilled;

  // A header block in progress: HEADERS seen without END_HEADERS.
  private byte[] block = new byte[0]; // grown by the first header block: idle connections hold none
  private int blockLength;
  private int blockStreamId;
  private boolean blockEndStream;
  private int blockDependency;
  private int blockContinuations;
  // Server side, right after the client preface: its last part must be a SETTINGS frame.
  private boolean settingsExpected;

  FrameReader(InputStream in, HpackDecoder decoder, Http2Config config) {
    this.in = in;
    this.decoder = decoder;
    this.maxFrameSize = config.maxFrameSize();
    this.maxHeaderBlockSize = config.maxHeaderBlockSize();
    this.maxContinuationFrames = config.maxContinuationFrames();
    this.largeSize = Math.max(64 * 1024, FrameType.HEADER_LENGTH + maxFrameSize);
  }

  /** Whether a header block has begun (HEADERS without END_HEADERS) and not yet ended. */
  boolean inHeaderBlock() {
    return blockStreamId != 0;
  }

  /** Reads and checks the client connection preface (server side). */
  void readPreface() throws IOException, Http2Exception {
    // Compared as bytes arrive: an HTTP/1.1 request shorter than the preface must get its
    // answer now, not when the client gives up waiting.
    for (int checked = 0; checked < CLIENT_PREFACE.length; ) {
      if (!fill(checked + 1)) {
        throw new EOFException("connection closed before the preface");
      }
      int available = Math.min(limit - pos, CLIENT_PREFACE.length);
      for (; checked < available; checked++) {
        if (buf[pos + checked] != CLIENT_PREFACE[checked]) {
          throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "invalid connection preface");
        }
      }
    }
    pos += CLIENT_PREFACE.length;
    settingsExpected = true;
  }

  /**
   * Reads one frame and reports it. Returns false on a clean end of stream between frames.
   *
   * @throws EOFException when the stream ends inside a frame
   */
  boolean readFrame(FrameHandler handler) throws IOException, Http2Exception {
    if (!fill(FrameType.HEADER_LENGTH)) {
      if (blockLength > 0 || blockStreamId != 0) {
        throw new EOFException("connection closed inside a header block");
      }
      return false;
    }
    int length = ((buf[pos] & 0xff) << 16) | ((buf[pos + 1] & 0xff) << 8) | (buf[pos + 2] & 0xff);
    int type = buf[pos + 3] & 0xff;
    int flags = buf[pos + 4] & 0xff;
    int streamId = Bytes.readInt(buf, pos + 5) & 0x7fffffff;
    if (length > maxFrameSize) {
      throw Http2Exception.connectionError(
          Http2ErrorCode.FRAME_SIZE_ERROR, "frame of " + length + " bytes exceeds MAX_FRAME_SIZE " + maxFrameSize);
    }
    if (!fill(FrameType.HEADER_LENGTH + length)) {
      throw new EOFException("connection closed inside a frame");
    }
    int payload = pos + FrameType.HEADER_LENGTH;
    pos = payload + length;

    if (settingsExpected) {
      // RFC 9113 3.4: the preface ends with a SETTINGS frame; anything else, even a frame of a
      // type that would be ignored later, makes the preface invalid.
      if (type != FrameType.SETTINGS || (flags & FrameType.FLAG_ACK) != 0) {
        throw Http2Exception.connectionError(
            Http2ErrorCode.PROTOCOL_ERROR, "the client preface must end with a SETTINGS frame");
      }
      settingsExpected = false;
    }
    if (blockStreamId != 0 && type != FrameType.CONTINUATION) {
      throw Http2Exception.connectionError(
          Http2ErrorCode.PROTOCOL_ERROR, "expected CONTINUATION for stream " + blockStreamId);
    }
    switch (type) {
      case FrameType.DATA -> readData(handler, payload, length, flags, streamId);
      case FrameType.HEADERS -> readHeaders(handler, payload, length, flags, streamId);
      case FrameType.PRIORITY -> readPriority(handler, payload, length, streamId);
      case FrameType.RST_STREAM -> readRstStream(handler, payload, length, streamId);
      case FrameType.SETTINGS -> readSettings(handler, payload, length, flags, streamId);
      case FrameType.PUSH_PROMISE -> {
        requireStream(streamId, "PUSH_PROMISE");
        handler.onPushPromise(streamId);
      }
      case FrameType.PING -> readPing(handler, payload, length, flags, streamId);
      case FrameType.GOAWAY -> readGoAway(handler, payload, length, streamId);
      case FrameType.WINDOW_UPDATE -> readWindowUpdate(handler, payload, length, streamId);
      case FrameType.CONTINUATION -> readContinuation(handler, payload, length, flags, streamId);
      default -> {
        // Unknown frame types are ignored (RFC 9113 section 4.1, 5.5).
      }
    }
    return true;
  }

  private void readData(FrameHandler handler, int payload, int length, int flags, int streamId)
      throws Http2Exception {
    requireStream(streamId, "DATA");
    int padding = padding(payload, length, flags);
    int start = payload + ((flags & FrameType.FLAG_PADDED) != 0 ? 1 : 0);
    int dataLength = length - (start - payload) - padding;
    handler.onData(streamId, buf, start, dataLength, length, (flags & FrameType.FLAG_END_STREAM) != 0);
  }

  private void readHeaders(FrameHandler handler, int payload, int length, int flags, int streamId)
      throws Http2Exception {
    requireStream(streamId, "HEADERS");
    int padding = padding(payload, length, flags);
    int start = payload + ((flags & FrameType.FLAG_PADDED) != 0 ? 1 : 0);
    int dependency = -1;
    if ((flags & FrameType.FLAG_PRIORITY) != 0) {
      if (start + 5 > payload + length) {
        throw Http2Exception.connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, "HEADERS too short for priority");
      }
      if (start + 5 > payload + length - padding) {
        throw Http2Exception.connectionError(
            Http2ErrorCode.PROTOCOL_ERROR, "HEADERS padding leaves no room for the priority fields");
      }
      dependency = Bytes.readInt(buf, start) & 0x7fffffff;
      start += 5;
    }
    int fragmentLength = payload + length - padding - start;
    blockLength = 0;
    blockContinuations = 0;
    appendBlock(start, fragmentLength);
    blockEndStream = (flags & FrameType.FLAG_END_STREAM) != 0;
    blockDependency = dependency;
    if ((flags & FrameType.FLAG_END_HEADERS) != 0) {
      finishBlock(handler, streamId);
    } else {
      blockStreamId = streamId;
    }
  }

  private void readContinuation(FrameHandler handler, int payload, int length, int flags, int streamId)
      throws Http2Exception {
    if (blockStreamId == 0 || streamId != blockStreamId) {
      throw Http2Exception.connectionError(
          Http2ErrorCode.PROTOCOL_ERROR, "CONTINUATION without a header block in progress on stream " + streamId);
    }
    handler.onContinuation(streamId);
    if (++blockContinuations > maxContinuationFrames) {
      throw Http2Exception.connectionError(
          Http2ErrorCode.ENHANCE_YOUR_CALM, "header block spans more than " + maxContinuationFrames + " CONTINUATION frames");
    }
    appendBlock(payload, length);
    if ((flags & FrameType.FLAG_END_HEADERS) != 0) {
      blockStreamId = 0;
      finishBlock(handler, streamId);
    }
  }

  private void appendBlock(int offset, int length) throws Http2Exception {
    if (blockLength + length > maxHeaderBlockSize) {
      throw Http2Exception.connectionError(
          Http2ErrorCode.ENHANCE_YOUR_CALM, "header block larger than " + maxHeaderBlockSize + " bytes");
    }
    if (blockLength + length > block.length) {
      // Doubling, but never past the limit: that is all a block may ever need.
      int grown = (int) Math.min(maxHeaderBlockSize, Math.max(2L * block.length, blockLength + length));
      block = Arrays.copyOf(block, grown);
    }
    System.arraycopy(buf, offset, block, blockLength, length);
    blockLength += length;
  }

  private void finishBlock(FrameHandler handler, int streamId) throws Http2Exception {
    Http2Headers headers = new Http2Headers();
    boolean tooLarge = false;
    try {
      decoder.decode(block, 0, blockLength, headers);
    } catch (HpackException e) {
      throw Http2Exception.connectionError(Http2ErrorCode.COMPRESSION_ERROR, "HPACK: " + e.getMessage());
    } catch (HeaderListTooLargeException e) {
      tooLarge = true;
    }
    if (blockLength > 4096) {
      block = new byte[1024]; // do not keep a large block buffer alive for the connection's life
    }
    blockLength = 0;
    // The block is decoded before any stream error, so the HPACK state stays in sync.
    if (blockDependency == streamId) {
      throw Http2Exception.streamError(streamId, Http2ErrorCode.PROTOCOL_ERROR, "stream depends on itself");
    }
    if (tooLarge) {
      handler.onHeaderListTooLarge(streamId, blockEndStream);
    } else {
      handler.onHeaders(streamId, headers, blockEndStream);
    }
  }

  private void readPriority(FrameHandler handler, int payload, int length, int streamId) throws Http2Exception {
    requireStream(streamId, "PRIORITY");
    if (length != 5) {
      throw Http2Exception.streamError(streamId, Http2ErrorCode.FRAME_SIZE_ERROR, "PRIORITY length must be 5");
    }
    int dependency = Bytes.readInt(buf, payload) & 0x7fffffff;
    if (dependency == streamId) {
      throw Http2Exception.streamError(streamId, Http2ErrorCode.PROTOCOL_ERROR, "stream depends on itself");
    }
    handler.onPriority(streamId, dependency);
  }

  private void readRstStream(FrameHandler handler, int payload, int length, int streamId) throws Http2Exception {
    requireStream(streamId, "RST_STREAM");
    if (length != 4) {
      throw Http2Exception.connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, "RST_STREAM length must be 4");
    }
    handler.onRstStream(streamId, Http2ErrorCode.of(Bytes.readInt(buf, payload)));
  }

  private void readSettings(FrameHandler handler, int payload, int length, int flags, int streamId)
      throws Http2Exception {
    requireConnection(streamId, "SETTINGS");
    if ((flags & FrameType.FLAG_ACK) != 0) {
      if (length != 0) {
        throw Http2Exception.connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, "SETTINGS ack with a payload");
      }
      handler.onSettingsAck();
      return;
    }
    handler.onSettings(Http2Settings.parse(buf, payload, length));
  }

  private void readPing(FrameHandler handler, int payload, int length, int flags, int streamId)
      throws Http2Exception {
    requireConnection(streamId, "PING");
    if (length != 8) {
      throw Http2Exception.connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, "PING length must be 8");
    }
    handler.onPing((flags & FrameType.FLAG_ACK) != 0, Bytes.readLong(buf, payload));
  }

  private void readGoAway(FrameHandler handler, int payload, int length, int streamId) throws Http2Exception {
    requireConnection(streamId, "GOAWAY");
    if (length < 8) {
      throw Http2Exception.connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, "GOAWAY shorter than 8 bytes");
    }
    int lastStreamId = Bytes.readInt(buf, payload) & 0x7fffffff;
    Http2ErrorCode code = Http2ErrorCode.of(Bytes.readInt(buf, payload + 4));
    String debug = new String(buf, payload + 8, Math.min(length - 8, 256), StandardCharsets.UTF_8);
    handler.onGoAway(lastStreamId, code, debug);
  }

  private void readWindowUpdate(FrameHandler handler, int payload, int length, int streamId)
      throws Http2Exception {
    if (length != 4) {
      throw Http2Exception.connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, "WINDOW_UPDATE length must be 4");
    }
    int increment = Bytes.readInt(buf, payload) & 0x7fffffff;
    if (increment == 0) {
      if (streamId == 0) {
        throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE of 0");
      }
      throw Http2Exception.streamError(streamId, Http2ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE of 0");
    }
    handler.onWindowUpdate(streamId, increment);
  }

  /** The padding length of a PADDED frame, checked against the payload; 0 when not padded. */
  private int padding(int payload, int length, int flags) throws Http2Exception {
    if ((flags & FrameType.FLAG_PADDED) == 0) {
      return 0;
    }
    if (length < 1) {
      throw Http2Exception.connectionError(Http2ErrorCode.FRAME_SIZE_ERROR, "padded frame without pad length");
    }
    int padding = buf[payload] & 0xff;
    if (padding >= length) {
      throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "padding longer than the payload");
    }
    return padding;
  }

  private static void requireStream(int streamId, String frame) throws Http2Exception {
    if (streamId == 0) {
      throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame + " on stream 0");
    }
  }

  private static void requireConnection(int streamId, String frame) throws Http2Exception {
    if (streamId != 0) {
      throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame + " on stream " + streamId);
    }
  }

  /**
   * Makes {@code n} bytes available at {@code pos}; false on end of stream before any byte of
   * them. Reads go to a large buffer while the peer fills what we offer, and back to a small one
   * once the connection is quiet, before a read that may wait for a long time.
   */
  private boolean fill(int n) throws IOException {
    if (limit - pos >= n) {
      return true;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    if (buf != small && limit <= SMALL_BUFFER && lastRead < SMALL_BUFFER / 2 && n <= SMALL_BUFFER
        && in.available() == 0) {
      // The peer slowed down and the next read may wait long: wait with the small buffer.
      System.arraycopy(buf, 0, small, 0, limit);
      buf = small;
      lastReadFilled = false;
    }
    while (limit < n) {
      // A frame that does not fit needs the large buffer; so does a peer that filled the small
      // one, or frames that do not pack into it evenly (1 KiB messages) take a read each.
      if (n > buf.length || (buf == small && lastReadFilled)) {
        buf = Arrays.copyOf(buf, largeSize); // n never exceeds a frame, which fits
      }
      int offered = buf.length - limit;
      int read = in.read(buf, limit, offered);
      if (read < 0) {
        if (limit == 0) {
          return false;
        }
        throw new EOFException("connection closed inside a frame");
      }
      lastRead = read;
      lastReadFilled = read == offered;
      limit += read;
    }
    return true;
  }
}
