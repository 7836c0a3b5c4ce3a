package dev.shuttle.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The percent-encoding of {@code grpc-message} (PROTOCOL-HTTP2.md): UTF-8 bytes, with every byte
 * outside printable ASCII, and '%' itself, written as {@code %XX}. Decoding is lenient: a
 * malformed escape is kept as it stands rather than failing the call.
 */
public final class StatusMessage {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private StatusMessage() {}

  public static String encode(String message) {
    if (isPlain(message)) {
      return message;
    }
    byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(utf8.length * 3);
    for (byte b : utf8) {
      int c = b & 0xff;
      if (c >= 0x20 && c <= 0x7e && c != '%') {
        sb.append((char) c);
      } else {
        sb.append('%').append((char) HEX[c >>> 4]).append((char) HEX[c & 0xf]);
      }
    }
    return sb.toString();
  }

  public static String decode(String wire) {
    if (wire.indexOf('%') < 0) {
      return wire;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(wire.length());
    for (int i = 0; i < wire.length(); i++) {
      char c = wire.charAt(i);
      if (c == '%' && i + 2 < wire.length()) {
        int hi = Character.digit(wire.charAt(i + 1), 16);
        int lo = Character.digit(wire.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi << 4 | lo);
          i += 2;
          continue;
        }
      }
      out.write(c);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isPlain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '%') {
        return false;
      }
    }
    return true;
  }
}
