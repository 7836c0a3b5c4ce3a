package dev.shuttle;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-call settings of a client: timeout, request metadata, and where to put the response's
 * metadata. Immutable; each {@code with} method returns a new instance.
 *
 * <pre>{@code
 * CallOptions options = CallOptions.DEFAULT
 *     .withTimeout(Duration.ofSeconds(2))
 *     .withMetadata(new Metadata().add("x-user", "ada"));
 * }</pre>
 */
public final class CallOptions {
  public static final CallOptions DEFAULT = new CallOptions(null, null, null);

  private final Duration timeout;
  private final Metadata metadata;
  private final ResponseMetadata responseMetadata;

  private CallOptions(Duration timeout, Metadata metadata, ResponseMetadata responseMetadata) {
    this.timeout = timeout;
    this.metadata = metadata;
    this.responseMetadata = responseMetadata;
  }

  /** A deadline this long after each call starts; sent to the server as {@code grpc-timeout}. */
  public CallOptions withTimeout(Duration timeout) {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return new CallOptions(timeout, metadata, responseMetadata);
  }

  /** Request headers to send with each call; copied, so later changes to it are not seen. */
  public CallOptions withMetadata(Metadata metadata) {
    return new CallOptions(timeout, metadata == null ? null : new Metadata(metadata), responseMetadata);
  }

  /** A holder that each call fills with the response headers and trailers it receives. */
  public CallOptions withResponseMetadata(ResponseMetadata holder) {
    return new CallOptions(timeout, metadata, Objects.requireNonNull(holder, "holder"));
  }

  /** The timeout, or {@code null} for none. */
  public Duration timeout() {
    return timeout;
  }

  /** The request metadata, or {@code null} for none. */
  public Metadata metadata() {
    return metadata;
  }

  /** The response metadata holder, or {@code null}. */
  public ResponseMetadata responseMetadata() {
    return responseMetadata;
  }
}
