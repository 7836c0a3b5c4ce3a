package dev.shuttle.http2.hpack;

import static dev.shuttle.http2.hpack.HpackTestSupport.decode;
import static dev.shuttle.http2.hpack.HpackTestSupport.headers;
import static dev.shuttle.http2.hpack.HpackTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.http2.hpack.HpackTestSupport.Header;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HpackEncoderTest {

  private static byte[] block(HpackEncoder encoder, List<Header> headers) {
    ByteSink out = new ByteSink();
    encoder.beginBlock(out);
    for (Header h : headers) {
      encoder.encodeHeader(h.name(), h.value(), out);
    }
    return out.toByteArray();
  }

  private static byte[] field(HpackEncoder encoder, String name, String value) {
    ByteSink out = new ByteSink();
    encoder.encodeHeader(name, value, out);
    return out.toByteArray();
  }

  private static byte[] beginBlock(HpackEncoder encoder) {
    ByteSink out = new ByteSink();
    encoder.beginBlock(out);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void encodesIntegersAsInRfcAppendixC1() {
    byte[] buf = new byte[6];
    assertEquals(1, HpackEncoder.writeInt(buf, 0, 0xE0, 5, 10));
    assertArrayEquals(hex("ea"), Arrays.copyOf(buf, 1));
    assertEquals(3, HpackEncoder.writeInt(buf, 0, 0, 5, 1337));
    assertArrayEquals(hex("1f 9a 0a"), Arrays.copyOf(buf, 3));
    assertEquals(1, HpackEncoder.writeInt(buf, 0, 0, 8, 42));
    assertArrayEquals(hex("2a"), Arrays.copyOf(buf, 1));
  }

  @Test
  void encodesIntMaxInSixOctets() throws Exception {
    byte[] buf = new byte[6];
    assertEquals(6, HpackEncoder.writeInt(buf, 0, 0x20, 5, Integer.MAX_VALUE));
    // As a size update it must decode back (and be rejected only for exceeding the limit).
    HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE, Integer.MAX_VALUE);
    decode(decoder, buf);
    assertEquals(Integer.MAX_VALUE, decoder.dynamicTableMaxSize());
  }

  @Test
  void reproducesRfcAppendixC4RequestsWithHuffman() {
    HpackEncoder encoder = new HpackEncoder();
    assertArrayEquals(hex(HpackDecoderTest.C4_1), block(encoder, HpackDecoderTest.REQUEST_1));
    assertArrayEquals(hex(HpackDecoderTest.C4_2), block(encoder, HpackDecoderTest.REQUEST_2));
    assertArrayEquals(hex(HpackDecoderTest.C4_3), block(encoder, HpackDecoderTest.REQUEST_3));
    assertEquals(164, encoder.dynamicTableSize());
    assertEquals(3, encoder.dynamicTableLength());
  }

  @Test
  void reproducesRfcAppendixC6ResponsesWithHuffmanAfterA256ByteSizeUpdate() {
    HpackEncoder encoder = new HpackEncoder();
    encoder.setMaxTableSize(256);
    assertArrayEquals(
        concat(hex("3fe101"), hex(HpackDecoderTest.C6_1)),
        block(encoder, HpackDecoderTest.RESPONSE_1));
    assertEquals(222, encoder.dynamicTableSize());
    // "307" is 3 octets either way: on a tie we send it raw (cheaper to decode) where the RFC
    // example used Huffman, so this block matches C.5.2 instead of C.6.2.
    assertArrayEquals(hex(HpackDecoderTest.C5_2), block(encoder, HpackDecoderTest.RESPONSE_2));
    assertEquals(222, encoder.dynamicTableSize());
    assertArrayEquals(hex(HpackDecoderTest.C6_3), block(encoder, HpackDecoderTest.RESPONSE_3));
    assertEquals(215, encoder.dynamicTableSize());
    assertEquals(3, encoder.dynamicTableLength());
  }

  @Test
  void usesStaticIndexForFullMatches() {
    HpackEncoder encoder = new HpackEncoder();
    assertArrayEquals(hex("83"), field(encoder, ":method", "POST"));
    assertArrayEquals(hex("87"), field(encoder, ":scheme", "https"));
    assertArrayEquals(hex("8e"), field(encoder, ":status", "500"));
    assertArrayEquals(hex("90"), field(encoder, "accept-encoding", "gzip, deflate"));
    assertEquals(0, encoder.dynamicTableLength());
  }

  @Test
  void indexesGrpcCallHeadersSoTheSecondCallIsOneOctetPerField() {
    HpackEncoder encoder = new HpackEncoder();
    List<Header> call =
        headers(
            ":method", "POST", ":scheme", "http", ":path", "/helloworld.Greeter/SayHello",
            ":authority", "localhost:50051", "content-type", "application/grpc", "te", "trailers",
            "user-agent", "grpc-java-shuttle/0.1", "grpc-accept-encoding", "gzip",
            "grpc-encoding", "identity", "grpc-status", "0");
    byte[] first = block(encoder, call);
    byte[] second = block(encoder, call);
    assertEquals(call.size(), second.length);
    for (byte b : second) {
      assertTrue((b & 0x80) != 0, "indexed representation");
    }
    assertTrue(second.length * 8 < first.length, first.length + " -> " + second.length);
  }

  @Test
  void repeatedBlocksGetMuchSmallerThanksToIndexing() throws Exception {
    HpackEncoder encoder = new HpackEncoder();
    HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE);
    List<Header> request =
        headers(
            ":method", "POST", ":scheme", "https", ":path", "/pkg.Service/Method",
            ":authority", "api.example.com:443", "content-type", "application/grpc+proto",
            "te", "trailers", "user-agent", "grpc-shuttle/0.1.0", "grpc-timeout", "100m",
            "x-request-tag", "blue");
    byte[] first = block(encoder, request);
    assertEquals(request, decode(decoder, first));
    for (int i = 0; i < 10; i++) {
      byte[] again = block(encoder, request);
      assertEquals(request, decode(decoder, again));
      assertTrue(again.length * 4 < first.length, first.length + " -> " + again.length);
    }
  }

  @Test
  void doesNotIndexContentLengthNorTheNamesItsPolicyLeavesOut() throws Exception {
    HpackEncoder encoder = new HpackEncoder(HpackEncoder.Policy.notIndexing(Set.of("grpc-timeout", "grpc-message")));
    for (int i = 0; i < 2; i++) {
      ByteSink literal = new ByteSink();
      HpackEncoder.encodeStateless("grpc-timeout", "1000m", literal);
      assertArrayEquals(literal.toByteArray(), field(encoder, "grpc-timeout", "1000m"));
      assertEquals(0x00, literal.array()[0], "literal name, without indexing");
      assertArrayEquals(hex("0f 0d 02 3130"), field(encoder, "content-length", "10"));
      assertEquals(0x00, field(encoder, "grpc-message", "not found")[0]);
    }
    assertEquals(0, encoder.dynamicTableLength());
  }

  @Test
  void withoutAPolicyEveryShortFieldButTheSensitiveOnesIsIndexed() {
    HpackEncoder encoder = new HpackEncoder();
    field(encoder, "grpc-timeout", "1000m");
    assertEquals(1, encoder.dynamicTableLength(), "the http2 module knows nothing of grpc-timeout");
    assertArrayEquals(hex("be"), field(encoder, "grpc-timeout", "1000m"), "indexed the second time");
  }

  @Test
  void doesNotIndexValuesLongerThan256Octets() {
    HpackEncoder encoder = new HpackEncoder();
    String longValue = "v".repeat(257);
    byte[] literal = field(encoder, "x-long", longValue);
    assertEquals(0x00, literal[0]);
    assertEquals(0, encoder.dynamicTableLength());
    assertArrayEquals(literal, field(encoder, "x-long", longValue));

    field(encoder, "x-long", "v".repeat(256));
    assertEquals(1, encoder.dynamicTableLength());
    // The name is now in the dynamic table, so a long value can at least reuse it.
    assertArrayEquals(hex("0f 2f"), Arrays.copyOf(field(encoder, "x-long", longValue), 2));
  }

  @Test
  void doesNotIndexAnEntryLargerThanTheTable() {
    HpackEncoder encoder = new HpackEncoder();
    encoder.setMaxTableSize(64);
    beginBlock(encoder);
    field(encoder, "x-a", "b".repeat(29)); // 3 + 29 + 32 = 64: fits exactly
    assertEquals(1, encoder.dynamicTableLength());
    byte[] tooBig = field(encoder, "x-a", "c".repeat(30));
    assertEquals(0x0f, tooBig[0] & 0xff, "literal without indexing, dynamic name index 62");
    assertEquals(1, encoder.dynamicTableLength(), "the existing entry is not evicted");
  }

  @Test
  void usesNeverIndexedLiteralsForCredentialsAndShortCookies() {
    HpackEncoder encoder = new HpackEncoder();
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(hex("1f 08"), Arrays.copyOf(field(encoder, "authorization", "Bearer abc"), 2));
      assertArrayEquals(hex("1f 22"), Arrays.copyOf(field(encoder, "proxy-authorization", "Basic abc"), 2));
      assertArrayEquals(hex("1f 11"), Arrays.copyOf(field(encoder, "cookie", "id=1234567890123456"), 2));
    }
    assertEquals(0, encoder.dynamicTableLength());
    assertEquals(0x60, field(encoder, "cookie", "id=12345678901234567")[0] & 0xff, "20 octets");
    assertEquals(1, encoder.dynamicTableLength());
  }

  @Test
  void sensitiveHeadersAreNeverIndexedButMayReuseADynamicName() throws Exception {
    HpackEncoder encoder = new HpackEncoder();
    HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE);
    ByteSink out = new ByteSink();
    encoder.beginBlock(out);
    encoder.encodeSensitiveHeader("x-api-key", "secret", out);
    encoder.encodeSensitiveHeader("x-api-key", "secret", out);
    encoder.encodeSensitiveHeader(":method", "GET", out);
    byte[] first = out.toByteArray();
    assertEquals(0x10, first[0]);
    assertEquals(0, encoder.dynamicTableLength());
    assertEquals(
        headers("x-api-key", "secret", "x-api-key", "secret", ":method", "GET"),
        decode(decoder, first));

    out.reset();
    encoder.beginBlock(out);
    encoder.encodeHeader("x-api-key", "public", out);
    int mark = out.size();
    encoder.encodeSensitiveHeader("x-api-key", "secret", out);
    assertEquals(0x1f, out.array()[mark]);
    assertEquals(0x2f, out.array()[mark + 1], "dynamic name index 62");
    assertEquals(1, encoder.dynamicTableLength());
    assertEquals(
        headers("x-api-key", "public", "x-api-key", "secret"), decode(decoder, out.toByteArray()));
    assertEquals(1, decoder.dynamicTableLength());
  }

  @Test
  void literalMayReferenceTheNameOfTheEntryItsInsertionEvicts() throws Exception {
    HpackEncoder encoder = new HpackEncoder();
    HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE);
    encoder.setMaxTableSize(64);
    List<Header> first = headers("aaaa", "bbbb");
    List<Header> second = headers("aaaa", "cccc");
    assertEquals(first, decode(decoder, block(encoder, first)));
    byte[] secondBlock = block(encoder, second);
    assertArrayEquals(hex("7e 83 21084f"), secondBlock); // 'c' is 00100
    assertEquals(second, decode(decoder, secondBlock));
    assertEquals(1, encoder.dynamicTableLength());
    assertEquals("cccc", decoder.dynamicValue(1));
  }

  @Test
  void tableSizeZeroNeverIndexes() throws Exception {
    HpackEncoder encoder = new HpackEncoder();
    HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE);
    encoder.setMaxTableSize(0);
    decoder.setMaxTableSize(0);
    byte[] first = block(encoder, HpackDecoderTest.REQUEST_3);
    assertEquals(0x20, first[0]);
    assertEquals(HpackDecoderTest.REQUEST_3, decode(decoder, first));
    byte[] second = block(encoder, HpackDecoderTest.REQUEST_3);
    assertEquals(first.length - 1, second.length, "same literals, no size update");
    assertEquals(HpackDecoderTest.REQUEST_3, decode(decoder, second));
    assertEquals(0, encoder.dynamicTableLength());
    assertEquals(0, decoder.dynamicTableLength());
  }

  // Dynamic table size updates.

  @Test
  void emitsNoSizeUpdateWithoutSettingsChange() {
    HpackEncoder encoder = new HpackEncoder();
    assertEquals(0, beginBlock(encoder).length);
  }

  @Test
  void emitsNoSizeUpdateWhenPeerKeepsOrRaisesAboveTheDefault() {
    HpackEncoder encoder = new HpackEncoder();
    encoder.setMaxTableSize(4096);
    assertEquals(0, beginBlock(encoder).length);
    encoder.setMaxTableSize(65536);
    assertEquals(0, beginBlock(encoder).length);
    assertEquals(4096, encoder.dynamicTableMaxSize());
  }

  @Test
  void emitsOneSizeUpdateWhenTheSizeDecreasesAndOnlyInTheNextBlock() {
    HpackEncoder encoder = new HpackEncoder();
    block(encoder, HpackDecoderTest.REQUEST_3); // :authority (57) and custom-key (54)
    encoder.setMaxTableSize(1024);
    encoder.setMaxTableSize(100);
    assertArrayEquals(hex("3f 45"), beginBlock(encoder));
    assertEquals(100, encoder.dynamicTableMaxSize());
    assertEquals(54, encoder.dynamicTableSize(), "only custom-key: custom-value is left");
    assertEquals(0, beginBlock(encoder).length);
  }

  @Test
  void emitsTheMinimumThenTheFinalSizeWhenTheSizeWentDownAndUp() {
    HpackEncoder encoder = new HpackEncoder();
    block(encoder, HpackDecoderTest.REQUEST_3);
    encoder.setMaxTableSize(0);
    encoder.setMaxTableSize(4096);
    assertArrayEquals(hex("20 3fe11f"), beginBlock(encoder));
    assertEquals(0, encoder.dynamicTableLength());
    assertEquals(4096, encoder.dynamicTableMaxSize());
  }

  @Test
  void emitsTheSmallestOfSeveralChangesThenTheFinal() {
    HpackEncoder encoder = new HpackEncoder();
    encoder.setMaxTableSize(100);
    encoder.setMaxTableSize(50);
    encoder.setMaxTableSize(2000);
    assertArrayEquals(hex("3f13 3fb10f"), beginBlock(encoder));
    assertEquals(2000, encoder.dynamicTableMaxSize());
  }

  @Test
  void emitsOnlyTheFinalSizeWhenItIsTheSmallest() {
    HpackEncoder encoder = new HpackEncoder();
    encoder.setMaxTableSize(2000);
    encoder.setMaxTableSize(50);
    assertArrayEquals(hex("3f13"), beginBlock(encoder));
  }

  @Test
  void emitsAnIncreaseAfterAnEarlierDecrease() {
    HpackEncoder encoder = new HpackEncoder();
    encoder.setMaxTableSize(100);
    assertArrayEquals(hex("3f45"), beginBlock(encoder));
    encoder.setMaxTableSize(8192);
    assertArrayEquals(hex("3fe11f"), beginBlock(encoder));
  }

  @Test
  void rejectsNegativeTableSize() {
    assertThrows(IllegalArgumentException.class, () -> new HpackEncoder().setMaxTableSize(-1));
  }

  // Stateless encoding.

  @Test
  void statelessEncodingUsesOnlyTheStaticTableAndLeavesTheEncoderUntouched() throws Exception {
    HpackEncoder encoder = new HpackEncoder();
    block(encoder, HpackDecoderTest.REQUEST_3);
    int size = encoder.dynamicTableSize();

    ByteSink out = new ByteSink();
    HpackEncoder.encodeStateless(":method", "POST", out);
    HpackEncoder.encodeStateless(":path", "/pkg.Service/Method", out);
    HpackEncoder.encodeStateless("content-type", "application/grpc", out);
    HpackEncoder.encodeStateless("custom-key", "custom-value", out); // in the dynamic table
    HpackEncoder.encodeStateless("authorization", "Bearer t", out);
    byte[] bytes = out.toByteArray();
    assertEquals(size, encoder.dynamicTableSize());
    assertEquals(2, encoder.dynamicTableLength());

    assertEquals((byte) 0x83, bytes[0]);
    assertEquals(0x04, bytes[1], "literal without indexing, static name :path");

    ByteSink again = new ByteSink();
    HpackEncoder.encodeStateless(":method", "POST", again);
    HpackEncoder.encodeStateless(":path", "/pkg.Service/Method", again);
    HpackEncoder.encodeStateless("content-type", "application/grpc", again);
    HpackEncoder.encodeStateless("custom-key", "custom-value", again);
    HpackEncoder.encodeStateless("authorization", "Bearer t", again);
    assertArrayEquals(bytes, again.toByteArray());

    HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE);
    assertEquals(
        headers(
            ":method", "POST", ":path", "/pkg.Service/Method", "content-type", "application/grpc",
            "custom-key", "custom-value", "authorization", "Bearer t"),
        decode(decoder, bytes));
    assertEquals(0, decoder.dynamicTableLength());
  }

  @Test
  void statelessEncodingMarksCredentialsNeverIndexed() {
    ByteSink out = new ByteSink();
    HpackEncoder.encodeStateless("authorization", "Bearer t", out);
    assertEquals(0x1f, out.array()[0]);
    assertEquals(0x08, out.array()[1]);
  }

  @Test
  void statelessBytesInterleaveWithStatefulBlocks() throws Exception {
    ByteSink cache = new ByteSink();
    HpackEncoder.encodeStateless(":method", "POST", cache);
    HpackEncoder.encodeStateless(":scheme", "http", cache);
    HpackEncoder.encodeStateless(":path", "/pkg.Service/Method", cache);
    HpackEncoder.encodeStateless("content-type", "application/grpc", cache);
    byte[] cached = cache.toByteArray();
    List<Header> cachedHeaders =
        headers(
            ":method", "POST", ":scheme", "http", ":path", "/pkg.Service/Method",
            "content-type", "application/grpc");

    HpackEncoder encoder = new HpackEncoder();
    HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE);
    int[] tableSizes = {4096, 0, 4096, 100, 300, 4096};
    for (int i = 0; i < tableSizes.length * 3; i++) {
      if (i % 3 == 0) {
        encoder.setMaxTableSize(tableSizes[i / 3]);
        decoder.setMaxTableSize(tableSizes[i / 3]);
      }
      ByteSink out = new ByteSink();
      encoder.beginBlock(out);
      out.write(cached, 0, cached.length);
      List<Header> expected = new ArrayList<>(cachedHeaders);
      for (Header h : headers(":authority", "svc.local", "x-call", "n" + (i % 2), "te", "trailers")) {
        encoder.encodeHeader(h.name(), h.value(), out);
        expected.add(h);
      }
      HpackEncoder.encodeStateless("grpc-timeout", "5S", out);
      expected.add(new Header("grpc-timeout", "5S"));
      assertEquals(expected, decode(decoder, out.toByteArray()), "block " + i);
      assertEquals(encoder.dynamicTableSize(), decoder.dynamicTableSize(), "block " + i);
    }
  }
}
