package dev.shuttle.http2;

import java.io.IOException;

/** A write to a stream that has ended: reset by either side, or its connection is gone. */
public final class Http2StreamClosedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient StreamFailure failure;

  public Http2StreamClosedException(String message, StreamFailure failure) {
    super(message);
    this.failure = failure;
  }

  /** Why the stream ended, or {@code null} when it ended normally or was reset by us. */
  public StreamFailure failure() {
    return failure;
  }
}
