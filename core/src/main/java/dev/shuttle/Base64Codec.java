package dev.shuttle;

import java.util.Base64;

/** Base64 for {@code -bin} metadata: sent unpadded, accepted padded or not (PROTOCOL-HTTP2.md). */
final class Base64Codec {
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getDecoder();

  private Base64Codec() {}

  static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }

  static byte[] decode(String text) {
    // Several values may arrive joined by commas in one header field.
    if (text.indexOf(',') >= 0) {
      throw new IllegalArgumentException("comma-joined binary values are not accepted here");
    }
    return DECODER.decode(text.strip());
  }
}
