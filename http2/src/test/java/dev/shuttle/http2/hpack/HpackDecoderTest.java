package dev.shuttle.http2.hpack;

import static dev.shuttle.http2.hpack.HpackTestSupport.assertDecoderTable;
import static dev.shuttle.http2.hpack.HpackTestSupport.decode;
import static dev.shuttle.http2.hpack.HpackTestSupport.headers;
import static dev.shuttle.http2.hpack.HpackTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.http2.hpack.HpackTestSupport.Header;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HpackDecoderTest {
  private static final int UNLIMITED = Integer.MAX_VALUE;

  // RFC 7541 Appendix C.3 / C.4: three requests on one connection.
  static final String C3_1 = "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d";
  static final String C3_2 = "8286 84be 5808 6e6f 2d63 6163 6865";
  static final String C3_3 =
      "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65";
  static final String C4_1 = "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff";
  static final String C4_2 = "8286 84be 5886 a8eb 1064 9cbf";
  static final String C4_3 = "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf";

  // RFC 7541 Appendix C.5 / C.6: three responses, SETTINGS_HEADER_TABLE_SIZE = 256.
  static final String C5_1 =
      "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
          + "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70"
          + "6c65 2e63 6f6d";
  static final String C5_2 = "4803 3330 37c1 c0bf";
  static final String C5_3 =
      "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
          + "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049"
          + "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e"
          + "3d31";
  static final String C6_1 =
      "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
          + "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3";
  static final String C6_2 = "4883 640e ffc1 c0bf";
  static final String C6_3 =
      "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
          + "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f"
          + "9587 3160 65c0 03ed 4ee5 b106 3d50 07";

  static final List<Header> REQUEST_1 =
      headers(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com");
  static final List<Header> REQUEST_2 =
      headers(
          ":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com",
          "cache-control", "no-cache");
  static final List<Header> REQUEST_3 =
      headers(
          ":method", "GET", ":scheme", "https", ":path", "/index.html",
          ":authority", "www.example.com", "custom-key", "custom-value");
  static final String DATE_1 = "Mon, 21 Oct 2013 20:13:21 GMT";
  static final String DATE_2 = "Mon, 21 Oct 2013 20:13:22 GMT";
  static final String LOCATION = "https://www.example.com";
  static final String COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
  static final List<Header> RESPONSE_1 =
      headers(
          ":status", "302", "cache-control", "private", "date", DATE_1, "location", LOCATION);
  static final List<Header> RESPONSE_2 =
      headers(
          ":status", "307", "cache-control", "private", "date", DATE_1, "location", LOCATION);
  static final List<Header> RESPONSE_3 =
      headers(
          ":status", "200", "cache-control", "private", "date", DATE_2, "location", LOCATION,
          "content-encoding", "gzip", "set-cookie", COOKIE);

  private static HpackDecoder newDecoder() {
    return new HpackDecoder(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE, UNLIMITED);
  }

  private static void assertMalformed(HpackDecoder decoder, String block) {
    byte[] bytes = hex(block);
    assertThrows(HpackException.class, () -> decode(decoder, bytes));
  }

  private static void assertMalformed(String block) {
    assertMalformed(newDecoder(), block);
  }

  @Test
  void decodesRfcAppendixC21LiteralWithIndexing() throws Exception {
    HpackDecoder decoder = newDecoder();
    assertEquals(
        headers("custom-key", "custom-header"),
        decode(decoder, hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572")));
    assertDecoderTable(decoder, 55, "custom-key", "custom-header");
  }

  @Test
  void decodesRfcAppendixC22LiteralWithoutIndexing() throws Exception {
    HpackDecoder decoder = newDecoder();
    assertEquals(
        headers(":path", "/sample/path"),
        decode(decoder, hex("040c 2f73 616d 706c 652f 7061 7468")));
    assertDecoderTable(decoder, 0);
  }

  @Test
  void decodesRfcAppendixC23LiteralNeverIndexed() throws Exception {
    HpackDecoder decoder = newDecoder();
    assertEquals(
        headers("password", "secret"),
        decode(decoder, hex("1008 7061 7373 776f 7264 0673 6563 7265 74")));
    assertDecoderTable(decoder, 0);
  }

  @Test
  void decodesRfcAppendixC24IndexedField() throws Exception {
    HpackDecoder decoder = newDecoder();
    assertEquals(headers(":method", "GET"), decode(decoder, hex("82")));
    assertDecoderTable(decoder, 0);
  }

  @Test
  void decodesRfcAppendixC3RequestsWithoutHuffman() throws Exception {
    HpackDecoder decoder = newDecoder();
    assertEquals(REQUEST_1, decode(decoder, hex(C3_1)));
    assertDecoderTable(decoder, 57, ":authority", "www.example.com");
    assertEquals(REQUEST_2, decode(decoder, hex(C3_2)));
    assertDecoderTable(
        decoder, 110, "cache-control", "no-cache", ":authority", "www.example.com");
    assertEquals(REQUEST_3, decode(decoder, hex(C3_3)));
    assertDecoderTable(
        decoder, 164,
        "custom-key", "custom-value", "cache-control", "no-cache", ":authority", "www.example.com");
  }

  @Test
  void decodesRfcAppendixC4RequestsWithHuffman() throws Exception {
    HpackDecoder decoder = newDecoder();
    assertEquals(REQUEST_1, decode(decoder, hex(C4_1)));
    assertDecoderTable(decoder, 57, ":authority", "www.example.com");
    assertEquals(REQUEST_2, decode(decoder, hex(C4_2)));
    assertDecoderTable(
        decoder, 110, "cache-control", "no-cache", ":authority", "www.example.com");
    assertEquals(REQUEST_3, decode(decoder, hex(C4_3)));
    assertDecoderTable(
        decoder, 164,
        "custom-key", "custom-value", "cache-control", "no-cache", ":authority", "www.example.com");
  }

  @Test
  void decodesRfcAppendixC5ResponsesWithoutHuffmanEvictingFromA256ByteTable() throws Exception {
    assertResponses(C5_1, C5_2, C5_3);
  }

  @Test
  void decodesRfcAppendixC6ResponsesWithHuffmanEvictingFromA256ByteTable() throws Exception {
    assertResponses(C6_1, C6_2, C6_3);
  }

  private static void assertResponses(String first, String second, String third)
      throws Exception {
    HpackDecoder decoder = new HpackDecoder(256, UNLIMITED);
    assertEquals(RESPONSE_1, decode(decoder, hex(first)));
    assertDecoderTable(
        decoder, 222,
        "location", LOCATION, "date", DATE_1, "cache-control", "private", ":status", "302");
    assertEquals(RESPONSE_2, decode(decoder, hex(second)));
    assertDecoderTable(
        decoder, 222,
        ":status", "307", "location", LOCATION, "date", DATE_1, "cache-control", "private");
    assertEquals(RESPONSE_3, decode(decoder, hex(third)));
    assertDecoderTable(
        decoder, 215, "set-cookie", COOKIE, "content-encoding", "gzip", "date", DATE_2);
  }

  @Test
  void decodesBlockWithinALargerArray() throws Exception {
    byte[] block = hex(C4_1);
    byte[] padded = new byte[block.length + 10];
    System.arraycopy(block, 0, padded, 3, block.length);
    List<Header> list = new ArrayList<>();
    newDecoder().decode(padded, 3, block.length, (n, v) -> list.add(new Header(n, v)));
    assertEquals(REQUEST_1, list);
  }

  @Test
  void sharesStaticTableStringInstances() throws Exception {
    List<Header> list = decode(newDecoder(), hex("82 5886 a8eb 1064 9cbf"));
    assertSame(StaticTable.NAMES[2], list.get(0).name());
    assertSame(StaticTable.VALUES[2], list.get(0).value());
    assertSame(StaticTable.NAMES[24], list.get(1).name());
  }

  @Test
  void acceptsEmptyBlock() throws Exception {
    assertEquals(List.of(), decode(newDecoder(), new byte[0]));
  }

  @Test
  void acceptsTwoSizeUpdatesAtStartOfBlock() throws Exception {
    HpackDecoder decoder = newDecoder();
    decode(decoder, hex(C3_1));
    // 0 (flushes the table), then 4096.
    assertEquals(headers(":method", "GET"), decode(decoder, hex("20 3fe11f 82")));
    assertDecoderTable(decoder, 0);
    assertEquals(4096, decoder.dynamicTableMaxSize());
  }

  @Test
  void sizeUpdateEvictsEntriesThatNoLongerFit() throws Exception {
    HpackDecoder decoder = newDecoder();
    decode(decoder, hex(C3_1));
    decode(decoder, hex(C3_2));
    decode(decoder, hex("3f 1f")); // 62: only cache-control: no-cache (53) still fits
    assertDecoderTable(decoder, 53, "cache-control", "no-cache");
  }

  @Test
  void entryLargerThanTheTableEmptiesIt() throws Exception {
    HpackDecoder decoder = new HpackDecoder(60, UNLIMITED);
    decode(decoder, hex(C3_1));
    assertDecoderTable(decoder, 57, ":authority", "www.example.com");
    // custom-key: aaaaaaaaaaaaaaaaaaa is 10 + 19 + 32 = 61 octets.
    List<Header> list = decode(decoder, hex("400a 6375 7374 6f6d 2d6b 6579 13" + "61".repeat(19)));
    assertEquals(headers("custom-key", "a".repeat(19)), list);
    assertDecoderTable(decoder, 0);
  }

  @Test
  void literalMayReferenceTheNameOfTheEntryItsInsertionEvicts() throws Exception {
    HpackDecoder decoder = new HpackDecoder(64, UNLIMITED);
    decode(decoder, hex("40 04 61616161 04 62626262")); // aaaa: bbbb, 40 octets
    assertEquals(headers("aaaa", "cccc"), decode(decoder, hex("7e 04 63636363")));
    assertDecoderTable(decoder, 40, "aaaa", "cccc");
  }

  @Test
  void tableSizeZeroDecodesWithoutIndexing() throws Exception {
    HpackDecoder decoder = new HpackDecoder(0, UNLIMITED);
    assertEquals(REQUEST_1, decode(decoder, hex(C3_1)));
    assertDecoderTable(decoder, 0);
  }

  @Test
  void acceptsRedundantZeroContinuationOctets() throws Exception {
    HpackDecoder decoder = newDecoder();
    decode(decoder, hex("3f 80 00")); // a size update of 31 + 0 + 0
    assertEquals(31, decoder.dynamicTableMaxSize());
  }

  // Errors: each is a COMPRESSION_ERROR.

  @Test
  void rejectsIndexedFieldWithIndexZero() {
    assertMalformed("80");
  }

  @Test
  void rejectsIndexPastStaticTableWhenDynamicTableIsEmpty() {
    assertMalformed("be");
  }

  @Test
  void rejectsIndexPastDynamicTable() throws Exception {
    HpackDecoder decoder = newDecoder();
    decode(decoder, hex(C3_1)); // one dynamic entry: 62 is valid, 63 is not
    decode(decoder, hex("be"));
    assertMalformed(decoder, "bf");
  }

  @Test
  void rejectsLiteralNameIndexPastTable() {
    assertMalformed("7e 01 61");
  }

  @Test
  void rejectsNeverIndexedLiteralNameIndexPastTable() {
    assertMalformed("1f 2f 01 61");
  }

  @Test
  void rejectsSizeUpdateAboveAdvertisedMaximum() {
    assertMalformed("3f e2 1f"); // 4097
  }

  @Test
  void rejectsSizeUpdateAboveLoweredMaximum() {
    HpackDecoder decoder = newDecoder();
    decoder.setMaxTableSize(100);
    assertMalformed(decoder, "3f 46"); // 101
  }

  @Test
  void rejectsSizeUpdateAfterAHeaderField() {
    assertMalformed("82 20");
  }

  @Test
  void rejectsMoreThanTwoSizeUpdates() {
    assertMalformed("20 20 20 82");
  }

  @Test
  void rejectsBlockWithoutSizeUpdateAfterTableSizeWasLowered() throws Exception {
    HpackDecoder decoder = newDecoder();
    decoder.setMaxTableSize(100);
    assertMalformed(decoder, "82");
  }

  @Test
  void requiresSizeUpdateOnlyOnceAfterTableSizeWasLowered() throws Exception {
    HpackDecoder decoder = newDecoder();
    decoder.setMaxTableSize(100);
    assertEquals(headers(":method", "GET"), decode(decoder, hex("3f 45 82"))); // 100
    assertEquals(headers(":method", "GET"), decode(decoder, hex("82")));
  }

  @Test
  void doesNotRequireSizeUpdateWhenTableSizeWasRaised() throws Exception {
    HpackDecoder decoder = newDecoder();
    decoder.setMaxTableSize(8192);
    assertEquals(headers(":method", "GET"), decode(decoder, hex("82")));
    decode(decoder, hex("3f e1 3f")); // 8192 is now allowed
    assertEquals(8192, decoder.dynamicTableMaxSize());
  }

  @Test
  void rejectsIntegerThatOverflowsAnInt() {
    assertMalformed("ff ff ff ff ff 0f");
  }

  @Test
  void rejectsIntegerJustAboveIntMax() {
    // 127 + (2^31 - 127) = 2^31: continuation value 0x7fffff81 in 7-bit groups.
    assertMalformed("ff 81 ff ff ff 07");
  }

  @Test
  void rejectsStringLengthOfIntMaxPastEndOfBlock() {
    // A string length of 2^31 - 1 = 127 + 0x7fffff80: plausible integer, impossible string.
    assertMalformed("00 7f 80 ff ff ff 07");
  }

  @Test
  void rejectsOverlongIntegerEncoding() {
    assertMalformed("ff 80 80 80 80 80 80 00");
  }

  @Test
  void rejectsTruncatedInteger() {
    assertMalformed("ff 80");
  }

  @Test
  void rejectsStringLengthPastEndOfBlock() {
    assertMalformed("40 0a 6375");
  }

  @Test
  void rejectsLiteralWithoutValue() {
    assertMalformed("41");
  }

  @Test
  void rejectsLiteralNameWithoutValue() {
    assertMalformed("40 01 61");
  }

  @Test
  void rejectsHuffmanStringContainingEos() {
    assertMalformed("00 01 61 84 ffffffff");
  }

  @Test
  void rejectsHuffmanStringWithEosAfterASymbol() {
    assertMalformed("00 01 61 85 1fffffffff"); // 'a' 00011, then 30 ones of EOS, then padding
  }

  @Test
  void rejectsHuffmanPaddingLongerThanSevenBits() {
    assertMalformed("00 01 61 82 1fff"); // 'a', then 11 one-bits
  }

  @Test
  void rejectsHuffmanPaddingOfAWholeOctet() {
    assertMalformed("00 01 61 81 ff");
  }

  @Test
  void rejectsHuffmanPaddingThatIsNotAllOnes() {
    assertMalformed("00 01 61 81 18"); // 'a' 00011, then 000
  }

  @Test
  void rejectsHuffmanPaddingWithAZeroBitAfterOnes() {
    assertMalformed("00 01 61 81 1e"); // 'a' 00011, then 110
  }

  // Header list size.

  @Test
  void deliversListExactlyAtTheLimit() throws Exception {
    // 42 + 43 + 38 + 57 = 180
    HpackDecoder decoder = new HpackDecoder(4096, 180);
    assertEquals(REQUEST_1, decode(decoder, hex(C3_1)));
  }

  @Test
  void headerListTooLargeIsReportedAfterTheBlockAndKeepsTheTableInSync() throws Exception {
    HpackDecoder decoder = new HpackDecoder(4096, 100);
    List<Header> delivered = new ArrayList<>();
    byte[] block = hex(C4_1);
    HeaderListTooLargeException e =
        assertThrows(
            HeaderListTooLargeException.class,
            () -> decoder.decode(block, 0, block.length, (n, v) -> delivered.add(new Header(n, v))));
    assertEquals(100, e.limit());
    assertEquals(180, e.size());
    assertEquals(REQUEST_1.subList(0, 2), delivered, "only the fields within the limit");
    assertDecoderTable(decoder, 57, ":authority", "www.example.com");

    decoder.setMaxHeaderListSize(1000);
    assertEquals(REQUEST_2, decode(decoder, hex(C4_2)));
    assertEquals(REQUEST_3, decode(decoder, hex(C4_3)));
    assertTrue(e.getMessage().contains("180"));
  }

  @Test
  void headerListTooLargeStopsDeliveryForGoodEvenIfLaterFieldsAreSmall() throws Exception {
    HpackDecoder decoder = new HpackDecoder(4096, 50);
    List<Header> delivered = new ArrayList<>();
    byte[] block = hex("82 82 82");
    assertThrows(
        HeaderListTooLargeException.class,
        () -> decoder.decode(block, 0, block.length, (n, v) -> delivered.add(new Header(n, v))));
    assertEquals(headers(":method", "GET"), delivered);
  }

  @Test
  void headerListTooLargeCountsFieldsPastTheLimitWithoutDeliveringThem() throws Exception {
    HpackDecoder decoder = new HpackDecoder(4096, 50);
    List<Header> delivered = new ArrayList<>();
    // C.4.1 (180), password: secret never indexed (46), content-length: www.example.com
    // without indexing, Huffman (61).
    byte[] block =
        hex(C4_1 + "1008 7061 7373 776f 7264 0673 6563 7265 74" + "0f0d 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff");
    HeaderListTooLargeException e =
        assertThrows(
            HeaderListTooLargeException.class,
            () -> decoder.decode(block, 0, block.length, (n, v) -> delivered.add(new Header(n, v))));
    assertEquals(180 + 46 + 61, e.size());
    assertEquals(headers(":method", "GET"), delivered);
    assertDecoderTable(decoder, 57, ":authority", "www.example.com");
  }

  @Test
  void rejectsMalformedLiteralsPastTheHeaderListLimit() {
    HpackDecoder decoder = new HpackDecoder(4096, 10);
    assertMalformed(decoder, "82 00 01 61 81 ff"); // bad Huffman padding
    assertMalformed(new HpackDecoder(4096, 10), "82 00 01 61 84 ffffffff"); // EOS
    assertMalformed(new HpackDecoder(4096, 10), "82 00 05 61"); // past the block
    assertMalformed(new HpackDecoder(4096, 10), "82 0f 2f 01 61"); // name index past the table
  }

  @Test
  void rejectsNegativeSettings() {
    assertThrows(IllegalArgumentException.class, () -> new HpackDecoder(-1, 10));
    assertThrows(IllegalArgumentException.class, () -> new HpackDecoder(10, -1));
    assertThrows(IllegalArgumentException.class, () -> newDecoder().setMaxTableSize(-1));
    assertThrows(IllegalArgumentException.class, () -> newDecoder().setMaxHeaderListSize(-1));
  }

  @Test
  void rejectsOutOfBoundsSlice() {
    assertThrows(
        IndexOutOfBoundsException.class, () -> newDecoder().decode(new byte[4], 2, 3, (n, v) -> {}));
  }

  /** A field taken from a table carries the syntax verdict its entry got once, when it was added. */
  @Test
  void fieldsFromTheTablesCarryTheirSyntaxVerdictAndLiteralsAreLeftToTheSink() throws Exception {
    HpackDecoder decoder = new HpackDecoder(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE, UNLIMITED);
    List<String> seen = new ArrayList<>();
    HeaderSink sink = new HeaderSink() {
      @Override
      public void onHeader(String name, String value) {
        throw new AssertionError("the decoder reports the verdict");
      }

      @Override
      public void onHeader(String name, String value, boolean wellFormed) {
        seen.add(name + "=" + value + ":" + wellFormed);
      }
    };
    // Static :method GET; literals with indexing "x-ok: fine" and "X-Bad: v"; a literal without
    // indexing "x-lit: v"; then both dynamic entries by index (62 = newest = X-Bad).
    byte[] first = hex("82 4004 782d 6f6b 0466 696e 65 4005 582d 4261 6401 76 0005 782d 6c69 7401 76");
    decoder.decode(first, 0, first.length, sink);
    byte[] second = hex("bf be");
    decoder.decode(second, 0, second.length, sink);
    assertEquals(List.of(":method=GET:true", "x-ok=fine:true", "X-Bad=v:false", "x-lit=v:false",
        "x-ok=fine:true", "X-Bad=v:false"), seen);

    // The verdicts follow their entries when the table's ring grows past its first 16 slots.
    seen.clear();
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      many.append(i % 2 == 0 ? "4003 782d 61" : "4003 582d 41").append(String.format("01 %02x ", 'a' + i));
    }
    byte[] grow = hex(many.toString());
    decoder.decode(grow, 0, grow.length, sink);
    seen.clear();
    byte[] back = hex("be bf"); // 62: the last added (i = 19, "X-A"), 63: the one before ("x-a")
    decoder.decode(back, 0, back.length, sink);
    assertEquals(List.of("X-A=t:false", "x-a=s:true"), seen);
  }
}
