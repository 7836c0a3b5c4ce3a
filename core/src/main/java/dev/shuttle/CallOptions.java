package dev.shuttle;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-call settings of a client: a timeout or deadline, request metadata, compression, and where
 * to put the response's metadata. Immutable; each {@code with} method returns a copy with one
 * setting changed and the others kept.
 *
 * <pre>{@code
 * CallOptions options = CallOptions.DEFAULT
 *     .withTimeout(Duration.ofSeconds(2))
 *     .withMetadata(new Metadata().add("x-user", "ada"))
 *     .withCompression("gzip");
 * }</pre>
 *
 * <p>A call made on the thread of a server handler also ends by that handler's deadline: the
 * call's deadline is the earliest of its timeout, its deadline and the handler's.
 */
public final class CallOptions {
  public static final CallOptions DEFAULT = new CallOptions(null, null, null, null, null);

  private final Duration timeout;
  private final Deadline deadline;
  private final Metadata metadata;
  private final ResponseMetadata responseMetadata;
  private final String compression;

  private CallOptions(
      Duration timeout, Deadline deadline, Metadata metadata, ResponseMetadata responseMetadata, String compression) {
    this.timeout = timeout;
    this.deadline = deadline;
    this.metadata = metadata;
    this.responseMetadata = responseMetadata;
    this.compression = compression;
  }

  /**
   * A deadline this long after each call starts (connecting, waiting for a stream and a
   * transparent retry included); sent to the server as {@code grpc-timeout}. Null for none.
   */
  public CallOptions withTimeout(Duration timeout) {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return new CallOptions(timeout, deadline, metadata, responseMetadata, compression);
  }

  /** A fixed deadline for every call made with these options; null for none. */
  public CallOptions withDeadline(Deadline deadline) {
    return new CallOptions(timeout, deadline, metadata, responseMetadata, compression);
  }

  /** Request headers to send with each call; copied, so later changes to it are not seen. */
  public CallOptions withMetadata(Metadata metadata) {
    return new CallOptions(timeout, deadline, metadata == null ? null : new Metadata(metadata), responseMetadata, compression);
  }

  /**
   * These options with one more request header: {@code key} set to {@code value} in a copy of
   * the metadata, replacing any value it had there.
   *
   * <pre>{@code
   * CallOptions withToken = options.withHeader("authorization", "Bearer " + token);
   * }</pre>
   */
  public CallOptions withHeader(String key, String value) {
    Metadata more = metadata == null ? new Metadata() : new Metadata(metadata);
    more.put(key, value);
    return new CallOptions(timeout, deadline, more, responseMetadata, compression);
  }

  /** A holder that each call fills with the response headers and trailers it receives. */
  public CallOptions withResponseMetadata(ResponseMetadata holder) {
    return new CallOptions(timeout, deadline, metadata, Objects.requireNonNull(holder, "holder"), compression);
  }

  /**
   * Compresses request messages with this {@code grpc-encoding} ({@code gzip} is built in, more
   * can be registered with the channel's {@link CompressionRegistry}); null or {@code identity}
   * for none. A server that does not support it answers {@code UNIMPLEMENTED}.
   */
  public CallOptions withCompression(String encoding) {
    return new CallOptions(timeout, deadline, metadata, responseMetadata, encoding);
  }

  /** The timeout, or {@code null} for none. */
  public Duration timeout() {
    return timeout;
  }

  /** The fixed deadline, or {@code null} for none. */
  public Deadline deadline() {
    return deadline;
  }

  /** The request metadata, or {@code null} for none. */
  public Metadata metadata() {
    return metadata;
  }

  /** The response metadata holder, or {@code null}. */
  public ResponseMetadata responseMetadata() {
    return responseMetadata;
  }

  /** The request compression, or {@code null} for none. */
  public String compression() {
    return compression;
  }

  /**
   * The deadline of a call starting now with these options: the earliest of the timeout from
   * now, the fixed deadline and {@code inherited}; null for none.
   */
  public Deadline effectiveDeadline(Deadline inherited) {
    Deadline fromTimeout = timeout == null ? null : Deadline.after(timeout);
    return Deadline.earliest(Deadline.earliest(fromTimeout, deadline), inherited);
  }
}
