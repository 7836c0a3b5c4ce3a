package dev.shuttle.http2.hpack;

/**
 * A malformed header block. The HTTP/2 layer answers with a connection error of type
 * COMPRESSION_ERROR: the decoder's dynamic table may no longer match the peer's.
 */
public class HpackException extends Exception {
  /** Creates an exception describing the defect. */
  public HpackException(String message) {
    super(message);
  }
}
