package dev.shuttle.http2;

/**
 * A unit of work for the connection's {@link WriteScheduler}. Frames of one stream keep their
 * order; control frames go ahead of them. Anything order-sensitive on the wire (HPACK state,
 * settings acks) is done when the op is written, in write order.
 */
sealed interface WriteOp {
  int RST_SIZE = FrameType.HEADER_LENGTH + 4;

  /** What the op counts for in the write budget, about its size on the wire. */
  int size();

  /**
   * Whether the peer provoked the op (an ack, a reset for its error, the answer to a request
   * refused on the reader thread): a peer that provokes without reading fills the budget with
   * such ops, where our own writes fill it for a peer that merely reads slowly.
   */
  default boolean provoked() {
    return false;
  }

  /** An op that belongs to one stream's lane. */
  sealed interface OfStream extends WriteOp {
    Http2Stream stream();
  }

  /** A header block: either headers to encode when written, or bytes encoded earlier without state. */
  record Headers(Http2Stream stream, Http2Headers headers, byte[] preEncoded, boolean endStream, boolean provoked)
      implements OfStream {
    @Override
    public int size() {
      if (preEncoded != null) {
        return FrameType.HEADER_LENGTH + preEncoded.length;
      }
      int size = FrameType.HEADER_LENGTH;
      for (int i = 0; i < headers.size(); i++) {
        size += headers.name(i).length() + headers.value(i).length() + 2;
      }
      return size;
    }
  }

  /** DATA whose flow-control credit was already taken; written as one or more frames. */
  record Data(Http2Stream stream, byte[] data, int offset, int length, boolean endStream, boolean provoked)
      implements OfStream {
    @Override
    public int size() {
      return FrameType.HEADER_LENGTH + length;
    }
  }

  /** RST_STREAM in the stream's lane, after its other frames (a server ending a finished call). */
  record StreamReset(Http2Stream stream, Http2ErrorCode code, boolean provoked) implements OfStream {
    @Override
    public int size() {
      return FrameType.HEADER_LENGTH + 4;
    }
  }

  /** A complete control frame: SETTINGS, WINDOW_UPDATE, PING, GOAWAY, RST_STREAM. */
  record Control(byte[] frame, boolean provoked) implements WriteOp {
    @Override
    public int size() {
      return frame.length;
    }
  }

  /**
   * Acknowledges the peer's SETTINGS after applying what concerns the writer; -1 means unchanged.
   * Done in write order, so the HPACK table-size update lands in the first block after it.
   */
  record SettingsAck(int headerTableSize, int maxFrameSize) implements WriteOp {
    @Override
    public int size() {
      return FrameType.HEADER_LENGTH;
    }

    @Override
    public boolean provoked() {
      return true;
    }
  }

  /** A request that travels through the writer's inbox with the frames, so it applies in queue order. */
  sealed interface Command extends WriteOp {
    @Override
    default int size() {
      return 0;
    }
  }

  /** Drop the stream's queued frames; RST_STREAM unless the peer cannot know the stream. */
  record Reset(Http2Stream stream, Http2ErrorCode code, boolean peerOpened, boolean provoked) implements Command {
    @Override
    public int size() {
      return RST_SIZE;
    }
  }

  /** Drop the stream's queued frames: the peer reset it. */
  record Discard(Http2Stream stream) implements Command {}

  /** RST_STREAM for a stream closed on our side: after its own frames still queued, if any. */
  record ReplyReset(int streamId, Http2ErrorCode code) implements Command {
    @Override
    public int size() {
      return RST_SIZE;
    }

    @Override
    public boolean provoked() {
      return true;
    }
  }

  /** End output once everything before is written, then {@code lastFrame} (or nothing). */
  record CloseWhenDone(byte[] lastFrame) implements Command {}

  /** End output once the control frames before are written, with this GOAWAY last. */
  record CloseAfterControl(byte[] goAway) implements Command {
    @Override
    public int size() {
      return goAway.length;
    }
  }
}
