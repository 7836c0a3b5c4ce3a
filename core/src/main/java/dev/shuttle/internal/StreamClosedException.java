package dev.shuttle.internal;

/** A write or a new stream found the stream (or its connection) ended. */
public final class StreamClosedException extends Exception {
  private final boolean refused;

  /**
   * @param refused whether the peer refused the stream before processing any of it (a connection
   *     going away before the stream reached it), so that the call may be sent again elsewhere
   */
  public StreamClosedException(String message, boolean refused) {
    super(message, null, false, false);
    this.refused = refused;
  }

  public boolean refused() {
    return refused;
  }
}
