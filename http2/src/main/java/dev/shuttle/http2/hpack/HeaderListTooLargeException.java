package dev.shuttle.http2.hpack;

/**
 * The decoded header list exceeded the limit. Thrown only after the whole block was decoded, so the
 * dynamic table stays in sync with the peer and the connection can continue; fields past the limit
 * were not delivered to the sink. The HTTP/2 layer fails only the stream concerned.
 *
 * <p>Sizes are counted as in RFC 9113 section 6.5.2: name and value octets plus 32 per field.
 */
public final class HeaderListTooLargeException extends Exception {
  private final int limit;
  private final long size;

  /** Creates an exception for a list of {@code size} octets against a limit of {@code limit}. */
  public HeaderListTooLargeException(int limit, long size) {
    super("header list size " + size + " exceeds the limit of " + limit);
    this.limit = limit;
    this.size = size;
  }

  /** The configured maximum header list size. */
  public int limit() {
    return limit;
  }

  /** The size of the whole decoded list, including the fields that were not delivered. */
  public long size() {
    return size;
  }
}
