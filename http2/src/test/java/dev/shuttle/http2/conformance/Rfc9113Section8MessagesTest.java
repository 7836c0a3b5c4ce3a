package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Wire.END_HEADERS;
import static dev.shuttle.http2.conformance.Wire.END_STREAM;
import static dev.shuttle.http2.conformance.Wire.PROTOCOL_ERROR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 9113 section 8: HTTP message exchanges. A malformed request (8.1.1) is a stream error of
 * type PROTOCOL_ERROR: the server resets that stream, answers nothing on it, and the connection
 * goes on (each test checks that with a PING).
 *
 * <p>h2spec numbers these cases after RFC 7540 (8.1.2.x); RFC 9113 moved them: field validity
 * to 8.2.1, connection-specific fields to 8.2.2, pseudo-header fields to 8.3 and 8.3.1, malformed
 * messages to 8.1.1, server push to 8.4.
 */
class Rfc9113Section8MessagesTest extends ConformanceTest {

  /** Sends one request of these fields with END_STREAM and expects RST_STREAM(PROTOCOL_ERROR) alone. */
  private void assertMalformed(String... fields) throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_STREAM | END_HEADERS, block(fields)));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.expectNothingElse();
  }

  // ---------------------------------------------------------------------------------------------
  // 8.1 Request/response exchange

  /**
   * RFC 9113 8.1: after the request headers, a second field section is the trailer section and
   * must end the stream; one without END_STREAM makes the request malformed.
   */
  @Test
  @H2spec("http2/8.1/1")
  void trailersWithoutEndStreamGetRstProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.data(1, false, "test"), Wire.headers(1, END_HEADERS, block("x-test", "ok")));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.expectNothingElse();
  }

  /**
   * RFC 9113 8.1: a server may answer before the request is complete, and then ask the client to
   * stop sending with RST_STREAM(NO_ERROR); what the client still sends on it is ignored.
   */
  @Test
  void earlyResponseIsFollowedByRstStreamNoError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_HEADERS, block(request("POST", EchoHandler.EARLY))));
    assertEquals("200", client.expectResponse(1).status());
    client.expectRstStream(1, Wire.NO_ERROR);
    client.send(Wire.data(1, true, "too late"));
    client.expectNothingElse();
  }

  /** RFC 9113 8.1 and 8.2: trailers are checked like any field section. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"connection, close", "X-Upper, case", "x-nul, a\u0000b"})
  void malformedTrailersGetRstProtocolError(String name, String value) throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.data(1, false, "test"), Wire.headers(1, END_STREAM | END_HEADERS, block(name, value)));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.expectNothingElse();
  }

  // ---------------------------------------------------------------------------------------------
  // 8.2.1 Field validity (RFC 7540 8.1.2)

  /** RFC 9113 8.2.1: field names are lower case in HTTP/2; an upper-case letter makes the request malformed. */
  @Test
  @H2spec("http2/8.1.2/1")
  void upperCaseFieldNameGetsRstProtocolError() throws Exception {
    assertMalformed(with(get(), "X-TEST", "ok"));
  }

  /**
   * RFC 9113 8.2.1: a field name must not contain 0x00-0x20, upper case, 0x7f-0xff, nor (but for
   * pseudo-header fields) a colon; nor may it be empty.
   */
  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"x test", "x\ttest", "x:test", "x\u007ftest", "x\u00e9test", "x\u0000test", ""})
  void invalidCharacterInAFieldNameGetsRstProtocolError(String name) throws Exception {
    assertMalformed(with(get(), name, "ok"));
  }

  /** RFC 9113 8.2.1: a field value must not contain NUL, CR or LF anywhere. */
  @ParameterizedTest(name = "U+{0}")
  @ValueSource(ints = {0x00, 0x0a, 0x0d})
  void nulCrOrLfInAFieldValueGetsRstProtocolError(int c) throws Exception {
    assertMalformed(with(get(), "x-test", "a" + (char) c + "b"));
  }

  /** RFC 9113 8.2.1: a field value must not start or end with a space or a horizontal tab. */
  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {" leading", "trailing ", "\tleading", "trailing\t", " "})
  void whitespaceAtTheEdgesOfAFieldValueGetsRstProtocolError(String value) throws Exception {
    assertMalformed(with(get(), "x-test", value));
  }

  /** RFC 9113 8.2.1: the rule holds for pseudo-header fields too. */
  @Test
  void whitespaceAroundAPseudoHeaderValueGetsRstProtocolError() throws Exception {
    assertMalformed(request("GET ", "/"));
  }

  /** RFC 9113 8.2.1: other octets are fine in a value, tabs, spaces and obs-text included. */
  @Test
  void valueWithInnerWhitespaceAndObsTextIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_STREAM | END_HEADERS, block(with(get(), "x-test", "a b\tc \u00e9"))));
    String body = client.expectResponse(1).bodyText();
    assertTrue(body.contains("x-test: a b\tc \u00e9\n"), body);
  }

  /**
   * RFC 9113 8.2.1 with RFC 7541 6.1: a field is checked however it arrives. One that entered the
   * dynamic table in a malformed request is malformed again each time a later request repeats it
   * by index, while a well-formed entry repeated by index is served.
   */
  @ParameterizedTest(name = "{0}: \"{1}\"")
  @CsvSource({"X-Upper, ok", "x-edge, 'trailing '", "x:colon, ok"})
  void aMalformedFieldRepeatedFromTheDynamicTableIsStillMalformed(String name, String value) throws Exception {
    int firstDynamic = Hpack.STATIC_TABLE_LENGTH + 1;
    H2Client client = handshake();
    client.send(Wire.headers(1, END_STREAM | END_HEADERS, Hpack.block().raw(block(get())).incremental(name, value).bytes()));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.send(Wire.headers(3, END_STREAM | END_HEADERS, Hpack.block().raw(block(get())).indexed(firstDynamic).bytes()));
    client.expectRstStream(3, PROTOCOL_ERROR);
    client.send(Wire.headers(5, END_STREAM | END_HEADERS,
        Hpack.block().raw(block(get())).incremental("x-good", "fine").bytes()));
    assertTrue(client.expectResponse(5).bodyText().contains("x-good: fine\n"));
    client.send(Wire.headers(7, END_STREAM | END_HEADERS, Hpack.block().raw(block(get())).indexed(firstDynamic).bytes()));
    assertTrue(client.expectResponse(7).bodyText().contains("x-good: fine\n"));
    client.send(Wire.headers(9, END_STREAM | END_HEADERS, Hpack.block().raw(block(get())).indexed(firstDynamic + 1).bytes()));
    client.expectRstStream(9, PROTOCOL_ERROR);
    client.expectNothingElse();
  }

  // ---------------------------------------------------------------------------------------------
  // 8.2.2 Connection-specific fields (RFC 7540 8.1.2.2)

  /** RFC 9113 8.2.2: connection-specific fields make a request malformed. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "connection, keep-alive",
    "keep-alive, timeout=5",
    "proxy-connection, keep-alive",
    "transfer-encoding, chunked",
    "upgrade, h2c",
  })
  @H2spec("http2/8.1.2.2/1")
  void connectionSpecificFieldGetsRstProtocolError(String name, String value) throws Exception {
    assertMalformed(with(get(), name, value));
  }

  /** RFC 9113 8.2.2: TE may be present, but with no value other than "trailers". */
  @Test
  @H2spec("http2/8.1.2.2/2")
  void teOtherThanTrailersGetsRstProtocolError() throws Exception {
    assertMalformed(with(get(), "trailers", "test", "te", "trailers, deflate"));
  }

  /** RFC 9113 8.2.2: "te: trailers" is allowed (gRPC sends it on every call). */
  @Test
  void teTrailersIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_STREAM | END_HEADERS, block(with(get(), "te", "trailers"))));
    assertEquals("200", client.expectResponse(1).status());
  }

  // ---------------------------------------------------------------------------------------------
  // 8.3 Pseudo-header fields (RFC 7540 8.1.2.1)

  /** RFC 9113 8.3: a pseudo-header field that is not defined makes the request malformed. */
  @Test
  @H2spec("http2/8.1.2.1/1")
  void unknownPseudoHeaderFieldGetsRstProtocolError() throws Exception {
    assertMalformed(with(get(), ":test", "ok"));
  }

  /** RFC 9113 8.3: response pseudo-header fields must not appear in requests. */
  @Test
  @H2spec("http2/8.1.2.1/2")
  void responsePseudoHeaderFieldInARequestGetsRstProtocolError() throws Exception {
    assertMalformed(with(get(), ":status", "200"));
  }

  /** RFC 9113 8.3: pseudo-header fields must not appear in trailers. */
  @Test
  @H2spec("http2/8.1.2.1/3")
  void pseudoHeaderFieldInTrailersGetsRstProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(postHeaders(1), Wire.data(1, false, "test"), Wire.headers(1, END_STREAM | END_HEADERS, block(":method", "POST")));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.expectNothingElse();
  }

  /** RFC 9113 8.3: pseudo-header fields come before every regular field. */
  @Test
  @H2spec("http2/8.1.2.1/4")
  void pseudoHeaderFieldAfterARegularFieldGetsRstProtocolError() throws Exception {
    assertMalformed(with(new String[] {"x-test", "ok"}, get()));
  }

  // ---------------------------------------------------------------------------------------------
  // 8.3.1 Request pseudo-header fields (RFC 7540 8.1.2.3)

  /** RFC 9113 8.3.1: :path must not be empty for http or https URIs (the root is "/"). */
  @Test
  @H2spec("http2/8.1.2.3/1")
  void emptyPathGetsRstProtocolError() throws Exception {
    assertMalformed(request("GET", ""));
  }

  /** RFC 9113 8.3.1: for http and https, :path is an absolute path: it starts with "/". */
  @Test
  void pathThatIsNotAnAbsolutePathGetsRstProtocolError() throws Exception {
    assertMalformed(request("GET", "index.html"));
  }

  /** RFC 9113 8.3.1: "*" is the :path of an OPTIONS request for the server as a whole, and of nothing else. */
  @Test
  void asteriskPathIsForOptionsOnly() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_STREAM | END_HEADERS, block(request("OPTIONS", "*"))));
    assertEquals("200", client.expectResponse(1).status());
    client.send(Wire.headers(3, END_STREAM | END_HEADERS, block(request("GET", "*"))));
    client.expectRstStream(3, PROTOCOL_ERROR);
    client.expectNothingElse();
  }

  /** RFC 9113 8.3.1: a request without :method is malformed. */
  @Test
  @H2spec("http2/8.1.2.3/2")
  void requestWithoutMethodGetsRstProtocolError() throws Exception {
    assertMalformed(":scheme", "http", ":path", "/", ":authority", AUTHORITY);
  }

  /** RFC 9113 8.3.1: a request without :scheme is malformed (unless it is a CONNECT). */
  @Test
  @H2spec("http2/8.1.2.3/3")
  void requestWithoutSchemeGetsRstProtocolError() throws Exception {
    assertMalformed(":method", "GET", ":path", "/", ":authority", AUTHORITY);
  }

  /** RFC 9113 8.3.1: a request without :path is malformed (unless it is a CONNECT). */
  @Test
  @H2spec("http2/8.1.2.3/4")
  void requestWithoutPathGetsRstProtocolError() throws Exception {
    assertMalformed(":method", "GET", ":scheme", "http", ":authority", AUTHORITY);
  }

  /** RFC 9113 8.3.1: exactly one :method. */
  @Test
  @H2spec("http2/8.1.2.3/5")
  void duplicateMethodGetsRstProtocolError() throws Exception {
    assertMalformed(with(get(), ":method", "GET"));
  }

  /** RFC 9113 8.3.1: exactly one :scheme. */
  @Test
  @H2spec("http2/8.1.2.3/6")
  void duplicateSchemeGetsRstProtocolError() throws Exception {
    assertMalformed(with(get(), ":scheme", "http"));
  }

  /** RFC 9113 8.3.1: exactly one :path. */
  @Test
  @H2spec("http2/8.1.2.3/7")
  void duplicatePathGetsRstProtocolError() throws Exception {
    assertMalformed(with(get(), ":path", "/"));
  }

  // ---------------------------------------------------------------------------------------------
  // 8.1.1 Malformed messages: content-length (RFC 7540 8.1.2.6)


  /** RFC 9113 8.1.1: a content-length that differs from the DATA octets makes the request malformed. */
  @Test
  @H2spec("http2/8.1.2.6/1")
  void contentLengthOtherThanTheDataGetsRstProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_HEADERS, block(with(post(), "content-length", "1"))), Wire.data(1, true, "test"));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.expectNothingElse();
  }

  /** RFC 9113 8.1.1: the same when the body spans several DATA frames. */
  @Test
  @H2spec("http2/8.1.2.6/2")
  void contentLengthOtherThanTheSumOfSeveralDataFramesGetsRstProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(
        Wire.headers(1, END_HEADERS, block(with(post(), "content-length", "1"))),
        Wire.data(1, false, "test"),
        Wire.data(1, true, "test"));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.expectNothingElse();
  }

  /** RFC 9113 8.1.1: fewer DATA octets than content-length, then END_STREAM, is just as malformed. */
  @Test
  void contentLengthAboveTheDataGetsRstProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.headers(1, END_HEADERS, block(with(post(), "content-length", "10"))), Wire.data(1, true, "test"));
    client.expectRstStream(1, PROTOCOL_ERROR);
    client.expectNothingElse();
  }

  /** RFC 9113 8.1.1: END_STREAM on the request's HEADERS is a body of 0 octets, not the 5 declared. */
  @Test
  void contentLengthOnARequestWithoutBodyGetsRstProtocolError() throws Exception {
    assertMalformed(with(post(), "content-length", "5"));
  }

  /**
   * RFC 9113 8.1.1 with RFC 9110 8.6: content-length is a number of octets; a value that is not
   * can match no body, so the request is malformed before any DATA arrives.
   */
  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"abc", "-1", "+4", "4.0", "0x10", ""})
  void contentLengthThatIsNotANumberGetsRstProtocolError(String value) throws Exception {
    assertMalformed(with(get(), "content-length", value));
  }

  /** RFC 9113 8.1.1 with RFC 9110 8.6: two different content-length values cannot both match the body. */
  @Test
  void twoDifferentContentLengthsGetRstProtocolError() throws Exception {
    assertMalformed(with(get(), "content-length", "0", "content-length", "1"));
  }

  /**
   * RFC 9110 8.6: a repeated content-length with the same value MAY be taken as one; Shuttle
   * does so.
   */
  @Test
  void sameContentLengthTwiceIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(
        Wire.headers(1, END_HEADERS, block(with(post(), "content-length", "4", "content-length", "4"))),
        Wire.data(1, true, "test"));
    assertEquals("200", client.expectResponse(1).status());
  }

  /** RFC 9113 8.1.1: a content-length that matches the DATA is fine. */
  @Test
  void contentLengthEqualToTheDataIsAccepted() throws Exception {
    H2Client client = handshake();
    client.send(
        Wire.headers(1, END_HEADERS, block(with(post(), "content-length", "8"))),
        Wire.data(1, false, "test"),
        Wire.data(1, true, "test"));
    String body = client.expectResponse(1).bodyText();
    assertTrue(body.contains("body: 8 bytes"), body);
  }

  // ---------------------------------------------------------------------------------------------
  // 8.4 Server push (RFC 7540 8.2)

  /** RFC 9113 8.4: a client cannot push; a PUSH_PROMISE from it is a connection error PROTOCOL_ERROR. */
  @Test
  @H2spec("http2/8.2/1")
  void pushPromiseFromTheClientGetsGoAwayProtocolError() throws Exception {
    H2Client client = handshake();
    client.send(Wire.pushPromise(1, END_HEADERS, 3, block(get())));
    client.expectGoAway(PROTOCOL_ERROR);
  }

  // ---------------------------------------------------------------------------------------------
  // What the server sends

  /**
   * RFC 9113 8.3.2 and 8.2: the response starts with :status, a three-digit code, before any
   * regular field; every name is lower case; no connection-specific field.
   */
  @Test
  void responseHeadersAreWellFormed() throws Exception {
    H2Client client = handshake();
    client.send(getRequest(1));
    H2Client.Frame headers = client.expectResponse(1).headers();
    assertEquals(":status", headers.fields().get(0).getKey());
    assertTrue(headers.fields().get(0).getValue().matches("[1-5][0-9][0-9]"), headers.toString());
    boolean regular = false;
    for (Map.Entry<String, String> f : headers.fields()) {
      String name = f.getKey();
      assertTrue(name.equals(name.toLowerCase(java.util.Locale.ROOT)), "upper case in " + name);
      if (name.startsWith(":")) {
        assertTrue(!regular && name.equals(":status"), "pseudo-header " + name + " in " + headers);
      } else {
        regular = true;
        assertTrue(!java.util.Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade").contains(name), name);
      }
    }
  }
}
