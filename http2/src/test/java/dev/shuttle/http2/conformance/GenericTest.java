package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Hpack.HUFFMAN_CUSTOM_KEY;
import static dev.shuttle.http2.conformance.Hpack.HUFFMAN_CUSTOM_VALUE;
import static dev.shuttle.http2.conformance.Hpack.HUFFMAN_NO_CACHE;
import static dev.shuttle.http2.conformance.Hpack.STATIC_CACHE_CONTROL;
import static dev.shuttle.http2.conformance.Hpack.STATIC_USER_AGENT;
import static dev.shuttle.http2.conformance.Wire.CANCEL;
import static dev.shuttle.http2.conformance.Wire.DATA;
import static dev.shuttle.http2.conformance.Wire.END_HEADERS;
import static dev.shuttle.http2.conformance.Wire.END_STREAM;
import static dev.shuttle.http2.conformance.Wire.ENABLE_PUSH;
import static dev.shuttle.http2.conformance.Wire.HEADERS;
import static dev.shuttle.http2.conformance.Wire.HEADER_TABLE_SIZE;
import static dev.shuttle.http2.conformance.Wire.INITIAL_WINDOW_SIZE;
import static dev.shuttle.http2.conformance.Wire.MAX_CONCURRENT_STREAMS;
import static dev.shuttle.http2.conformance.Wire.MAX_FRAME_SIZE;
import static dev.shuttle.http2.conformance.Wire.MAX_HEADER_LIST_SIZE;
import static dev.shuttle.http2.conformance.Wire.NO_ERROR;
import static dev.shuttle.http2.conformance.Wire.ascii;
import static dev.shuttle.http2.conformance.Wire.concat;
import static dev.shuttle.http2.conformance.Wire.padded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * h2spec's generic cases: the ordinary things every HTTP/2 server must simply accept, each
 * checked by what the server answers (the echo handler reports what it understood of the
 * request, so a field or a body that went missing fails the test). RFC 9113 sections are given
 * per case.
 */
class GenericTest extends ConformanceTest {

  private static void assertEcho(H2Client.Response response, String... lines) {
    assertEquals("200", response.status());
    for (String line : lines) {
      assertTrue(response.bodyText().contains(line + "\n"), "no \"" + line + "\" in:\n" + response.bodyText());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 1 Starting HTTP/2

  /** RFC 9113 3.4: the client preface and an empty SETTINGS frame start a connection that serves requests. */
  @Test
  @H2spec("generic/1/1")
  void clientPrefaceIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(1));
    assertEcho(client.expectResponse(1), ":method: GET");
  }

  // ---------------------------------------------------------------------------------------------
  // 2 Streams and multiplexing (RFC 9113 5.1)

  /** RFC 9113 5.1: PRIORITY is allowed on an idle stream and leaves it idle. */
  @Test
  @H2spec("generic/2/1")
  void priorityOnAnIdleStreamIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.priority(1, 0, false, 255), Wire.ping(21));
    client.expectPingAck(21);
    client.send(getRequest(1));
    assertEcho(client.expectResponse(1));
  }

  /** RFC 9113 5.1: WINDOW_UPDATE is allowed on a half-closed (remote) stream, and opens its window. */
  @Test
  @H2spec("generic/2/2")
  void windowUpdateOnAHalfClosedRemoteStreamIsAccepted() throws Exception {
    H2Client client = handshake(INITIAL_WINDOW_SIZE, 0);
    client.send(getRequest(1));
    client.expectHeaders(1);
    client.send(Wire.windowUpdate(1, 1));
    assertEquals(1, client.expectData(1).payload().length);
  }

  /** RFC 9113 5.1: PRIORITY is allowed on a half-closed (remote) stream. */
  @Test
  @H2spec("generic/2/3")
  void priorityOnAHalfClosedRemoteStreamIsAccepted() throws Exception {
    H2Client client = handshake(INITIAL_WINDOW_SIZE, 0);
    client.send(getRequest(1));
    client.expectHeaders(1);
    client.send(Wire.priority(1, 0, false, 255), Wire.windowUpdate(1, 1));
    assertEquals(1, client.expectData(1).payload().length);
  }

  /** RFC 9113 5.1: RST_STREAM is allowed on a half-closed (remote) stream, and closes it. */
  @Test
  @H2spec("generic/2/4")
  void rstStreamOnAHalfClosedRemoteStreamIsAccepted() throws Exception {
    H2Client client = handshake(INITIAL_WINDOW_SIZE, 0);
    client.send(getRequest(1));
    client.expectHeaders(1);
    client.send(Wire.rstStream(1, CANCEL));
    client.expectNothingElse();
  }

  /** RFC 9113 5.1: PRIORITY is allowed on a closed stream. */
  @Test
  @H2spec("generic/2/5")
  void priorityOnAClosedStreamIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(1));
    client.expectResponse(1);
    client.send(Wire.priority(1, 0, false, 255));
    client.expectNothingElse();
  }

  // ---------------------------------------------------------------------------------------------
  // 3 Frame definitions (RFC 9113 6)

  /** RFC 9113 6.1: a request body in one DATA frame. */
  @Test
  @H2spec("generic/3.1/1")
  void dataFrameIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.data(1, true, "test"));
    assertEcho(client.expectResponse(1), ":method: POST", "body: 4 bytes");
  }

  /** RFC 9113 6.1: a request body over several DATA frames. */
  @Test
  @H2spec("generic/3.1/2")
  void severalDataFramesAreAccepted() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.data(1, false, "test"), Wire.data(1, true, "test"));
    assertEcho(client.expectResponse(1), "body: 8 bytes");
  }

  /** RFC 9113 6.1: a padded DATA frame; the padding is not part of the body. */
  @Test
  @H2spec("generic/3.1/3")
  void paddedDataFrameIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), padded(DATA, END_STREAM, 1, ascii("test"), 5));
    assertEcho(client.expectResponse(1), "body: 4 bytes");
  }

  /** RFC 9113 6.2: a request in one HEADERS frame. */
  @Test
  @H2spec("generic/3.2/1")
  void headersFrameIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(1));
    assertEcho(client.expectResponse(1), ":path: /", ":authority: " + AUTHORITY);
  }

  /** RFC 9113 6.2: a padded HEADERS frame. */
  @Test
  @H2spec("generic/3.2/2")
  void paddedHeadersFrameIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(padded(HEADERS, END_STREAM | END_HEADERS, 1, block(get()), 8));
    assertEcho(client.expectResponse(1), ":method: GET");
  }

  /** RFC 9113 6.2: a HEADERS frame with the (deprecated) priority fields. */
  @Test
  @H2spec("generic/3.2/3")
  void headersFrameWithPriorityIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headersWithPriority(1, END_STREAM | END_HEADERS, 0, false, 255, block(get())));
    assertEcho(client.expectResponse(1), ":method: GET");
  }

  /** RFC 9113 6.3: PRIORITY with the lowest weight (1, sent as 0), then the request. */
  @Test
  @H2spec("generic/3.3/1")
  void priorityWithWeightOneIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.priority(1, 0, false, 0), getRequest(1));
    assertEcho(client.expectResponse(1));
  }

  /** RFC 9113 6.3: PRIORITY with the highest weight (256, sent as 255). */
  @Test
  @H2spec("generic/3.3/2")
  void priorityWithWeight256IsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.priority(1, 0, false, 255), getRequest(1));
    assertEcho(client.expectResponse(1));
  }

  /** RFC 9113 6.3: PRIORITY for stream 3 depending on stream 1, neither open yet. */
  @Test
  @H2spec("generic/3.3/3")
  void priorityWithAStreamDependencyIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.priority(3, 1, false, 0), getRequest(1));
    assertEcho(client.expectResponse(1));
  }

  /** RFC 9113 6.3: PRIORITY with the exclusive bit. */
  @Test
  @H2spec("generic/3.3/4")
  void exclusivePriorityIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.priority(1, 0, true, 0), getRequest(1));
    assertEcho(client.expectResponse(1));
  }

  /** RFC 9113 5.1.1 and 6.3: PRIORITY on idle stream 3 does not open it: stream 1 may still be opened after. */
  @Test
  @H2spec("generic/3.3/5")
  void priorityOnAHigherIdleStreamDoesNotUseUpLowerIds() throws Exception {
    H2Client client = handshake();
    client.send(Wire.priority(3, 0, false, 255), getRequest(1));
    assertEcho(client.expectResponse(1));
  }

  /** RFC 9113 6.4: RST_STREAM ends an open stream; the connection goes on. */
  @Test
  @H2spec("generic/3.4/1")
  void rstStreamIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_HEADERS, block(get())), Wire.rstStream(1, CANCEL));
    client.expectNothingElse();
  }

  /** RFC 9113 6.5: a SETTINGS frame with every defined setting is applied and acknowledged. */
  @Test
  @H2spec("generic/3.5/1")
  void settingsFrameIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.settings(
        HEADER_TABLE_SIZE, 4096,
        ENABLE_PUSH, 1,
        MAX_CONCURRENT_STREAMS, 100,
        INITIAL_WINDOW_SIZE, 65_535,
        MAX_FRAME_SIZE, 16_384,
        MAX_HEADER_LIST_SIZE, 100));
    client.expectSettingsAck();
  }

  /** RFC 9113 6.7: PING. */
  @Test
  @H2spec("generic/3.7/1")
  void pingIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.ping(0x6832737065630000L));
    client.expectPingAck(0x6832737065630000L);
  }

  /**
   * RFC 9113 6.8: GOAWAY from the client. With no stream open nothing is left to do on the
   * connection, and Shuttle closes it (h2spec takes that or a PING answer: the PING sent after
   * the GOAWAY goes unanswered because the connection is already over). Shuttle sends no GOAWAY
   * of its own before closing, which 6.8 only recommends; one with NO_ERROR would be accepted.
   */
  @Test
  @H2spec("generic/3.8/1")
  void goAwayIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.goAway(0, NO_ERROR, "client done"), Wire.ping(38));
    // As h2spec allows: the PING answered, or the connection closed first.
    client.expectCloseAfterClientGoAway(38L);
  }

  /** RFC 9113 6.9: WINDOW_UPDATE for the connection. */
  @Test
  @H2spec("generic/3.9/1")
  void windowUpdateOnTheConnectionIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.windowUpdate(0, 1), Wire.ping(39));
    client.expectPingAck(39);
  }

  /** RFC 9113 6.9: WINDOW_UPDATE for a stream, sent right after its request. */
  @Test
  @H2spec("generic/3.9/2")
  void windowUpdateOnAStreamIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(1), Wire.windowUpdate(1, 1));
    assertEcho(client.expectResponse(1));
  }

  /** RFC 9113 6.10: a field block in HEADERS and one CONTINUATION, split inside a field. */
  @Test
  @H2spec("generic/3.10/1")
  void continuationIsAccepted() throws Exception {
    H2Client client = handshake();
    byte[] fields = block(get());
    client.send(
        Wire.headers(1, END_STREAM, Arrays.copyOfRange(fields, 0, 5)),
        Wire.continuation(1, END_HEADERS, Arrays.copyOfRange(fields, 5, fields.length)));
    assertEcho(client.expectResponse(1), ":method: GET", ":authority: " + AUTHORITY);
  }

  /** RFC 9113 6.10: a field block in HEADERS and two CONTINUATIONs. */
  @Test
  @H2spec("generic/3.10/2")
  void severalContinuationsAreAccepted() throws Exception {
    H2Client client = handshake();
    byte[] fields = block(get());
    client.send(
        Wire.headers(1, END_STREAM, Arrays.copyOfRange(fields, 0, 5)),
        Wire.continuation(1, 0, Arrays.copyOfRange(fields, 5, 10)),
        Wire.continuation(1, END_HEADERS, Arrays.copyOfRange(fields, 10, fields.length)));
    assertEcho(client.expectResponse(1), ":method: GET", ":authority: " + AUTHORITY);
  }

  // ---------------------------------------------------------------------------------------------
  // 4 HTTP message exchanges (RFC 9113 8.1)

  /** RFC 9113 8.1: a GET gets its response on the same stream. */
  @Test
  @H2spec("generic/4/1")
  void getRequestIsAnswered() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(1));
    assertEcho(client.expectResponse(1), ":method: GET", "body: 0 bytes");
  }

  /** RFC 9113 8.1 with RFC 9110 9.3.2: a HEAD is answered with headers and no content. */
  @Test
  @H2spec("generic/4/2")
  void headRequestIsAnsweredWithoutABody() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_STREAM | END_HEADERS, block(request("HEAD", "/"))));
    H2Client.Response response = client.expectResponse(1);
    assertEquals("200", response.status());
    assertTrue(response.headers().has(END_STREAM) && response.body().length == 0, response.frames().toString());
  }

  /** RFC 9113 8.1: a POST with a body. */
  @Test
  @H2spec("generic/4/3")
  void postRequestIsAnswered() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.data(1, true, "test"));
    assertEcho(client.expectResponse(1), ":method: POST", "body: 4 bytes");
  }

  /** RFC 9113 8.1: a POST with a body and a trailer section ending the stream. */
  @Test
  @H2spec("generic/4/4")
  void postRequestWithTrailersIsAnswered() throws Exception {
    H2Client client = handshake();
    client.send(
        Wire.headers(1, END_HEADERS, block(with(post(), "trailer", "x-test"))),
        Wire.data(1, false, "test"),
        Wire.headers(1, END_STREAM | END_HEADERS, block("x-test", "ok")));
    assertEcho(client.expectResponse(1), "body: 4 bytes", "trailer x-test: ok");
  }

  // ---------------------------------------------------------------------------------------------
  // 5 HPACK (RFC 7541 6), each representation once, raw and Huffman-coded

  /** The request fields, then one more representation, as one field block. */
  private static byte[] requestWith(Hpack representation) {
    return Wire.headers(1, END_STREAM | END_HEADERS, concat(block(get()), representation.bytes()));
  }

  private H2Client.Response send(Hpack representation) throws Exception {
    H2Client client = handshake();
    client.send(requestWith(representation));
    return client.expectResponse(1);
  }

  /** RFC 7541 6.1: an indexed field from the static table (58, user-agent with an empty value). */
  @Test
  @H2spec("generic/5/1")
  void indexedField() throws Exception {
    assertEcho(send(Hpack.block().indexed(STATIC_USER_AGENT)), "user-agent: ");
  }

  /** RFC 7541 6.2.1: literal with incremental indexing, indexed name, raw value. */
  @Test
  @H2spec("generic/5/2")
  void incrementalIndexingWithIndexedName() throws Exception {
    assertEcho(send(Hpack.block().incremental(STATIC_USER_AGENT, "shuttle-conformance")), "user-agent: shuttle-conformance");
  }

  /** RFC 7541 6.2.1: literal with incremental indexing, indexed name, Huffman-coded value. */
  @Test
  @H2spec("generic/5/3")
  void incrementalIndexingWithIndexedNameAndHuffman() throws Exception {
    assertEcho(send(Hpack.block().literalPrefix(0x40, 6, STATIC_CACHE_CONTROL).huffman(HUFFMAN_NO_CACHE)), "cache-control: no-cache");
  }

  /** RFC 7541 6.2.1: literal with incremental indexing, new name, raw strings. */
  @Test
  @H2spec("generic/5/4")
  void incrementalIndexingWithNewName() throws Exception {
    assertEcho(send(Hpack.block().incremental("x-test", "incremental")), "x-test: incremental");
  }

  /** RFC 7541 6.2.1: literal with incremental indexing, new name, Huffman-coded strings. */
  @Test
  @H2spec("generic/5/5")
  void incrementalIndexingWithNewNameAndHuffman() throws Exception {
    assertEcho(send(Hpack.block().literalPrefix(0x40, 6, 0).huffman(HUFFMAN_CUSTOM_KEY).huffman(HUFFMAN_CUSTOM_VALUE)), "custom-key: custom-value");
  }

  /** RFC 7541 6.2.2: literal without indexing, indexed name, raw value. */
  @Test
  @H2spec("generic/5/6")
  void withoutIndexingWithIndexedName() throws Exception {
    assertEcho(send(Hpack.block().literal(STATIC_USER_AGENT, "not indexed")), "user-agent: not indexed");
  }

  /** RFC 7541 6.2.2: literal without indexing, indexed name, Huffman-coded value. */
  @Test
  @H2spec("generic/5/7")
  void withoutIndexingWithIndexedNameAndHuffman() throws Exception {
    assertEcho(send(Hpack.block().literalPrefix(0x00, 4, STATIC_CACHE_CONTROL).huffman(HUFFMAN_NO_CACHE)), "cache-control: no-cache");
  }

  /** RFC 7541 6.2.2: literal without indexing, new name, raw strings. */
  @Test
  @H2spec("generic/5/8")
  void withoutIndexingWithNewName() throws Exception {
    assertEcho(send(Hpack.block().literal("x-test", "not indexed")), "x-test: not indexed");
  }

  /** RFC 7541 6.2.2: literal without indexing, new name, Huffman-coded strings. */
  @Test
  @H2spec("generic/5/9")
  void withoutIndexingWithNewNameAndHuffman() throws Exception {
    assertEcho(send(Hpack.block().literalPrefix(0x00, 4, 0).huffman(HUFFMAN_CUSTOM_KEY).huffman(HUFFMAN_CUSTOM_VALUE)), "custom-key: custom-value");
  }

  /** RFC 7541 6.2.3: literal never indexed, indexed name, raw value. */
  @Test
  @H2spec("generic/5/10")
  void neverIndexedWithIndexedName() throws Exception {
    assertEcho(send(Hpack.block().neverIndexed(STATIC_USER_AGENT, "never indexed")), "user-agent: never indexed");
  }

  /** RFC 7541 6.2.3: literal never indexed, indexed name, Huffman-coded value. */
  @Test
  @H2spec("generic/5/11")
  void neverIndexedWithIndexedNameAndHuffman() throws Exception {
    assertEcho(send(Hpack.block().literalPrefix(0x10, 4, STATIC_CACHE_CONTROL).huffman(HUFFMAN_NO_CACHE)), "cache-control: no-cache");
  }

  /** RFC 7541 6.2.3: literal never indexed, new name, raw strings. */
  @Test
  @H2spec("generic/5/12")
  void neverIndexedWithNewName() throws Exception {
    assertEcho(send(Hpack.block().neverIndexed("x-test", "never indexed")), "x-test: never indexed");
  }

  /** RFC 7541 6.2.3: literal never indexed, new name, Huffman-coded strings. */
  @Test
  @H2spec("generic/5/13")
  void neverIndexedWithNewNameAndHuffman() throws Exception {
    assertEcho(send(Hpack.block().literalPrefix(0x10, 4, 0).huffman(HUFFMAN_CUSTOM_KEY).huffman(HUFFMAN_CUSTOM_VALUE)), "custom-key: custom-value");
  }

  /** RFC 7541 6.3: a dynamic table size update at the start of the block. */
  @Test
  @H2spec("generic/5/14")
  void dynamicTableSizeUpdate() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_STREAM | END_HEADERS, Hpack.block().sizeUpdate(128).raw(block(get())).incremental("x-test", "small table").bytes()));
    assertEcho(client.expectResponse(1), "x-test: small table");
  }

  /** RFC 7541 4.2 and 6.3: two size updates, the smallest then the final one. */
  @Test
  @H2spec("generic/5/15")
  void twoDynamicTableSizeUpdates() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_STREAM | END_HEADERS, Hpack.block().sizeUpdate(128).sizeUpdate(4096).raw(block(get())).bytes()));
    assertEcho(client.expectResponse(1), ":method: GET");
  }

  /** RFC 7541 C.4.1: a Huffman-coded :authority, as browsers send it. */
  @Test
  void huffmanCodedAuthority() throws Exception {
    H2Client client = handshake();
    byte[] fields = Hpack.block()
        .literal(":method", "GET").literal(":scheme", "http").literal(":path", "/")
        .literalPrefix(0x00, 4, Hpack.STATIC_AUTHORITY).huffman(Hpack.HUFFMAN_WWW_EXAMPLE_COM)
        .bytes();
    client.send(Wire.headers(1, END_STREAM | END_HEADERS, fields));
    assertEcho(client.expectResponse(1), ":authority: www.example.com");
  }
}
