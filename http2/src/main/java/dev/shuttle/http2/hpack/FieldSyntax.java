package dev.shuttle.http2.hpack;

/**
 * The character rules of RFC 9113 section 8.2.1 for one field: a name of lower-case token
 * characters (a pseudo-header's after its leading colon), and a value without NUL, CR or LF that
 * neither starts nor ends with a space or tab.
 *
 * <p>The decoder applies them once to each entry it adds to its dynamic table and reports the
 * outcome with every field it takes from a table, so a field a peer repeats by index on every
 * request is scanned once per connection instead of once per request. A field that fails is not
 * necessarily malformed (a response's trailers may end a value with a space); it just gets the
 * full check where the block is validated.
 */
public final class FieldSyntax {
  private FieldSyntax() {}

  /** Whether {@code name} and {@code value} pass every character rule of RFC 9113 8.2.1. */
  public static boolean isWellFormed(String name, String value) {
    return isWellFormedName(name) && isWellFormedValue(value);
  }

  private static boolean isWellFormedName(String name) {
    int start = name.startsWith(":") ? 1 : 0;
    if (name.length() == start) {
      return false;
    }
    for (int i = start; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f || (c >= 'A' && c <= 'Z') || c == ':') {
        return false;
      }
    }
    return true;
  }

  private static boolean isWellFormedValue(String value) {
    int n = value.length();
    if (n > 0 && (isSpaceOrTab(value.charAt(0)) || isSpaceOrTab(value.charAt(n - 1)))) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c == 0 || c == '\r' || c == '\n') {
        return false;
      }
    }
    return true;
  }

  private static boolean isSpaceOrTab(char c) {
    return c == ' ' || c == '\t';
  }
}
