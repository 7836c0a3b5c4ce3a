package dev.shuttle.http2.hpack;

/**
 * Receives decoded header fields in order. Names and values are ISO-8859-1 Strings: one char per
 * octet on the wire.
 */
@FunctionalInterface
public interface HeaderSink {
  /** Called once per decoded field, in block order. */
  void onHeader(String name, String value);
}
