package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shuttle.http2.Http2Headers;
import dev.shuttle.http2.hpack.HpackDecoder;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A hand-driven HTTP/2 client for hostile-peer tests. Frames and header blocks are built here,
 * byte by byte (HPACK literals without indexing, no Huffman), independently of Shuttle's own
 * writer and encoder, so that a test can send exactly the bytes it means to. Responses are parsed
 * here too; only HPACK decoding of the server's header blocks uses Shuttle's HpackDecoder, which
 * is tested on its own against the RFC 7541 vectors.
 *
 * <p>Every read has a 10-second timeout, so a server that never answers fails the test instead
 * of hanging the suite.
 */
final class RawH2 implements AutoCloseable {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int PRIORITY = 0x2;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PUSH_PROMISE = 0x5;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int WINDOW_UPDATE = 0x8;
  static final int CONTINUATION = 0x9;

  static final int FLAG_END_STREAM = 0x1;
  static final int FLAG_ACK = 0x1;
  static final int FLAG_END_HEADERS = 0x4;
  static final int FLAG_PADDED = 0x8;
  static final int FLAG_PRIORITY = 0x20;

  static final int NO_ERROR = 0x0;
  static final int PROTOCOL_ERROR = 0x1;
  static final int INTERNAL_ERROR = 0x2;
  static final int FLOW_CONTROL_ERROR = 0x3;
  static final int STREAM_CLOSED = 0x5;
  static final int FRAME_SIZE_ERROR = 0x6;
  static final int REFUSED_STREAM = 0x7;
  static final int CANCEL = 0x8;
  static final int COMPRESSION_ERROR = 0x9;
  static final int ENHANCE_YOUR_CALM = 0xb;

  static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
  static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  static final int READ_TIMEOUT_MILLIS = 10_000;

  /** One frame as received. For HEADERS, CONTINUATIONs are already joined and {@code headers} is decoded. */
  record Frame(int type, int flags, int streamId, byte[] payload, Http2Headers headers) {
    boolean has(int flag) {
      return (flags & flag) != 0;
    }

    /** The error code of a GOAWAY or RST_STREAM. */
    int errorCode() {
      return switch (type) {
        case GOAWAY -> readInt(payload, 4);
        case RST_STREAM -> readInt(payload, 0);
        default -> throw new IllegalStateException("no error code in " + this);
      };
    }

    int lastStreamId() {
      assertEquals(GOAWAY, type, "not a GOAWAY");
      return readInt(payload, 0) & 0x7fffffff;
    }

    String debugData() {
      return type == GOAWAY ? new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8) : "";
    }

    @Override
    public String toString() {
      String name = switch (type) {
        case DATA -> "DATA";
        case HEADERS -> "HEADERS" + headers;
        case PRIORITY -> "PRIORITY";
        case RST_STREAM -> "RST_STREAM(" + errorCode() + ")";
        case SETTINGS -> "SETTINGS";
        case PUSH_PROMISE -> "PUSH_PROMISE";
        case PING -> "PING";
        case GOAWAY -> "GOAWAY(" + errorCode() + ", \"" + debugData() + "\")";
        case WINDOW_UPDATE -> "WINDOW_UPDATE(" + readInt(payload, 0) + ")";
        default -> "type 0x" + Integer.toHexString(type);
      };
      return name + " stream=" + streamId + " flags=0x" + Integer.toHexString(flags) + " length=" + payload.length;
    }
  }

  /** What came back on one stream: header blocks, DATA bytes, and how it ended. */
  record Response(List<Http2Headers> headerBlocks, byte[] data, Integer resetCode) {
    /** A header of the first block (the response headers, or the only block of trailers-only). */
    String header(String name) {
      return headerBlocks.isEmpty() ? null : headerBlocks.get(0).get(name);
    }

    /** The grpc-status of the last header block. */
    String grpcStatus() {
      return headerBlocks.isEmpty() ? null : headerBlocks.get(headerBlocks.size() - 1).get("grpc-status");
    }

    /** The payload of the first length-prefixed gRPC message in the DATA. */
    String firstMessage() {
      assertTrue(data.length >= 5, "no gRPC message in the response: " + this);
      int length = readInt(data, 1);
      return new String(data, 5, length, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE);
  private final List<Frame> backlog = new ArrayList<>();
  private final List<Frame> seen = new ArrayList<>();
  private final Map<Integer, Integer> serverSettings = new HashMap<>();
  private boolean eof;

  private RawH2(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    socket.setTcpNoDelay(true);
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** A TCP connection to the server, nothing sent yet. */
  static RawH2 connect(int port) throws IOException {
    return new RawH2(new Socket(InetAddress.getLoopbackAddress(), port));
  }

  /**
   * Sends the preface and an empty SETTINGS, reads the server's SETTINGS and acknowledges them:
   * the connection is then ready for streams.
   */
  RawH2 handshake() throws IOException {
    send(PREFACE, settings());
    Frame settings = awaitFrame(f -> f.type() == SETTINGS && !f.has(FLAG_ACK), "the server's SETTINGS");
    for (int i = 0; i + 6 <= settings.payload().length; i += 6) {
      int id = ((settings.payload()[i] & 0xff) << 8) | (settings.payload()[i + 1] & 0xff);
      serverSettings.put(id, readInt(settings.payload(), i + 2));
    }
    send(frame(SETTINGS, FLAG_ACK, 0, new byte[0]));
    return this;
  }

  /** A setting the server announced in its SETTINGS, or null. */
  Integer serverSetting(int id) {
    return serverSettings.get(id);
  }

  /** Writes the byte arrays as one socket write. */
  void send(byte[]... parts) throws IOException {
    out.write(concat(parts));
    out.flush();
  }

  /** Like {@link #send} but reports a failed write (the server closed on us) as false. */
  boolean trySend(byte[]... parts) {
    try {
      send(parts);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The next frame from the server (backlog first), or null once the server closed the connection. */
  Frame next() throws IOException {
    if (!backlog.isEmpty()) {
      return backlog.remove(0);
    }
    return readFrame();
  }

  /** Reads frames until one matches, keeping the others for later; fails on end of stream or timeout. */
  Frame awaitFrame(Predicate<Frame> match, String what) throws IOException {
    for (Iterator<Frame> it = backlog.iterator(); it.hasNext(); ) {
      Frame f = it.next();
      if (match.test(f)) {
        it.remove();
        return f;
      }
    }
    while (true) {
      Frame f = readFrame();
      if (f == null) {
        return fail("connection closed while waiting for " + what + "; frames received: " + seen);
      }
      if (match.test(f)) {
        return f;
      }
      backlog.add(f);
    }
  }

  /**
   * The first frame that matches within {@code millis}, or null when none came by then (the
   * others are kept for later).
   */
  Frame pollFrame(Predicate<Frame> match, int millis) throws IOException {
    for (Iterator<Frame> it = backlog.iterator(); it.hasNext(); ) {
      Frame f = it.next();
      if (match.test(f)) {
        it.remove();
        return f;
      }
    }
    socket.setSoTimeout(millis);
    try {
      while (true) {
        Frame f;
        try {
          f = readFrame();
        } catch (AssertionError timeout) {
          return null; // readRawFrame reports the timeout as a failure; here it is an answer
        }
        if (f == null || match.test(f)) {
          return f;
        }
        backlog.add(f);
      }
    } finally {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    }
  }

  /** The server's GOAWAY; frames before it are skipped. */
  Frame awaitGoAway() throws IOException {
    return awaitFrame(f -> f.type() == GOAWAY, "GOAWAY");
  }

  /** Asserts GOAWAY with this error code, then that the server closes the connection. */
  Frame assertGoAwayAndClose(int errorCode) throws IOException {
    Frame goAway = awaitGoAway();
    assertEquals(errorCode, goAway.errorCode(), "GOAWAY error code; GOAWAY was " + goAway);
    assertClosedByServer();
    return goAway;
  }

  /** Reads until the server closes the connection; fails if it stays open for the read timeout. */
  void assertClosedByServer() throws IOException {
    backlog.clear();
    while (readFrame() != null) {
      // whatever was still in flight
    }
    assertTrue(eof);
  }

  /** The RST_STREAM for a stream. */
  Frame awaitReset(int streamId) throws IOException {
    return awaitFrame(f -> f.type() == RST_STREAM && f.streamId() == streamId, "RST_STREAM on stream " + streamId);
  }

  /**
   * Collects one stream's frames until it ends: a frame with END_STREAM, or RST_STREAM. A
   * RST_STREAM(NO_ERROR) that follows a complete response is left in the backlog.
   */
  Response awaitResponse(int streamId) throws IOException {
    List<Http2Headers> blocks = new ArrayList<>();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    while (true) {
      Frame f =
          awaitFrame(
              x -> x.streamId() == streamId && (x.type() == HEADERS || x.type() == DATA || x.type() == RST_STREAM),
              "the response on stream " + streamId);
      switch (f.type()) {
        case HEADERS -> blocks.add(f.headers());
        case DATA -> data.write(f.payload(), 0, f.payload().length);
        default -> {
          return new Response(blocks, data.toByteArray(), f.errorCode());
        }
      }
      if (f.has(FLAG_END_STREAM)) {
        return new Response(blocks, data.toByteArray(), null);
      }
    }
  }

  private Frame readFrame() throws IOException {
    if (eof) {
      return null;
    }
    Frame f = readRawFrame();
    if (f == null) {
      return null;
    }
    if (f.type() == HEADERS) {
      f = decodeHeaderBlock(f);
    }
    seen.add(f);
    return f;
  }

  private Frame readRawFrame() throws IOException {
    byte[] header = new byte[9];
    try {
      int first = in.read();
      if (first < 0) {
        eof = true;
        return null;
      }
      header[0] = (byte) first;
      in.readFully(header, 1, 8);
      int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
      byte[] payload = new byte[length];
      in.readFully(payload);
      return new Frame(header[3] & 0xff, header[4] & 0xff, readInt(header, 5) & 0x7fffffff, payload, null);
    } catch (SocketTimeoutException e) {
      return fail("no frame from the server within " + READ_TIMEOUT_MILLIS + " ms; frames received: " + seen);
    } catch (EOFException e) {
      return fail("the server closed the connection inside a frame; frames received: " + seen);
    } catch (SocketException e) {
      // A close with unread input arrives as a reset; what the server sent before was read already.
      eof = true;
      return null;
    }
  }

  /** Joins CONTINUATIONs to a HEADERS frame and decodes the block; the result carries END_HEADERS. */
  private Frame decodeHeaderBlock(Frame headers) throws IOException {
    byte[] p = headers.payload();
    int start = 0;
    int end = p.length;
    if (headers.has(FLAG_PADDED)) {
      start = 1;
      end -= p[0] & 0xff;
    }
    if (headers.has(FLAG_PRIORITY)) {
      start += 5;
    }
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(p, start, end - start);
    boolean endHeaders = headers.has(FLAG_END_HEADERS);
    while (!endHeaders) {
      Frame c = readRawFrame();
      if (c == null || c.type() != CONTINUATION || c.streamId() != headers.streamId()) {
        return fail("header block from the server not continued properly: " + c);
      }
      block.write(c.payload(), 0, c.payload().length);
      endHeaders = c.has(FLAG_END_HEADERS);
    }
    Http2Headers decoded = new Http2Headers();
    byte[] bytes = block.toByteArray();
    try {
      decoder.decode(bytes, 0, bytes.length, decoded::add);
    } catch (Exception e) {
      return fail("cannot decode the server's header block: " + e);
    }
    return new Frame(HEADERS, headers.flags() | FLAG_END_HEADERS, headers.streamId(), bytes, decoded);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  // -----------------------------------------------------------------------------------------------
  // Frame builders (RFC 9113 section 4.1 and 6).

  static byte[] frameHeader(int length, int type, int flags, int streamId) {
    byte[] h = new byte[9];
    h[0] = (byte) (length >>> 16);
    h[1] = (byte) (length >>> 8);
    h[2] = (byte) length;
    h[3] = (byte) type;
    h[4] = (byte) flags;
    writeInt(h, 5, streamId);
    return h;
  }

  static byte[] frame(int type, int flags, int streamId, byte[] payload) {
    return concat(frameHeader(payload.length, type, flags, streamId), payload);
  }

  static byte[] settings(int... idValuePairs) {
    byte[] p = new byte[idValuePairs.length / 2 * 6];
    for (int i = 0; i < idValuePairs.length / 2; i++) {
      p[i * 6] = (byte) (idValuePairs[i * 2] >>> 8);
      p[i * 6 + 1] = (byte) idValuePairs[i * 2];
      writeInt(p, i * 6 + 2, idValuePairs[i * 2 + 1]);
    }
    return frame(SETTINGS, 0, 0, p);
  }

  static byte[] headers(int streamId, int flags, byte[] block) {
    return frame(HEADERS, flags, streamId, block);
  }

  static byte[] continuation(int streamId, int flags, byte[] fragment) {
    return frame(CONTINUATION, flags, streamId, fragment);
  }

  static byte[] data(int streamId, boolean endStream, byte[] bytes) {
    return frame(DATA, endStream ? FLAG_END_STREAM : 0, streamId, bytes);
  }

  static byte[] rstStream(int streamId, int code) {
    return frame(RST_STREAM, 0, streamId, int32(code));
  }

  static byte[] windowUpdate(int streamId, int increment) {
    return frame(WINDOW_UPDATE, 0, streamId, int32(increment));
  }

  static byte[] ping(long payload) {
    byte[] p = new byte[8];
    writeInt(p, 0, (int) (payload >>> 32));
    writeInt(p, 4, (int) payload);
    return frame(PING, 0, 0, p);
  }

  /** A gRPC length-prefixed message (uncompressed). */
  static byte[] grpcMessage(byte[] message) {
    byte[] m = new byte[5 + message.length];
    writeInt(m, 1, message.length);
    System.arraycopy(message, 0, m, 5, message.length);
    return m;
  }

  static byte[] grpcMessage(String message) {
    return grpcMessage(message.getBytes(StandardCharsets.UTF_8));
  }

  // -----------------------------------------------------------------------------------------------
  // HPACK (RFC 7541), the simplest correct encodings.

  /** A header block of literal fields without indexing, with literal names and raw (non-Huffman) strings. */
  static byte[] block(String... nameValues) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < nameValues.length; i += 2) {
      literalWithoutIndexing(b, nameValues[i], nameValues[i + 1]);
    }
    return b.toByteArray();
  }

  static void literalWithoutIndexing(ByteArrayOutputStream b, String name, String value) {
    hpackInt(b, 0x00, 4, 0);
    hpackString(b, name);
    hpackString(b, value);
  }

  /** A literal field with incremental indexing and a literal name: the server's table gains it. */
  static void literalWithIndexing(ByteArrayOutputStream b, String name, String value) {
    hpackInt(b, 0x40, 6, 0);
    hpackString(b, name);
    hpackString(b, value);
  }

  static void hpackString(ByteArrayOutputStream b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    hpackInt(b, 0x00, 7, bytes.length);
    b.write(bytes, 0, bytes.length);
  }

  /** RFC 7541 5.1: an integer in an N-bit prefix, the first octet's high bits set to {@code flags}. */
  static void hpackInt(ByteArrayOutputStream b, int flags, int prefixBits, int value) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      b.write(flags | value);
      return;
    }
    b.write(flags | max);
    value -= max;
    while (value >= 0x80) {
      b.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    b.write(value);
  }

  /** The pseudo-headers and headers of a gRPC request, then any extra name/value pairs. */
  static byte[] grpcRequest(String path, String... extra) {
    return request("POST", path, "application/grpc", extra);
  }

  /** A request block with this method, path and content-type (none when null), then extra pairs. */
  static byte[] request(String method, String path, String contentType, String... extra) {
    List<String> fields = new ArrayList<>(List.of(":method", method, ":scheme", "http", ":path", path, ":authority", "localhost"));
    if (contentType != null) {
      fields.add("content-type");
      fields.add(contentType);
    }
    fields.add("te");
    fields.add("trailers");
    fields.addAll(List.of(extra));
    return block(fields.toArray(String[]::new));
  }

  // -----------------------------------------------------------------------------------------------

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  static byte[] int32(int v) {
    byte[] b = new byte[4];
    writeInt(b, 0, v);
    return b;
  }

  static int readInt(byte[] b, int i) {
    return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
  }

  static void writeInt(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }
}
