package dev.shuttle.http2;

/**
 * The states of RFC 9113 section 5.1 that a stream object can be in. An idle stream has no object
 * yet (the {@link StreamRegistry} tells idle ids from closed ones), and the reserved states do not
 * occur: push is disabled on our client and never used by our server.
 */
enum StreamState {
  /** Both sides may send. */
  OPEN,
  /** We sent END_STREAM; the peer may still send. */
  HALF_CLOSED_LOCAL,
  /** The peer sent END_STREAM; we may still send. */
  HALF_CLOSED_REMOTE,
  /** Both sides are done, or the stream was reset. */
  CLOSED;

  /** The state after END_STREAM arrives from the peer. */
  StreamState afterRemoteEnd() {
    return switch (this) {
      case OPEN -> HALF_CLOSED_REMOTE;
      case HALF_CLOSED_LOCAL, CLOSED -> CLOSED;
      case HALF_CLOSED_REMOTE -> throw new IllegalStateException("END_STREAM twice from the peer");
    };
  }

  /** The state after we send END_STREAM. */
  StreamState afterLocalEnd() {
    return switch (this) {
      case OPEN -> HALF_CLOSED_LOCAL;
      case HALF_CLOSED_REMOTE, CLOSED -> CLOSED;
      case HALF_CLOSED_LOCAL -> throw new IllegalStateException("END_STREAM twice from us");
    };
  }

  boolean localOpen() {
    return this == OPEN || this == HALF_CLOSED_REMOTE;
  }

  boolean remoteOpen() {
    return this == OPEN || this == HALF_CLOSED_LOCAL;
  }
}
