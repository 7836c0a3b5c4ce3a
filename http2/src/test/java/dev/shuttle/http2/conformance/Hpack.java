package dev.shuttle.http2.conformance;

import java.io.ByteArrayOutputStream;

/**
 * The conformance client's HPACK encoder (RFC 7541), written from the RFC and independent of
 * Shuttle's HpackEncoder: every representation of section 6 can be written by hand, so a test says
 * exactly which octets go out. Requests normally use literals without indexing (section 6.2.2),
 * which leave the server's dynamic table untouched; the HPACK tests use the other forms.
 *
 * <p>Huffman-coded strings (section 5.2) are not computed here: the tests use strings whose codes
 * RFC 7541 Appendix C prints, and build malformed codes from those bits.
 */
final class Hpack {
  /** RFC 7541 C.4.1: "www.example.com", Huffman-coded. */
  static final byte[] HUFFMAN_WWW_EXAMPLE_COM = hex("f1e3 c2e5 f23a 6ba0 ab90 f4ff");
  /** RFC 7541 C.4.2: "no-cache", Huffman-coded (43 bits of codes, 5 bits of padding). */
  static final byte[] HUFFMAN_NO_CACHE = hex("a8eb 1064 9cbf");
  /** RFC 7541 C.4.3: "custom-key", Huffman-coded (57 bits of codes, 7 one-bits of padding). */
  static final byte[] HUFFMAN_CUSTOM_KEY = hex("25a8 49e9 5ba9 7d7f");
  /** RFC 7541 C.4.3: "custom-value", Huffman-coded. */
  static final byte[] HUFFMAN_CUSTOM_VALUE = hex("25a8 49e9 5bb8 e8b4 bf");

  /** RFC 7541 Appendix A: static table indices used by the tests. */
  static final int STATIC_AUTHORITY = 1;
  static final int STATIC_METHOD_GET = 2;
  static final int STATIC_METHOD_POST = 3;
  static final int STATIC_PATH_ROOT = 4;
  static final int STATIC_SCHEME_HTTP = 6;
  static final int STATIC_CACHE_CONTROL = 24;
  static final int STATIC_USER_AGENT = 58;
  static final int STATIC_TABLE_LENGTH = 61;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Starts a field block. */
  static Hpack block() {
    return new Hpack();
  }

  /** A field block of literals without indexing, new names, raw strings: name, value, name, value... */
  static byte[] fields(String... nameValues) {
    Hpack b = block();
    for (int i = 0; i < nameValues.length; i += 2) {
      b.literal(nameValues[i], nameValues[i + 1]);
    }
    return b.bytes();
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** Octets as they are, for representations this class has no method for. */
  Hpack raw(byte[] octets) {
    out.writeBytes(octets);
    return this;
  }

  /** Section 6.1: indexed header field. */
  Hpack indexed(int index) {
    integer(0x80, 7, index);
    return this;
  }

  /** Section 6.2.1: literal with incremental indexing, new name. */
  Hpack incremental(String name, String value) {
    integer(0x40, 6, 0);
    string(name);
    string(value);
    return this;
  }

  /** Section 6.2.1: literal with incremental indexing, indexed name, value octets as given. */
  Hpack incremental(int nameIndex, String value) {
    integer(0x40, 6, nameIndex);
    string(value);
    return this;
  }

  /** Section 6.2.2: literal without indexing, new name. */
  Hpack literal(String name, String value) {
    integer(0x00, 4, 0);
    string(name);
    string(value);
    return this;
  }

  /** Section 6.2.2: literal without indexing, indexed name. */
  Hpack literal(int nameIndex, String value) {
    integer(0x00, 4, nameIndex);
    string(value);
    return this;
  }

  /** Section 6.2.3: literal never indexed, new name. */
  Hpack neverIndexed(String name, String value) {
    integer(0x10, 4, 0);
    string(name);
    string(value);
    return this;
  }

  /** Section 6.2.3: literal never indexed, indexed name. */
  Hpack neverIndexed(int nameIndex, String value) {
    integer(0x10, 4, nameIndex);
    string(value);
    return this;
  }

  /**
   * The first octet (the representation, with a 4- or 6-bit index prefix) of a literal whose
   * strings follow through {@link #string} or {@link #huffman}.
   */
  Hpack literalPrefix(int pattern, int prefixBits, int nameIndex) {
    integer(pattern, prefixBits, nameIndex);
    return this;
  }

  /** Section 6.3: dynamic table size update. */
  Hpack sizeUpdate(int maxSize) {
    integer(0x20, 5, maxSize);
    return this;
  }

  /** Section 5.2: a string literal, raw (H = 0). */
  Hpack string(String s) {
    byte[] octets = Wire.ascii(s);
    integer(0x00, 7, octets.length);
    out.writeBytes(octets);
    return this;
  }

  /** Section 5.2: a string literal flagged as Huffman-coded (H = 1), the code octets as given. */
  Hpack huffman(byte[] code) {
    integer(0x80, 7, code.length);
    out.writeBytes(code);
    return this;
  }

  /** Section 5.1: an integer with an N-bit prefix; {@code pattern} holds the bits above it. */
  Hpack integer(int pattern, int prefixBits, long value) {
    long max = (1L << prefixBits) - 1;
    if (value < max) {
      out.write(pattern | (int) value);
      return this;
    }
    out.write(pattern | (int) max);
    value -= max;
    while (value >= 0x80) {
      out.write((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
    return this;
  }

  /** Octets from hex digits; spaces are ignored. */
  static byte[] hex(String digits) {
    String s = digits.replace(" ", "");
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(i * 2, i * 2 + 2), 16);
    }
    return b;
  }
}
