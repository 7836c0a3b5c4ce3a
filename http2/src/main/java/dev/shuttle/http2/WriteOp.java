package dev.shuttle.http2;

/**
 * A unit of work for the connection's writer. Ops are serialized in queue order by whichever
 * thread is draining, so anything order-sensitive (HPACK state, settings acks) is done here.
 */
sealed interface WriteOp {
  /** A header block: either headers to encode now, or bytes encoded earlier without state. */
  record Headers(int streamId, Http2Headers headers, byte[] preEncoded, boolean endStream) implements WriteOp {}

  /** A DATA frame whose flow-control credit was already taken. */
  record Data(int streamId, byte[] data, int offset, int length, boolean endStream) implements WriteOp {}

  /** A complete control frame of our own (SETTINGS, WINDOW_UPDATE, GOAWAY, our resets). */
  record Control(byte[] frame) implements WriteOp {}

  /**
   * A complete control frame the peer provoked (PING ack, a reset for its error or a refusal).
   * Counted while queued: a peer that provokes them without reading must not grow the queue.
   */
  record Reply(byte[] frame) implements WriteOp {}

  /**
   * Acknowledges the peer's SETTINGS after applying what concerns the writer; -1 means unchanged.
   * Done in queue order so that the HPACK table-size update lands in the first block after it.
   * Counted like a {@link Reply}.
   */
  record SettingsAck(int headerTableSize, int maxFrameSize) implements WriteOp {}

  /** Closes the socket once everything queued before it is written. */
  record Close() implements WriteOp {}
}
