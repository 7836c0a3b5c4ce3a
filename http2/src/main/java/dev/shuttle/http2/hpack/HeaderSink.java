package dev.shuttle.http2.hpack;

/**
 * Receives decoded header fields in order. Names and values are ISO-8859-1 Strings: one char per
 * octet on the wire.
 */
@FunctionalInterface
public interface HeaderSink {
  /** Called once per decoded field, in block order. */
  void onHeader(String name, String value);

  /**
   * Called instead of {@link #onHeader(String, String)} by a decoder that knows whether the
   * field passes {@link FieldSyntax}: {@code wellFormed} is true only when it does, false when it
   * does not or was not checked. A sink that validates fields may skip the character scan for a
   * well-formed one.
   */
  default void onHeader(String name, String value, boolean wellFormed) {
    onHeader(name, value);
  }
}
