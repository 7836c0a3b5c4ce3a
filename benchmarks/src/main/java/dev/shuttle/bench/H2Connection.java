package dev.shuttle.bench;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP/2 connection of the load client, carrying one kind of unary gRPC call whose request and
 * expected response are fixed bytes: h2load's approach, so that the client spends next to nothing
 * per call and the server is what saturates.
 *
 * <p>Requests are pre-encoded: the first HEADERS block adds {@code :path}, {@code :authority},
 * {@code content-type}, {@code te} and {@code user-agent} to the server's HPACK table, as any
 * client's encoder would, and every later one refers to them (seven bytes). Responses are checked
 * in full: HPACK-decoded headers and trailers (with Netty's decoder, which has nothing to do with
 * either server under test) must carry {@code :status 200} and {@code grpc-status 0}, and the body
 * must be exactly the expected gRPC message.
 *
 * <p>Flow control both ways: the connection's send window and the server's
 * {@code MAX_CONCURRENT_STREAMS} hold calls back in a local queue (their time still counts); the
 * receive windows are opened wide and the connection's is topped up as data arrives. PINGs are
 * answered, SETTINGS acknowledged; GOAWAY or a broken frame fails the connection, and with it the run.
 *
 * <p>Not thread-safe: one thread drives every connection through a {@link Selector}.
 */
final class H2Connection {
  /** Told when a call ends; {@code ok}: HTTP 200, grpc-status 0 and the expected message. */
  interface Listener {
    void done(long tag, boolean ok);
  }

  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0x0;
  private static final int HEADERS = 0x1;
  private static final int RST_STREAM = 0x3;
  private static final int SETTINGS = 0x4;
  private static final int PUSH_PROMISE = 0x5;
  private static final int PING = 0x6;
  private static final int GOAWAY = 0x7;
  private static final int WINDOW_UPDATE = 0x8;
  private static final int CONTINUATION = 0x9;
  private static final int END_STREAM = 0x1;
  private static final int ACK = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int PADDED = 0x8;
  private static final int PRIORITY = 0x20;

  /** What each stream and the connection may receive before we must say we consumed it. */
  private static final int RECEIVE_WINDOW = 1 << 30;

  /** Received DATA bytes after which the connection's receive window is topped up. */
  private static final int WINDOW_UPDATE_THRESHOLD = 1 << 20;

  /** The HPACK table room the indexed request headers need (their RFC 7541 §4.1 sizes, rounded up). */
  private static final int INDEXED_HEADERS_ROOM = 512;

  private static final String USER_AGENT = "shuttle-bench-load-client";

  private final SocketChannel channel;
  private final SelectionKey key;
  private final Listener listener;
  private final String path;
  private final String authority;
  private final byte[] request;
  private final byte[] expectedResponse;
  private final ByteBuffer in = ByteBuffer.allocate(256 * 1024);
  private final ByteBuffer out = ByteBuffer.allocate(1 << 20);
  private final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);
  private final StreamTable streams = new StreamTable();
  private final BlockCache blockMeanings = new BlockCache();
  private final LongQueue waiting = new LongQueue();

  private byte[] firstHeaderBlock;
  private byte[] headerBlock;
  private boolean firstSent;
  private boolean ready;
  private long maxConcurrentStreams = Long.MAX_VALUE;
  private long peerInitialWindow = 65_535;
  private long sendWindow = 65_535;
  private int nextStreamId = 1;
  private long unacknowledgedReceived;
  private int continuedStream;
  private boolean continuedEndStream;
  private final ByteArrayOutputStream continued = new ByteArrayOutputStream();
  private boolean writeInterest;
  private String failure;

  /** One call's response as it arrives; the object is reused by later calls in the same slot. */
  private static final class Stream {
    /** 0 while the slot is free (client streams are odd). */
    int id;
    long tag;
    int bodyBytes;
    boolean bodyMatches;
    boolean httpOk;
    boolean grpcOk;

    void reset(int id, long tag) {
      this.id = id;
      this.tag = tag;
      bodyBytes = 0;
      bodyMatches = true;
      httpOk = true;
      grpcOk = false;
    }
  }

  /**
   * Calls in flight by stream id, a reused slot per id modulo {@value #SLOTS}, so that the load
   * client allocates nothing per call (its garbage collections would show in the latencies). A
   * call whose slot is still taken by one 65536 streams older waits, as for a stream limit.
   */
  private static final class StreamTable {
    private static final int SLOTS = 1 << 16;
    private final Stream[] slots = new Stream[SLOTS];
    private int size;

    boolean isFree(int id) {
      Stream s = slots[(id >>> 1) & (SLOTS - 1)];
      return s == null || s.id == 0;
    }

    void put(int id, long tag) {
      int i = (id >>> 1) & (SLOTS - 1);
      if (slots[i] == null) {
        slots[i] = new Stream();
      }
      slots[i].reset(id, tag);
      size++;
    }

    Stream get(int id) {
      Stream s = slots[(id >>> 1) & (SLOTS - 1)];
      return s != null && s.id == id && id != 0 ? s : null;
    }

    void remove(Stream s) {
      s.id = 0;
      size--;
    }

    int size() {
      return size;
    }
  }

  /**
   * Connects to 127.0.0.1:{@code port} and queues the preface and settings; the connection is
   * {@link #ready} once the server's SETTINGS arrive through {@link #onReadable}.
   *
   * @param request the gRPC message as sent: 5-byte prefix and the encoded request
   * @param expectedResponse the gRPC message every response must carry, prefix included
   */
  H2Connection(Selector selector, int port, String path, byte[] request, byte[] expectedResponse,
      Listener listener) throws IOException {
    this.path = path;
    this.authority = "127.0.0.1:" + port;
    this.request = request;
    this.expectedResponse = expectedResponse;
    this.listener = listener;
    channel = SocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.connect(new InetSocketAddress("127.0.0.1", port));
      channel.configureBlocking(false);
      key = channel.register(selector, SelectionKey.OP_READ, this);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    out.put(PREFACE);
    frameHeader(12, SETTINGS, 0, 0);
    setting(0x2, 0); // ENABLE_PUSH off
    setting(0x4, RECEIVE_WINDOW); // INITIAL_WINDOW_SIZE
    frameHeader(4, WINDOW_UPDATE, 0, 0);
    out.putInt(RECEIVE_WINDOW - 65_535);
    flush();
  }

  boolean ready() {
    return ready;
  }

  /** Why the connection cannot go on, or null while it can. */
  String failure() {
    return failure;
  }

  /** Calls started and not yet ended, including those waiting for a stream slot or window. */
  int inFlight() {
    return streams.size() + waiting.size();
  }

  /** Starts a call (or queues it until the server allows one more); {@code tag} comes back in {@link Listener#done}. */
  void start(long tag) {
    if (canSend()) {
      send(tag);
    } else {
      waiting.add(tag);
    }
  }

  private boolean canSend() {
    return ready && failure == null && streams.size() < maxConcurrentStreams && streams.isFree(nextStreamId)
        && sendWindow >= request.length && out.remaining() >= 18 + headerBlock.length + firstHeaderBlock.length + request.length;
  }

  private void send(long tag) {
    int id = nextStreamId;
    nextStreamId += 2;
    byte[] block = firstSent ? headerBlock : firstHeaderBlock;
    firstSent = true;
    frameHeader(block.length, HEADERS, END_HEADERS, id);
    out.put(block);
    frameHeader(request.length, DATA, END_STREAM, id);
    out.put(request);
    sendWindow -= request.length;
    streams.put(id, tag);
  }

  private void sendWaiting() {
    while (!waiting.isEmpty() && canSend()) {
      send(waiting.poll());
    }
  }

  /** Writes what is queued; what the socket does not take now waits for it to become writable. */
  void flush() {
    if (out.position() == 0 || failure != null) {
      return;
    }
    out.flip();
    try {
      channel.write(out);
    } catch (IOException e) {
      fail("write failed: " + e.getMessage());
    }
    out.compact();
    boolean pending = out.position() > 0;
    if (pending != writeInterest && key.isValid()) {
      writeInterest = pending;
      key.interestOps(pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }
  }

  /** Reads what arrived and handles every complete frame. */
  void onReadable() {
    if (failure != null) {
      return;
    }
    int n;
    try {
      n = channel.read(in);
    } catch (IOException e) {
      fail("read failed: " + e.getMessage());
      return;
    }
    if (n < 0) {
      fail("the server closed the connection");
      return;
    }
    in.flip();
    byte[] a = in.array();
    while (failure == null && in.remaining() >= 9) {
      int p = in.position();
      int length = (a[p] & 0xff) << 16 | (a[p + 1] & 0xff) << 8 | (a[p + 2] & 0xff);
      if (length > in.capacity() - 9) {
        fail("a frame of " + length + " bytes, more than the 16384 we allow");
        break;
      }
      if (in.remaining() < 9 + length) {
        break;
      }
      int type = a[p + 3] & 0xff;
      int flags = a[p + 4] & 0xff;
      int stream = (a[p + 5] & 0x7f) << 24 | (a[p + 6] & 0xff) << 16 | (a[p + 7] & 0xff) << 8 | (a[p + 8] & 0xff);
      in.position(p + 9 + length);
      frame(type, flags, stream, a, p + 9, length);
    }
    in.compact();
  }

  private void frame(int type, int flags, int stream, byte[] a, int off, int length) {
    switch (type) {
      case DATA -> data(flags, stream, a, off, length);
      case HEADERS -> headers(flags, stream, a, off, length);
      case CONTINUATION -> continuation(flags, stream, a, off, length);
      case RST_STREAM -> {
        Stream s = streams.get(stream);
        if (s != null) {
          streams.remove(s);
          listener.done(s.tag, false);
          sendWaiting();
        }
      }
      case SETTINGS -> {
        if ((flags & ACK) == 0) {
          settings(a, off, length);
        }
      }
      case PING -> {
        if ((flags & ACK) == 0 && length == 8) {
          frameHeader(8, PING, ACK, 0);
          out.put(a, off, 8);
        }
      }
      case WINDOW_UPDATE -> {
        if (stream == 0 && length == 4) {
          sendWindow += ((a[off] & 0x7f) << 24 | (a[off + 1] & 0xff) << 16 | (a[off + 2] & 0xff) << 8 | (a[off + 3] & 0xff));
          sendWaiting();
        }
      }
      case GOAWAY -> fail("GOAWAY from the server, error code "
          + (length >= 8 ? ((a[off + 4] & 0xff) << 24 | (a[off + 5] & 0xff) << 16 | (a[off + 6] & 0xff) << 8 | (a[off + 7] & 0xff)) : -1));
      case PUSH_PROMISE -> fail("PUSH_PROMISE although push is off");
      default -> {
        // PRIORITY and unknown frame types carry nothing for us (RFC 9113 §4.1, §5.5).
      }
    }
  }

  private void data(int flags, int stream, byte[] a, int off, int length) {
    unacknowledgedReceived += length;
    if (unacknowledgedReceived >= WINDOW_UPDATE_THRESHOLD) {
      frameHeader(4, WINDOW_UPDATE, 0, 0);
      out.putInt((int) unacknowledgedReceived);
      unacknowledgedReceived = 0;
    }
    if ((flags & PADDED) != 0) {
      int pad = a[off] & 0xff;
      off++;
      length -= 1 + pad;
    }
    Stream s = streams.get(stream);
    if (s == null) {
      return;
    }
    int end = s.bodyBytes + length;
    if (end > expectedResponse.length
        || !Arrays.equals(a, off, off + length, expectedResponse, s.bodyBytes, end)) {
      s.bodyMatches = false;
    }
    s.bodyBytes = end;
    if ((flags & END_STREAM) != 0) {
      end(stream);
    }
  }

  private void headers(int flags, int stream, byte[] a, int off, int length) {
    if ((flags & PADDED) != 0) {
      int pad = a[off] & 0xff;
      off++;
      length -= 1 + pad;
    }
    if ((flags & PRIORITY) != 0) {
      off += 5;
      length -= 5;
    }
    boolean endStream = (flags & END_STREAM) != 0;
    if ((flags & END_HEADERS) != 0) {
      headerBlock(stream, a, off, length, endStream);
    } else {
      continuedStream = stream;
      continuedEndStream = endStream;
      continued.reset();
      continued.write(a, off, length);
    }
  }

  private void continuation(int flags, int stream, byte[] a, int off, int length) {
    if (stream != continuedStream) {
      fail("CONTINUATION on stream " + stream + " after HEADERS on " + continuedStream);
      return;
    }
    continued.write(a, off, length);
    if ((flags & END_HEADERS) != 0) {
      byte[] block = continued.toByteArray();
      headerBlock(stream, block, 0, block.length, continuedEndStream);
    }
  }

  /** What a header block says, as bits: */
  private static final int HTTP_STATUS_NOT_200 = 1;
  private static final int HAS_GRPC_STATUS = 2;
  private static final int GRPC_STATUS_OK = 4;

  /**
   * Every block is decoded, even one for a stream we gave up on: the HPACK table depends on all of
   * them. A block that leaves the table as it is (in steady state, every block of both servers)
   * means what it meant last time, so its meaning comes from a cache keyed by its bytes, emptied
   * whenever a block changes the table: no decoding, no garbage per response.
   */
  private void headerBlock(int stream, byte[] a, int off, int length, boolean endStream) {
    boolean leavesTable = leavesTableAlone(a, off, length);
    int meaning = leavesTable ? blockMeanings.get(a, off, length) : -1;
    if (meaning < 0) {
      Http2Headers headers;
      try {
        headers = hpack.decodeHeaders(stream, Unpooled.wrappedBuffer(a, off, length));
      } catch (Http2Exception e) {
        fail("HPACK decoding failed: " + e.getMessage());
        return;
      }
      meaning = 0;
      CharSequence httpStatus = headers.status();
      if (httpStatus != null && !"200".contentEquals(httpStatus)) {
        meaning |= HTTP_STATUS_NOT_200;
      }
      CharSequence grpcStatus = headers.get("grpc-status");
      if (grpcStatus != null) {
        meaning |= HAS_GRPC_STATUS | ("0".contentEquals(grpcStatus) ? GRPC_STATUS_OK : 0);
      }
      if (leavesTable) {
        blockMeanings.put(a, off, length, meaning);
      } else {
        blockMeanings.clear();
      }
    }
    Stream s = streams.get(stream);
    if (s == null) {
      return;
    }
    if ((meaning & HTTP_STATUS_NOT_200) != 0) {
      s.httpOk = false;
    }
    if ((meaning & HAS_GRPC_STATUS) != 0) {
      s.grpcOk = (meaning & GRPC_STATUS_OK) != 0;
    }
    if (endStream) {
      end(stream);
    }
  }

  /**
   * True when the block has no representation that changes the dynamic table: only indexed fields
   * and literals without or never indexing (RFC 7541 §6.1, §6.2.2, §6.2.3); false for an indexed
   * literal, a table size update or a block that does not parse (the decoder then says why).
   */
  static boolean leavesTableAlone(byte[] a, int off, int length) {
    int p = off;
    int end = off + length;
    while (p < end) {
      int b = a[p] & 0xff;
      if ((b & 0x80) != 0) {
        p = skipInteger(a, p, end, 7);
      } else if ((b & 0x60) != 0) {
        return false; // 01xxxxxx literal with incremental indexing, 001xxxxx size update
      } else {
        boolean newName = (b & 0x0f) == 0;
        p = skipInteger(a, p, end, 4);
        if (newName && p >= 0) {
          p = skipString(a, p, end);
        }
        if (p >= 0) {
          p = skipString(a, p, end);
        }
      }
      if (p < 0) {
        return false;
      }
    }
    return true;
  }

  /** The position after an RFC 7541 §5.1 integer with an N-bit prefix at {@code p}, or -1. */
  private static int skipInteger(byte[] a, int p, int end, int prefixBits) {
    int max = (1 << prefixBits) - 1;
    if ((a[p++] & max) < max) {
      return p;
    }
    while (p < end) {
      if ((a[p++] & 0x80) == 0) {
        return p;
      }
    }
    return -1;
  }

  /** The position after an RFC 7541 §5.2 string literal at {@code p}, or -1. */
  private static int skipString(byte[] a, int p, int end) {
    if (p >= end) {
      return -1;
    }
    long length = a[p++] & 0x7f;
    if (length == 0x7f) {
      for (int shift = 0; ; shift += 7) {
        if (p >= end || shift > 28) {
          return -1;
        }
        int c = a[p++] & 0xff;
        length += (long) (c & 0x7f) << shift;
        if ((c & 0x80) == 0) {
          break;
        }
      }
    }
    return p + length <= end ? (int) (p + length) : -1;
  }

  private void end(int stream) {
    Stream s = streams.get(stream);
    long tag = s.tag;
    boolean ok = s.httpOk && s.grpcOk && s.bodyMatches && s.bodyBytes == expectedResponse.length;
    streams.remove(s);
    listener.done(tag, ok);
    sendWaiting();
  }

  /** Meanings of header blocks that leave the HPACK table alone, by their bytes. */
  private static final class BlockCache {
    private static final int SIZE = 16;
    private final byte[][] keys = new byte[SIZE][];
    private final int[] meanings = new int[SIZE];
    private int count;

    private static int slot(byte[] a, int off, int length) {
      int h = length;
      for (int i = off; i < off + length; i++) {
        h = 31 * h + a[i];
      }
      return (h ^ (h >>> 16)) & (SIZE - 1);
    }

    /** The meaning, or -1 when the block is not known. */
    int get(byte[] a, int off, int length) {
      for (int i = slot(a, off, length), n = 0; n < SIZE && keys[i] != null; i = (i + 1) & (SIZE - 1), n++) {
        if (Arrays.equals(keys[i], 0, keys[i].length, a, off, off + length)) {
          return meanings[i];
        }
      }
      return -1;
    }

    void put(byte[] a, int off, int length, int meaning) {
      if (count >= SIZE / 2) {
        clear(); // a server that varies its blocks this much pays a decode per block instead
      }
      int i = slot(a, off, length);
      while (keys[i] != null) {
        i = (i + 1) & (SIZE - 1);
      }
      keys[i] = Arrays.copyOfRange(a, off, off + length);
      meanings[i] = meaning;
      count++;
    }

    void clear() {
      if (count > 0) {
        Arrays.fill(keys, null);
        count = 0;
      }
    }
  }

  private void settings(byte[] a, int off, int length) {
    long headerTableSize = 4096;
    for (int p = off; p + 6 <= off + length; p += 6) {
      int id = (a[p] & 0xff) << 8 | (a[p + 1] & 0xff);
      long value = ((long) (a[p + 2] & 0xff) << 24) | (a[p + 3] & 0xff) << 16 | (a[p + 4] & 0xff) << 8 | (a[p + 5] & 0xff);
      switch (id) {
        case 0x1 -> headerTableSize = value;
        case 0x3 -> maxConcurrentStreams = value;
        case 0x4 -> peerInitialWindow = value;
        default -> {
          // MAX_FRAME_SIZE and the rest: our frames are far below any allowed limit.
        }
      }
    }
    if (peerInitialWindow < request.length) {
      fail("the server's stream window (" + peerInitialWindow + ") is smaller than one request");
      return;
    }
    frameHeader(0, SETTINGS, ACK, 0);
    if (!ready) {
      boolean index = headerTableSize >= INDEXED_HEADERS_ROOM;
      firstHeaderBlock = requestHeaders(index);
      headerBlock = index ? indexedRequestHeaders() : firstHeaderBlock;
      ready = true;
      sendWaiting();
    }
  }

  /**
   * :method POST and :scheme http from the static table, the rest as literals with a static name
   * index where there is one. {@code index}: literals with incremental indexing (RFC 7541 §6.2.1),
   * so that {@link #indexedRequestHeaders} can refer to them; otherwise without indexing (§6.2.2).
   */
  private byte[] requestHeaders(boolean index) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x80 | 3); // :method POST
    b.write(0x80 | 6); // :scheme http
    literal(b, index, 4, null, path); // :path
    literal(b, index, 1, null, authority); // :authority
    literal(b, index, 31, null, "application/grpc"); // content-type
    literal(b, index, 0, "te", "trailers");
    literal(b, index, 58, null, USER_AGENT); // user-agent
    return b.toByteArray();
  }

  /** The five literals above now sit in the dynamic table, the last added at index 62. */
  private static byte[] indexedRequestHeaders() {
    return new byte[] {(byte) (0x80 | 3), (byte) (0x80 | 6), (byte) (0x80 | 66), (byte) (0x80 | 65),
        (byte) (0x80 | 64), (byte) (0x80 | 63), (byte) (0x80 | 62)};
  }

  private static void literal(ByteArrayOutputStream b, boolean index, int nameIndex, String name, String value) {
    if (index) {
      integer(b, 0x40, 6, nameIndex);
    } else {
      integer(b, 0x00, 4, nameIndex);
    }
    if (nameIndex == 0) {
      string(b, name);
    }
    string(b, value);
  }

  private static void string(ByteArrayOutputStream b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
    integer(b, 0x00, 7, bytes.length); // no Huffman coding
    b.write(bytes, 0, bytes.length);
  }

  /** RFC 7541 §5.1 integer with an N-bit prefix. */
  private static void integer(ByteArrayOutputStream b, int firstByteBits, int prefixBits, int value) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      b.write(firstByteBits | value);
      return;
    }
    b.write(firstByteBits | max);
    value -= max;
    while (value >= 0x80) {
      b.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    b.write(value);
  }

  private void frameHeader(int length, int type, int flags, int stream) {
    out.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
    out.put((byte) type).put((byte) flags).putInt(stream);
  }

  private void setting(int id, int value) {
    out.putShort((short) id).putInt(value);
  }

  private void fail(String why) {
    if (failure == null) {
      failure = why;
    }
  }

  void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing a socket we are done with
    }
  }

  /** A growable ring of longs: calls waiting for a stream slot, without boxing them. */
  private static final class LongQueue {
    private long[] items = new long[1024];
    private int head;
    private int size;

    void add(long value) {
      if (size == items.length) {
        long[] bigger = new long[items.length * 2];
        for (int i = 0; i < size; i++) {
          bigger[i] = items[(head + i) % items.length];
        }
        items = bigger;
        head = 0;
      }
      items[(head + size) % items.length] = value;
      size++;
    }

    long poll() {
      long value = items[head];
      head = (head + 1) % items.length;
      size--;
      return value;
    }

    boolean isEmpty() {
      return size == 0;
    }

    int size() {
      return size;
    }
  }
}
