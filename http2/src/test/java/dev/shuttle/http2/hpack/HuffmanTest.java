package dev.shuttle.http2.hpack;

import static dev.shuttle.http2.hpack.HpackTestSupport.hex;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HuffmanTest {

  private static byte[] encode(String s) {
    byte[] out = new byte[(int) Huffman.encodedLength(s)];
    int end = Huffman.encode(s, out, 0);
    assertEquals(out.length, end, "encodedLength agrees with encode");
    return out;
  }

  private static String decode(byte[] encoded) throws HpackException {
    byte[] dst = new byte[(int) Huffman.decodeBufferSize(encoded.length)];
    int n = Huffman.decode(encoded, 0, encoded.length, dst);
    return new String(dst, 0, n, ISO_8859_1);
  }

  @Test
  void codeTableIsTheCanonicalCodeForItsLengths() {
    // RFC 7541's code is canonical: ordered by (length, symbol), each code is the previous plus
    // one, shifted left when the length grows. A transcription error in either table breaks this.
    Integer[] symbols = IntStream.rangeClosed(0, Huffman.EOS).boxed().toArray(Integer[]::new);
    Arrays.sort(symbols, Comparator.comparingInt((Integer s) -> Huffman.LENGTHS[s]).thenComparing(s -> s));
    long code = 0;
    int previousLength = Huffman.LENGTHS[symbols[0]];
    for (int i = 0; i < symbols.length; i++) {
      int sym = symbols[i];
      int length = Huffman.LENGTHS[sym];
      if (i > 0) {
        code = (code + 1) << (length - previousLength);
      }
      assertEquals(code, Huffman.CODES[sym], "code of symbol " + sym);
      previousLength = length;
    }
    assertEquals((1L << 30) - 1, code, "the last code is 30 ones: EOS");
  }

  @Test
  void codeTableIsComplete() {
    long kraft = 0; // sum of 2^(30 - length): exactly 2^30 for a complete prefix code
    for (int sym = 0; sym <= Huffman.EOS; sym++) {
      kraft += 1L << (30 - Huffman.LENGTHS[sym]);
    }
    assertEquals(1L << 30, kraft);
  }

  @Test
  void codeTableMatchesSpotChecksFromRfcAppendixB() {
    assertEquals(0x1ff8, Huffman.CODES[0]);
    assertEquals(13, Huffman.LENGTHS[0]);
    assertEquals(0x14, Huffman.CODES[' ']);
    assertEquals(0x0, Huffman.CODES['0']);
    assertEquals(0x3, Huffman.CODES['a']);
    assertEquals(0x7b, Huffman.CODES['z']);
    assertEquals(0x3ffffffc, Huffman.CODES[10]);
    assertEquals(30, Huffman.LENGTHS[10]);
    assertEquals(0xffffffc, Huffman.CODES[127]);
    assertEquals(0x3ffffee, Huffman.CODES[255]);
    assertEquals(26, Huffman.LENGTHS[255]);
    assertEquals(0x3fffffff, Huffman.CODES[Huffman.EOS]);
  }

  @Test
  void roundTripsEveryByteValueAlone() throws HpackException {
    for (int b = 0; b < 256; b++) {
      String s = String.valueOf((char) b);
      assertEquals(s, decode(encode(s)), "byte " + b);
    }
  }

  @Test
  void roundTripsAllByteValuesInOneString() throws HpackException {
    StringBuilder sb = new StringBuilder();
    for (int b = 0; b < 256; b++) {
      sb.append((char) b);
    }
    for (int b = 255; b >= 0; b--) {
      sb.append((char) b);
    }
    String s = sb.toString();
    assertEquals(s, decode(encode(s)));
  }

  @Test
  void roundTripsRandomStrings() throws HpackException {
    Random random = new Random(7541);
    for (int i = 0; i < 5000; i++) {
      char[] chars = new char[random.nextInt(64)];
      boolean textual = random.nextBoolean();
      for (int j = 0; j < chars.length; j++) {
        chars[j] = (char) (textual ? 32 + random.nextInt(95) : random.nextInt(256));
      }
      String s = new String(chars);
      byte[] encoded = encode(s);
      assertEquals(s, decode(encoded));
      assertEquals(s.length(), Huffman.decodedLength(encoded, 0, encoded.length));
    }
  }

  @Test
  void encodesAndDecodesStringsOfRfcAppendixC() throws HpackException {
    String[][] vectors = {
      {"www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff"},
      {"no-cache", "a8eb 1064 9cbf"},
      {"custom-key", "25a8 49e9 5ba9 7d7f"},
      {"custom-value", "25a8 49e9 5bb8 e8b4 bf"},
      {"302", "6402"},
      {"307", "640e ff"},
      {"private", "aec3 771a 4b"},
      {"Mon, 21 Oct 2013 20:13:21 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff"},
      {"Mon, 21 Oct 2013 20:13:22 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff"},
      {"https://www.example.com", "9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3"},
      {"gzip", "9bd9 ab"},
      {
        "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
        "94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160"
            + "65c0 03ed 4ee5 b106 3d50 07"
      },
    };
    for (String[] v : vectors) {
      assertArrayEquals(hex(v[1]), encode(v[0]), v[0]);
      assertEquals(v[0], decode(hex(v[1])));
    }
  }

  @Test
  void decodesEmptyString() throws HpackException {
    assertEquals("", decode(new byte[0]));
    assertEquals(0, encode("").length);
  }

  @Test
  void acceptsPaddingOfUpToSevenOnes() throws HpackException {
    assertEquals("a", decode(hex("1f"))); // 00011 + 111
    assertEquals("0", decode(hex("07"))); // 00000 + 111
    // '&' is 8 bits: no padding at all; two '0's: 10 bits + 6 ones.
    assertEquals("&", decode(hex("f8")));
    assertEquals("00", decode(hex("003f")));
  }

  private static void assertInvalid(String encoded) {
    byte[] bytes = hex(encoded);
    assertThrows(HpackException.class, () -> decode(bytes));
    assertThrows(HpackException.class, () -> Huffman.decodedLength(bytes, 0, bytes.length));
  }

  @Test
  void rejectsEosSymbol() {
    assertInvalid("ffffffff");
    assertInvalid("1fffffffff");
  }

  @Test
  void rejectsPaddingLongerThanSevenBits() {
    assertInvalid("ff");
    assertInvalid("1fff");
  }

  @Test
  void rejectsPaddingThatIsNotAPrefixOfEos() {
    assertInvalid("18");
    assertInvalid("1e");
    assertInvalid("00"); // '0' + 000
  }

  @Test
  void huffmanIsShorterForTypicalHeaderText() {
    for (String s : new String[] {"application/grpc", "www.example.com", "/helloworld.Greeter/SayHello"}) {
      assertTrue(Huffman.encodedLength(s) < s.length(), s);
    }
    assertTrue(Huffman.encodedLength("\u0000\u0001\u00ff") > 3);
  }
}
