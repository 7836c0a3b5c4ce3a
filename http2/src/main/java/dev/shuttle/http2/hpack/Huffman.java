package dev.shuttle.http2.hpack;

/**
 * The static Huffman code of RFC 7541 Appendix B: length computation, encoding, and a table-driven
 * decoder that consumes four bits per step.
 */
final class Huffman {
  private Huffman() {}

  /** The end-of-string symbol; only its prefix may appear, as padding. */
  static final int EOS = 256;

  /** Codes of RFC 7541 Appendix B ("code as hex", aligned to the LSB), indexed by symbol. */
  static final int[] CODES = {
    // 0-31: control characters
    0x1ff8, 0x7fffd8, 0xfffffe2, 0xfffffe3, 0xfffffe4, 0xfffffe5, 0xfffffe6, 0xfffffe7,
    0xfffffe8, 0xffffea, 0x3ffffffc, 0xfffffe9, 0xfffffea, 0x3ffffffd, 0xfffffeb, 0xfffffec,
    0xfffffed, 0xfffffee, 0xfffffef, 0xffffff0, 0xffffff1, 0xffffff2, 0x3ffffffe, 0xffffff3,
    0xffffff4, 0xffffff5, 0xffffff6, 0xffffff7, 0xffffff8, 0xffffff9, 0xffffffa, 0xffffffb,
    // 32-63: ' ' ! " # $ % & ' ( ) * + , - . / 0-9 : ; < = > ?
    0x14, 0x3f8, 0x3f9, 0xffa, 0x1ff9, 0x15, 0xf8, 0x7fa,
    0x3fa, 0x3fb, 0xf9, 0x7fb, 0xfa, 0x16, 0x17, 0x18,
    0x0, 0x1, 0x2, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
    0x1e, 0x1f, 0x5c, 0xfb, 0x7ffc, 0x20, 0xffb, 0x3fc,
    // 64-95: @ A-Z [ \ ] ^ _
    0x1ffa, 0x21, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62,
    0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
    0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72,
    0xfc, 0x73, 0xfd, 0x1ffb, 0x7fff0, 0x1ffc, 0x3ffc, 0x22,
    // 96-127: ` a-z { | } ~ DEL
    0x7ffd, 0x3, 0x23, 0x4, 0x24, 0x5, 0x25, 0x26,
    0x27, 0x6, 0x74, 0x75, 0x28, 0x29, 0x2a, 0x7,
    0x2b, 0x76, 0x2c, 0x8, 0x9, 0x2d, 0x77, 0x78,
    0x79, 0x7a, 0x7b, 0x7ffe, 0x7fc, 0x3ffd, 0x1ffd, 0xffffffc,
    // 128-255
    0xfffe6, 0x3fffd2, 0xfffe7, 0xfffe8, 0x3fffd3, 0x3fffd4, 0x3fffd5, 0x7fffd9,
    0x3fffd6, 0x7fffda, 0x7fffdb, 0x7fffdc, 0x7fffdd, 0x7fffde, 0xffffeb, 0x7fffdf,
    0xffffec, 0xffffed, 0x3fffd7, 0x7fffe0, 0xffffee, 0x7fffe1, 0x7fffe2, 0x7fffe3,
    0x7fffe4, 0x1fffdc, 0x3fffd8, 0x7fffe5, 0x3fffd9, 0x7fffe6, 0x7fffe7, 0xffffef,
    0x3fffda, 0x1fffdd, 0xfffe9, 0x3fffdb, 0x3fffdc, 0x7fffe8, 0x7fffe9, 0x1fffde,
    0x7fffea, 0x3fffdd, 0x3fffde, 0xfffff0, 0x1fffdf, 0x3fffdf, 0x7fffeb, 0x7fffec,
    0x1fffe0, 0x1fffe1, 0x3fffe0, 0x1fffe2, 0x7fffed, 0x3fffe1, 0x7fffee, 0x7fffef,
    0xfffea, 0x3fffe2, 0x3fffe3, 0x3fffe4, 0x7ffff0, 0x3fffe5, 0x3fffe6, 0x7ffff1,
    0x3ffffe0, 0x3ffffe1, 0xfffeb, 0x7fff1, 0x3fffe7, 0x7ffff2, 0x3fffe8, 0x1ffffec,
    0x3ffffe2, 0x3ffffe3, 0x3ffffe4, 0x7ffffde, 0x7ffffdf, 0x3ffffe5, 0xfffff1, 0x1ffffed,
    0x7fff2, 0x1fffe3, 0x3ffffe6, 0x7ffffe0, 0x7ffffe1, 0x3ffffe7, 0x7ffffe2, 0xfffff2,
    0x1fffe4, 0x1fffe5, 0x3ffffe8, 0x3ffffe9, 0xffffffd, 0x7ffffe3, 0x7ffffe4, 0x7ffffe5,
    0xfffec, 0xfffff3, 0xfffed, 0x1fffe6, 0x3fffe9, 0x1fffe7, 0x1fffe8, 0x7ffff3,
    0x3fffea, 0x3fffeb, 0x1ffffee, 0x1ffffef, 0xfffff4, 0xfffff5, 0x3ffffea, 0x7ffff4,
    0x3ffffeb, 0x7ffffe6, 0x3ffffec, 0x3ffffed, 0x7ffffe7, 0x7ffffe8, 0x7ffffe9, 0x7ffffea,
    0x7ffffeb, 0xffffffe, 0x7ffffec, 0x7ffffed, 0x7ffffee, 0x7ffffef, 0x7fffff0, 0x3ffffee,
    // 256: EOS
    0x3fffffff,
  };

  /** Code lengths in bits of RFC 7541 Appendix B, indexed by symbol. */
  static final byte[] LENGTHS = {
    // 0-31
    13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
    28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    // 32-63
    6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
    5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
    // 64-95
    13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
    // 96-127
    15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
    6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
    // 128-255
    20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
    24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
    22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
    21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
    26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
    19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
    20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
    26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
    // 256: EOS
    30,
  };

  // Decoder transition entry layout: bits 0-7 next state, 8-15 emitted symbol, then flags.
  private static final int EMIT = 1 << 16;
  private static final int ACCEPT = 1 << 17;
  private static final int FAIL = 1 << 18;

  /**
   * A complete prefix code over 257 symbols has exactly 256 internal tree nodes; each is a decoder
   * state (0 = root, i.e. at a symbol boundary). Entry {@code state * 16 + nibble} says where four
   * more input bits lead. The shortest code is 5 bits, so a nibble completes at most one symbol.
   */
  private static final int STATES = 256;
  private static final int[] TRANSITIONS = buildTransitions();

  /** Length in octets of the Huffman encoding of {@code s} (each char taken as {@code c & 0xFF}). */
  static long encodedLength(String s) {
    long bits = 0;
    for (int i = 0, n = s.length(); i < n; i++) {
      bits += LENGTHS[s.charAt(i) & 0xFF];
    }
    return (bits + 7) >>> 3;
  }

  /**
   * Writes the Huffman encoding of {@code s} at {@code dst[pos]}; the caller has made room for
   * {@link #encodedLength} octets. Returns the position after the last octet written.
   */
  static int encode(String s, byte[] dst, int pos) {
    long acc = 0; // only the low `bits` bits are pending; higher ones are stale and shifted out
    int bits = 0;
    for (int i = 0, n = s.length(); i < n; i++) {
      int sym = s.charAt(i) & 0xFF;
      int len = LENGTHS[sym];
      acc = (acc << len) | CODES[sym];
      bits += len;
      while (bits >= 8) {
        bits -= 8;
        dst[pos++] = (byte) (acc >>> bits);
      }
    }
    if (bits > 0) {
      // Pad with the most significant bits of EOS, which are all ones.
      dst[pos++] = (byte) ((acc << (8 - bits)) | (0xFF >>> bits));
    }
    return pos;
  }

  /**
   * Size a destination buffer needs for decoding {@code encodedLength} octets: every symbol takes at
   * least 5 bits, plus one slot that {@link #decode} may scribble on past the last symbol.
   */
  static long decodeBufferSize(int encodedLength) {
    return encodedLength * 8L / 5 + 1;
  }

  /**
   * Decodes {@code src[off, off+len)} into {@code dst}, which must hold {@link #decodeBufferSize}
   * octets. Returns the number of decoded octets.
   *
   * @throws HpackException if the input contains EOS or its padding is longer than 7 bits or is not
   *     a prefix of EOS
   */
  static int decode(byte[] src, int off, int len, byte[] dst) throws HpackException {
    final int[] table = TRANSITIONS;
    int state = 0;
    int n = 0;
    int last = ACCEPT; // the empty string is valid
    for (int i = off, end = off + len; i < end; i++) {
      int b = src[i] & 0xFF;
      int hi = table[(state << 4) | (b >>> 4)];
      // Store unconditionally and advance only on EMIT: avoids a hard-to-predict branch per nibble.
      dst[n] = (byte) (hi >>> 8);
      n += (hi >>> 16) & 1;
      int lo = table[((hi & 0xFF) << 4) | (b & 0x0F)];
      dst[n] = (byte) (lo >>> 8);
      n += (lo >>> 16) & 1;
      if (((hi | lo) & FAIL) != 0) {
        throw new HpackException("Huffman-encoded string contains the EOS symbol");
      }
      state = lo & 0xFF;
      last = lo;
    }
    if ((last & ACCEPT) == 0) {
      throw new HpackException("invalid Huffman padding: longer than 7 bits or not a prefix of EOS");
    }
    return n;
  }

  /** Like {@link #decode}, with the same checks, but only counts the decoded octets. */
  static int decodedLength(byte[] src, int off, int len) throws HpackException {
    final int[] table = TRANSITIONS;
    int state = 0;
    int n = 0;
    int last = ACCEPT;
    for (int i = off, end = off + len; i < end; i++) {
      int b = src[i] & 0xFF;
      int hi = table[(state << 4) | (b >>> 4)];
      int lo = table[((hi & 0xFF) << 4) | (b & 0x0F)];
      n += ((hi >>> 16) & 1) + ((lo >>> 16) & 1);
      if (((hi | lo) & FAIL) != 0) {
        throw new HpackException("Huffman-encoded string contains the EOS symbol");
      }
      state = lo & 0xFF;
      last = lo;
    }
    if ((last & ACCEPT) == 0) {
      throw new HpackException("invalid Huffman padding: longer than 7 bits or not a prefix of EOS");
    }
    return n;
  }

  private static int[] buildTransitions() {
    // Children of internal nodes: 0 = absent (the root is nobody's child), < 0 = leaf -1-symbol.
    int[] zero = new int[STATES];
    int[] one = new int[STATES];
    int nodes = 1;
    for (int sym = 0; sym <= EOS; sym++) {
      int code = CODES[sym];
      int len = LENGTHS[sym];
      if (len < 5 || len > 30 || (code >>> len) != 0) {
        throw new IllegalStateException("bad Huffman table entry for symbol " + sym);
      }
      int node = 0;
      for (int bit = len - 1; bit > 0; bit--) {
        int[] side = ((code >>> bit) & 1) == 0 ? zero : one;
        int child = side[node];
        if (child < 0) {
          throw new IllegalStateException("Huffman code of symbol " + sym + " has a code as prefix");
        }
        if (child == 0) {
          if (nodes == STATES) {
            throw new IllegalStateException("Huffman table is not a complete prefix code");
          }
          child = nodes++;
          side[node] = child;
        }
        node = child;
      }
      int[] side = (code & 1) == 0 ? zero : one;
      if (side[node] != 0) {
        throw new IllegalStateException("Huffman code of symbol " + sym + " is a prefix");
      }
      side[node] = -1 - sym;
    }
    for (int node = 0; node < STATES; node++) {
      if (zero[node] == 0 || one[node] == 0) {
        throw new IllegalStateException("Huffman table is not a complete prefix code");
      }
    }

    // Valid padding: at most 7 one-bits after a symbol boundary, i.e. the first 0..7 nodes on
    // the all-ones path (which EOS, 30 ones, keeps internal).
    boolean[] accepting = new boolean[STATES];
    for (int k = 0, node = 0; k <= 7; k++, node = one[node]) {
      accepting[node] = true;
    }

    int[] table = new int[STATES * 16];
    for (int state = 0; state < STATES; state++) {
      for (int nibble = 0; nibble < 16; nibble++) {
        int node = state;
        int entry = 0;
        for (int bit = 3; bit >= 0; bit--) {
          int child = ((nibble >>> bit) & 1) == 0 ? zero[node] : one[node];
          if (child >= 0) {
            node = child;
            continue;
          }
          int sym = -1 - child;
          if (sym == EOS) {
            entry = FAIL;
            node = 0;
            break;
          }
          entry = EMIT | (sym << 8);
          node = 0;
        }
        if (entry != FAIL) {
          entry |= node | (accepting[node] ? ACCEPT : 0);
        }
        table[(state << 4) | nibble] = entry;
      }
    }
    return table;
  }
}
