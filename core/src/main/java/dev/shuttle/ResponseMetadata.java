package dev.shuttle;

/**
 * Receives a client call's response headers and trailers, and whether its response arrived
 * compressed, for callers of blocking methods that return only the message.
 *
 * <pre>{@code
 * ResponseMetadata received = new ResponseMetadata();
 * client.withOptions(CallOptions.DEFAULT.withResponseMetadata(received)).getRandom(request);
 * String server = received.headers().get("x-served-by");
 * }</pre>
 *
 * <p>Share one holder between calls only if you read it between them: each call overwrites it.
 */
public final class ResponseMetadata {
  private volatile Metadata headers = new Metadata();
  private volatile Metadata trailers = new Metadata();
  private volatile boolean messageCompressed;

  /** An empty holder, for one call at a time: each call that fills it replaces what it held. */
  public ResponseMetadata() {}

  /** The response headers of the last call, empty when it sent none. */
  public Metadata headers() {
    return headers;
  }

  /** The trailers of the last call, empty when it sent none. */
  public Metadata trailers() {
    return trailers;
  }

  /**
   * Whether the last response message of the last call was compressed on the wire (the
   * message's compressed flag); false when it was not or no message arrived.
   *
   * <pre>{@code
   * ResponseMetadata received = new ResponseMetadata();
   * client.withResponseMetadata(received).getRandom(request);
   * boolean wasGzipped = received.isMessageCompressed();
   * }</pre>
   */
  public boolean isMessageCompressed() {
    return messageCompressed;
  }

  /** Called by the runtime when a response message has been read. */
  public void setMessageCompressed(boolean compressed) {
    this.messageCompressed = compressed;
  }

  /** Called by the runtime when headers arrive. */
  public void setHeaders(Metadata headers) {
    this.headers = headers;
  }

  /** Called by the runtime when trailers arrive. */
  public void setTrailers(Metadata trailers) {
    this.trailers = trailers;
  }
}
