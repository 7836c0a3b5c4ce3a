package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.ACK;
import static dev.shuttle.http2.conformance.Wire.CONTINUATION;
import static dev.shuttle.http2.conformance.Wire.DATA;
import static dev.shuttle.http2.conformance.Wire.END_HEADERS;
import static dev.shuttle.http2.conformance.Wire.END_STREAM;
import static dev.shuttle.http2.conformance.Wire.GOAWAY;
import static dev.shuttle.http2.conformance.Wire.HEADERS;
import static dev.shuttle.http2.conformance.Wire.PADDED;
import static dev.shuttle.http2.conformance.Wire.PING;
import static dev.shuttle.http2.conformance.Wire.PRIORITY_FLAG;
import static dev.shuttle.http2.conformance.Wire.RST_STREAM;
import static dev.shuttle.http2.conformance.Wire.SETTINGS;
import static dev.shuttle.http2.conformance.Wire.WINDOW_UPDATE;
import static dev.shuttle.http2.conformance.Wire.errorName;
import static dev.shuttle.http2.conformance.Wire.readInt32;
import static dev.shuttle.http2.conformance.Wire.readInt64;
import static dev.shuttle.http2.conformance.Wire.typeName;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shuttle.http2.hpack.HpackDecoder;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A raw, frame-level HTTP/2 client for the conformance suite: it sends whatever octets a test
 * builds (well-formed or not) and checks each frame the server sends back.
 *
 * <p>Expectations are strict: {@code expectX} reads the <em>next</em> frame and fails unless it
 * is exactly X (type, stream, flags, error code, payload). A test that knows another frame may
 * legitimately come first (a response racing a connection error, say) must say so with
 * {@link #tolerate}; nothing is skipped silently. Every read has a timeout, so a server that does
 * not answer fails the test instead of hanging it.
 *
 * <p>Frames and field blocks going out are built by {@link Wire} and {@link Hpack}, independent
 * of Shuttle's writer and encoder. Only the server's own field blocks are decoded with Shuttle's
 * HpackDecoder (tested by itself against the RFC 7541 Appendix C vectors): the client never needs
 * more than their text.
 */
final class H2Client implements AutoCloseable {
  static final int READ_TIMEOUT_MILLIS = 10_000;
  private static final AtomicLong PING_IDS = new AtomicLong(0x5368757474000000L); // "Shutt..."

  /** One frame from the server. HEADERS arrive with their CONTINUATIONs joined and decoded. */
  record Frame(int type, int flags, int streamId, byte[] payload, List<Map.Entry<String, String>> fields) {
    boolean has(int flag) {
      return (flags & flag) != 0;
    }

    /** The error code of a GOAWAY or RST_STREAM. */
    int errorCode() {
      return switch (type) {
        case GOAWAY -> readInt32(payload, 4);
        case RST_STREAM -> readInt32(payload, 0);
        default -> throw new AssertionError("no error code in " + this);
      };
    }

    int lastStreamId() {
      return readInt32(payload, 0) & 0x7fffffff;
    }

    int windowIncrement() {
      return readInt32(payload, 0) & 0x7fffffff;
    }

    /** The first value of a field in a HEADERS frame, or null. */
    String field(String name) {
      for (Map.Entry<String, String> f : fields) {
        if (f.getKey().equals(name)) {
          return f.getValue();
        }
      }
      return null;
    }

    @Override
    public String toString() {
      String detail = switch (type) {
        case HEADERS -> " " + fields;
        case DATA -> " \"" + new String(payload, StandardCharsets.ISO_8859_1).replace("\n", "\\n") + "\"";
        case RST_STREAM -> payload.length == 4 ? " " + errorName(errorCode()) : "";
        case GOAWAY -> payload.length >= 8
            ? " " + errorName(errorCode()) + " last=" + lastStreamId() + " \""
                + new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8) + "\""
            : "";
        case WINDOW_UPDATE -> payload.length == 4 ? " +" + windowIncrement() : "";
        case PING -> payload.length == 8 ? " 0x" + Long.toHexString(readInt64(payload, 0)) : "";
        default -> "";
      };
      return typeName(type) + "(stream=" + streamId + ", flags=0x" + Integer.toHexString(flags)
          + ", length=" + payload.length + detail + ")";
    }
  }

  /** A whole response: the header fields, the body, and the frames that carried them. */
  record Response(Frame headers, byte[] body, List<Frame> frames) {
    String status() {
      return headers.field(":status");
    }

    String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  private record Tolerance(String why, Predicate<Frame> match) {}

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final HpackDecoder decoder = new HpackDecoder(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE, Integer.MAX_VALUE);
  private final List<Frame> received = new ArrayList<>();
  private final List<Tolerance> tolerances = new ArrayList<>();
  private final Map<Integer, Long> serverSettings = new HashMap<>();
  private boolean closed;

  private H2Client(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    socket.setTcpNoDelay(true);
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** A TCP connection, nothing sent yet. */
  static H2Client connect(InetSocketAddress server) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(server, READ_TIMEOUT_MILLIS);
      return new H2Client(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * The connection preface both ways (RFC 9113 section 3.4): sends the client preface and a
   * SETTINGS frame with these (identifier, value) pairs, checks that the server's first frame is a
   * SETTINGS frame, acknowledges it, and waits for the acknowledgement of ours. A WINDOW_UPDATE
   * for the connection may come in between (the server opening a larger connection window);
   * anything else fails the test.
   */
  H2Client handshake(int... settings) throws IOException {
    send(Wire.PREFACE, Wire.settings(settings));
    Frame first = nextFrame();
    if (first == null || first.type() != SETTINGS || first.has(ACK)) {
      fail("the server's first frame must be SETTINGS without ACK (RFC 9113 3.4), got " + first);
    }
    for (int i = 0; i + 6 <= first.payload().length; i += 6) {
      int id = ((first.payload()[i] & 0xff) << 8) | (first.payload()[i + 1] & 0xff);
      serverSettings.put(id, readInt32(first.payload(), i + 2) & 0xffffffffL);
    }
    send(Wire.settingsAck());
    while (true) {
      Frame f = nextFrame();
      if (f == null) {
        fail("connection closed during the handshake; received " + received);
      }
      if (f.type() == SETTINGS && f.has(ACK) && f.payload().length == 0) {
        return this;
      }
      if (f.type() != WINDOW_UPDATE || f.streamId() != 0) {
        fail("unexpected frame during the handshake: " + f);
      }
    }
  }

  /**
   * Applies our SETTINGS_HEADER_TABLE_SIZE to the decoder of the server's field blocks, once the
   * server has acknowledged it: from then on a block that does not start with the dynamic table
   * size update RFC 7541 4.2 requires fails to decode, and so fails the test.
   */
  void acknowledgedHeaderTableSize(int size) {
    decoder.setMaxTableSize(size);
  }

  /** A setting from the server's SETTINGS frame, or null when it did not send it. */
  Long serverSetting(int id) {
    return serverSettings.get(id);
  }

  /** Writes the byte arrays with one socket write. */
  void send(byte[]... parts) throws IOException {
    out.write(Wire.concat(parts));
    out.flush();
  }

  /**
   * Lets frames matching {@code match} come before the ones a test expects (they are skipped, and
   * listed in failure messages); {@code why} says why the RFC allows them there.
   */
  void tolerate(String why, Predicate<Frame> match) {
    tolerances.add(new Tolerance(why, match));
  }

  /** Tolerates a response (HEADERS, DATA) on a stream whose request was valid and complete. */
  void tolerateResponseOn(int streamId) {
    tolerate("the response to the valid request on stream " + streamId + " may be in flight",
        f -> f.streamId() == streamId && (f.type() == HEADERS || f.type() == DATA));
  }

  /** The next frame that no tolerance covers; null once the server has closed the connection. */
  Frame nextFrame() throws IOException {
    while (true) {
      Frame f = readFrame();
      if (f == null || tolerances.stream().noneMatch(t -> t.match().test(f))) {
        return f;
      }
    }
  }

  /** Reads the next frame and fails unless it matches. */
  Frame expect(String what, Predicate<Frame> match) throws IOException {
    Frame f = nextFrame();
    if (f == null) {
      return fail("expected " + what + ", but the server closed the connection; received " + received);
    }
    if (!match.test(f)) {
      return fail("expected " + what + ", got " + f + "; received " + received);
    }
    return f;
  }

  /**
   * A connection error (RFC 9113 5.4.1): GOAWAY with exactly this error code next, then the
   * server closes the TCP connection. Returns the GOAWAY, for its last-stream-id.
   */
  Frame expectGoAway(int errorCode) throws IOException {
    Frame goAway = expect("GOAWAY(" + errorName(errorCode) + ")",
        f -> f.type() == GOAWAY && f.flags() == 0 && f.streamId() == 0 && f.payload().length >= 8 && f.errorCode() == errorCode);
    expectConnectionClosed();
    return goAway;
  }

  /** A stream error (RFC 9113 5.4.2): RST_STREAM on this stream with exactly this code, next. */
  Frame expectRstStream(int streamId, int errorCode) throws IOException {
    return expect("RST_STREAM(stream " + streamId + ", " + errorName(errorCode) + ")",
        f -> f.type() == RST_STREAM && f.flags() == 0 && f.streamId() == streamId && f.payload().length == 4
            && f.errorCode() == errorCode);
  }

  /** No frame at all before the server closes the connection. */
  void expectConnectionClosed() throws IOException {
    Frame f = nextFrame();
    if (f != null) {
      fail("expected the server to close the connection, got " + f + "; received " + received);
    }
  }

  /**
   * The server closes the connection after the client's GOAWAY: at most a GOAWAY(NO_ERROR) of its
   * own first (RFC 9113 6.8 says endpoints SHOULD send one before closing), nothing else.
   */
  void expectCloseAfterClientGoAway() throws IOException {
    expectCloseAfterClientGoAway(null);
  }

  /** Like {@link #expectCloseAfterClientGoAway()}, allowing first the ack of a PING sent with the GOAWAY. */
  void expectCloseAfterClientGoAway(Long pingOpaque) throws IOException {
    Frame f = nextFrame();
    if (pingOpaque != null && f != null && f.type() == PING && f.flags() == ACK
        && readInt64(f.payload(), 0) == pingOpaque) {
      f = nextFrame();
    }
    if (f != null && !(f.type() == GOAWAY && f.flags() == 0 && f.streamId() == 0 && f.payload().length >= 8
        && f.errorCode() == Wire.NO_ERROR)) {
      fail("expected the server to close the connection (after at most a GOAWAY(NO_ERROR)), got " + f + "; received " + received);
    }
    if (f != null) {
      expectConnectionClosed();
    }
  }

  /** A PING with ACK and this payload, next (RFC 9113 6.7). */
  void expectPingAck(long opaque) throws IOException {
    expect("PING(ACK, 0x" + Long.toHexString(opaque) + ")",
        f -> f.type() == PING && f.streamId() == 0 && f.flags() == ACK && f.payload().length == 8
            && readInt64(f.payload(), 0) == opaque);
  }

  /** An empty SETTINGS with ACK, next (RFC 9113 6.5.3). */
  void expectSettingsAck() throws IOException {
    expect("SETTINGS(ACK)", f -> f.type() == SETTINGS && f.streamId() == 0 && f.flags() == ACK && f.payload().length == 0);
  }

  /** Response headers on this stream, next: HEADERS with :status 200. */
  Frame expectHeaders(int streamId) throws IOException {
    return expect("HEADERS(stream " + streamId + ", :status 200)",
        f -> f.type() == HEADERS && f.streamId() == streamId && "200".equals(f.field(":status")));
  }

  /** A DATA frame on this stream, next. */
  Frame expectData(int streamId) throws IOException {
    return expect("DATA(stream " + streamId + ")", f -> f.type() == DATA && f.streamId() == streamId);
  }

  /**
   * A whole response on this stream, next: HEADERS, then DATA until END_STREAM, and no other frame
   * in between.
   */
  Response expectResponse(int streamId) throws IOException {
    List<Frame> frames = new ArrayList<>();
    Frame headers = expect("response HEADERS on stream " + streamId,
        f -> f.type() == HEADERS && f.streamId() == streamId && f.field(":status") != null);
    frames.add(headers);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean ended = headers.has(END_STREAM);
    while (!ended) {
      Frame data = expectData(streamId);
      frames.add(data);
      body.writeBytes(data.payload());
      ended = data.has(END_STREAM);
    }
    return new Response(headers, body.toByteArray(), frames);
  }

  /**
   * Sends a PING and expects its ACK as the very next frame: proves the server has nothing else
   * to say in answer to what it read before (it answers frames in the order it reads them).
   */
  void expectNothingElse() throws IOException {
    long opaque = PING_IDS.incrementAndGet();
    send(Wire.ping(opaque));
    expectPingAck(opaque);
  }

  /** Whether the server has closed the connection (as far as this client has read). */
  boolean isClosed() {
    return closed;
  }

  List<Frame> received() {
    return received;
  }

  // ---------------------------------------------------------------------------------------------

  private Frame readFrame() throws IOException {
    if (closed) {
      return null;
    }
    Frame f = readRawFrame();
    if (f == null) {
      return null;
    }
    if (f.type() == HEADERS) {
      f = decodeFieldBlock(f);
    }
    received.add(f);
    return f;
  }

  private Frame readRawFrame() throws IOException {
    byte[] header = new byte[9];
    try {
      int first = in.read();
      if (first < 0) {
        closed = true;
        return null;
      }
      header[0] = (byte) first;
      in.readFully(header, 1, 8);
      int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
      byte[] payload = new byte[length];
      in.readFully(payload);
      if ((header[5] & 0x80) != 0) {
        fail("RFC 9113 4.1: the reserved bit must remain unset when sending; set in a frame of type " + header[3]);
      }
      return new Frame(header[3] & 0xff, header[4] & 0xff, readInt32(header, 5), payload, List.of());
    } catch (SocketTimeoutException e) {
      return fail("no frame from the server within " + READ_TIMEOUT_MILLIS + " ms; received " + received);
    } catch (EOFException e) {
      return fail("the server closed the connection inside a frame; received " + received);
    } catch (SocketException e) {
      // A close with unread input reaches us as a reset; what came before it was read already.
      closed = true;
      return null;
    }
  }

  /** Joins the CONTINUATIONs that must follow a HEADERS without END_HEADERS, and decodes the block. */
  private Frame decodeFieldBlock(Frame headers) throws IOException {
    byte[] p = headers.payload();
    int start = 0;
    int end = p.length;
    if (headers.has(PADDED)) {
      start = 1;
      end -= p[0] & 0xff;
    }
    if (headers.has(PRIORITY_FLAG)) {
      start += 5;
    }
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(p, start, end - start);
    boolean endHeaders = headers.has(END_HEADERS);
    while (!endHeaders) {
      Frame c = readRawFrame();
      if (c == null || c.type() != CONTINUATION || c.streamId() != headers.streamId()) {
        return fail("the server's field block on stream " + headers.streamId() + " is not continued properly: " + c);
      }
      block.write(c.payload(), 0, c.payload().length);
      endHeaders = c.has(END_HEADERS);
    }
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    byte[] bytes = block.toByteArray();
    try {
      decoder.decode(bytes, 0, bytes.length, (name, value) -> fields.add(Map.entry(name, value)));
    } catch (Exception e) {
      return fail("cannot decode the server's field block: " + e);
    }
    return new Frame(HEADERS, headers.flags() | END_HEADERS, headers.streamId(), bytes, List.copyOf(fields));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
