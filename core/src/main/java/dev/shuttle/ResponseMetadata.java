package dev.shuttle;

/**
 * Receives a client call's response headers and trailers, for callers of blocking methods that
 * return only the message.
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

  /** The response headers of the last call, empty when it sent none. */
  public Metadata headers() {
    return headers;
  }

  /** The trailers of the last call, empty when it sent none. */
  public Metadata trailers() {
    return trailers;
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
