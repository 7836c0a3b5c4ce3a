package dev.shuttle.http2;

/**
 * The limits one side of a connection enforces and advertises. Every limit has a safe default;
 * change them with {@link #builder()}.
 *
 * <pre>{@code
 * Http2Config config = Http2Config.builder().maxConcurrentStreams(500).build();
 * }</pre>
 */
public final class Http2Config {
  /** RFC 9113 default, and the smallest window a peer may assume. */
  public static final int DEFAULT_PROTOCOL_WINDOW = 65_535;
  public static final int MIN_MAX_FRAME_SIZE = 16_384;
  public static final int MAX_MAX_FRAME_SIZE = 16_777_215;
  public static final int MAX_WINDOW = Integer.MAX_VALUE;

  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 200;
  /** grpc-java's choice: large enough for a fast link, small enough to bound buffering. */
  public static final int DEFAULT_INITIAL_STREAM_WINDOW = 1 << 20;
  public static final int DEFAULT_CONNECTION_WINDOW = 2 << 20;
  public static final int DEFAULT_MAX_HEADER_LIST_SIZE = 8192;
  public static final int DEFAULT_HEADER_TABLE_SIZE = 4096;
  public static final int DEFAULT_MAX_CONTINUATION_FRAMES = 64;
  public static final int DEFAULT_MAX_RESETS_PER_SECOND = 200;
  public static final int DEFAULT_MAX_QUEUED_CONTROL_FRAMES = 10_000;

  private final int maxConcurrentStreams;
  private final int initialStreamWindow;
  private final int connectionWindow;
  private final int maxFrameSize;
  private final int maxHeaderListSize;
  private final int headerTableSize;
  private final int maxContinuationFrames;
  private final int maxResetsPerSecond;
  private final int maxQueuedControlFrames;

  private Http2Config(Builder b) {
    maxConcurrentStreams = b.maxConcurrentStreams;
    initialStreamWindow = b.initialStreamWindow;
    connectionWindow = b.connectionWindow;
    maxFrameSize = b.maxFrameSize;
    maxHeaderListSize = b.maxHeaderListSize;
    headerTableSize = b.headerTableSize;
    maxContinuationFrames = b.maxContinuationFrames;
    maxResetsPerSecond = b.maxResetsPerSecond;
    maxQueuedControlFrames = b.maxQueuedControlFrames;
  }

  public static Http2Config defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxConcurrentStreams = maxConcurrentStreams;
    b.initialStreamWindow = initialStreamWindow;
    b.connectionWindow = connectionWindow;
    b.maxFrameSize = maxFrameSize;
    b.maxHeaderListSize = maxHeaderListSize;
    b.headerTableSize = headerTableSize;
    b.maxContinuationFrames = maxContinuationFrames;
    b.maxResetsPerSecond = maxResetsPerSecond;
    b.maxQueuedControlFrames = maxQueuedControlFrames;
    return b;
  }

  /** Streams the peer may open at once (SETTINGS_MAX_CONCURRENT_STREAMS); more are refused. */
  public int maxConcurrentStreams() {
    return maxConcurrentStreams;
  }

  /** Bytes the peer may send on a stream before we return window (SETTINGS_INITIAL_WINDOW_SIZE). */
  public int initialStreamWindow() {
    return initialStreamWindow;
  }

  /** Bytes the peer may send on the connection as a whole before we return window. */
  public int connectionWindow() {
    return connectionWindow;
  }

  /** The largest frame payload we accept (SETTINGS_MAX_FRAME_SIZE). */
  public int maxFrameSize() {
    return maxFrameSize;
  }

  /** The largest decoded header list we accept (SETTINGS_MAX_HEADER_LIST_SIZE). */
  public int maxHeaderListSize() {
    return maxHeaderListSize;
  }

  /** The HPACK dynamic table the peer's encoder may use (SETTINGS_HEADER_TABLE_SIZE). */
  public int headerTableSize() {
    return headerTableSize;
  }

  /** CONTINUATION frames one header block may span before the connection is ended. */
  public int maxContinuationFrames() {
    return maxContinuationFrames;
  }

  /** RST_STREAM frames the peer may send per second before we end the connection (rapid reset). */
  public int maxResetsPerSecond() {
    return maxResetsPerSecond;
  }

  /** Control frames (PING and SETTINGS acks, resets) queued for a peer that does not read. */
  public int maxQueuedControlFrames() {
    return maxQueuedControlFrames;
  }

  /**
   * The largest encoded header block we buffer while waiting for END_HEADERS. Encoded blocks can
   * legitimately exceed the decoded list only slightly, so this leaves room for a list that is a
   * little over the limit to be decoded and refused per stream rather than per connection.
   */
  public int maxHeaderBlockSize() {
    return maxHeaderListSize * 4 + 65_536;
  }

  /** Builds an {@link Http2Config}. */
  public static final class Builder {
    private int maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
    private int initialStreamWindow = DEFAULT_INITIAL_STREAM_WINDOW;
    private int connectionWindow = DEFAULT_CONNECTION_WINDOW;
    private int maxFrameSize = MIN_MAX_FRAME_SIZE;
    private int maxHeaderListSize = DEFAULT_MAX_HEADER_LIST_SIZE;
    private int headerTableSize = DEFAULT_HEADER_TABLE_SIZE;
    private int maxContinuationFrames = DEFAULT_MAX_CONTINUATION_FRAMES;
    private int maxResetsPerSecond = DEFAULT_MAX_RESETS_PER_SECOND;
    private int maxQueuedControlFrames = DEFAULT_MAX_QUEUED_CONTROL_FRAMES;

    private Builder() {}

    public Builder maxConcurrentStreams(int value) {
      maxConcurrentStreams = atLeast(value, 1, "maxConcurrentStreams");
      return this;
    }

    public Builder initialStreamWindow(int value) {
      initialStreamWindow = atLeast(value, 1, "initialStreamWindow");
      return this;
    }

    /** At least 65535, the protocol default the connection starts with. */
    public Builder connectionWindow(int value) {
      connectionWindow = atLeast(value, DEFAULT_PROTOCOL_WINDOW, "connectionWindow");
      return this;
    }

    public Builder maxFrameSize(int value) {
      if (value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
        throw new IllegalArgumentException("maxFrameSize must be in [16384, 16777215]: " + value);
      }
      maxFrameSize = value;
      return this;
    }

    public Builder maxHeaderListSize(int value) {
      maxHeaderListSize = atLeast(value, 1024, "maxHeaderListSize");
      return this;
    }

    public Builder headerTableSize(int value) {
      headerTableSize = atLeast(value, 0, "headerTableSize");
      return this;
    }

    public Builder maxContinuationFrames(int value) {
      maxContinuationFrames = atLeast(value, 1, "maxContinuationFrames");
      return this;
    }

    public Builder maxResetsPerSecond(int value) {
      maxResetsPerSecond = atLeast(value, 1, "maxResetsPerSecond");
      return this;
    }

    public Builder maxQueuedControlFrames(int value) {
      maxQueuedControlFrames = atLeast(value, 16, "maxQueuedControlFrames");
      return this;
    }

    public Http2Config build() {
      return new Http2Config(this);
    }

    private static int atLeast(int value, int min, String name) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
      }
      return value;
    }
  }
}
