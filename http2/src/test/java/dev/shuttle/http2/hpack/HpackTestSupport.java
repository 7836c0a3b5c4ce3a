package dev.shuttle.http2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Helpers shared by the HPACK tests. */
final class HpackTestSupport {
  private HpackTestSupport() {}

  /** Parses hex as printed in RFC 7541 Appendix C, ignoring whitespace. */
  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** Builds a header list from alternating names and values. */
  static List<Header> headers(String... namesAndValues) {
    List<Header> list = new ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      list.add(new Header(namesAndValues[i], namesAndValues[i + 1]));
    }
    return list;
  }

  static List<Header> decode(HpackDecoder decoder, byte[] block)
      throws HpackException, HeaderListTooLargeException {
    List<Header> list = new ArrayList<>();
    decoder.decode(block, 0, block.length, (n, v) -> list.add(new Header(n, v)));
    return list;
  }

  /** Checks the decoder's dynamic table, newest first, against alternating names and values. */
  static void assertDecoderTable(HpackDecoder decoder, int size, String... namesAndValues) {
    List<Header> expected = headers(namesAndValues);
    List<Header> actual = new ArrayList<>();
    for (int i = 1; i <= decoder.dynamicTableLength(); i++) {
      actual.add(new Header(decoder.dynamicName(i), decoder.dynamicValue(i)));
    }
    assertEquals(expected, actual, "dynamic table entries");
    assertEquals(size, decoder.dynamicTableSize(), "dynamic table size");
  }

  record Header(String name, String value) {
    @Override
    public String toString() {
      return name + ": " + value;
    }
  }
}
