package dev.shuttle.http2.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The limits and timers one side of a connection enforces and advertises. Every limit has a safe
 * default; change them with {@link #builder()}. Options that concern only one side say so.
 *
 * <pre>{@code
 * Http2Config config = Http2Config.builder().maxConcurrentStreams(500).keepAliveTime(Duration.ofMinutes(1)).build();
 * }</pre>
 *
 * <p>What one connection holds at most, with these limits: its read buffer (64 KiB, or one frame
 * of {@link #maxFrameSize()} if larger), one header block of {@link #maxHeaderBlockSize()} while
 * it is being received, the HPACK tables ({@link #headerTableSize()} and the peer's), the write
 * queue ({@link #maxQueuedBytes()}, plus one DATA chunk per stream being written), and per stream
 * what the layer above buffers, which flow control bounds to {@link #initialStreamWindow()} bytes
 * beyond what that layer has consumed.
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
  public static final int DEFAULT_MAX_QUEUED_BYTES = 1 << 20;
  public static final int DEFAULT_MAX_RESETS_PER_SECOND = 200;
  public static final int DEFAULT_MAX_EMPTY_DATA_FRAMES_PER_SECOND = 100;
  public static final int DEFAULT_MAX_WINDOW_UPDATES_PER_SECOND = 10_000;
  public static final int DEFAULT_MAX_PRIORITY_FRAMES_PER_SECOND = 1_000;
  public static final int DEFAULT_MAX_SETTINGS_FRAMES_PER_SECOND = 100;
  public static final int DEFAULT_MAX_PINGS_PER_SECOND = 100;
  public static final int DEFAULT_MAX_CONTINUATION_FRAMES_PER_SECOND = 1_000;
  public static final Duration DEFAULT_PREFACE_TIMEOUT = Duration.ofSeconds(20);
  public static final Duration DEFAULT_SETTINGS_ACK_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_HEADER_BLOCK_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(20);
  /** grpc-java's and grpc-go's: a client may ping at most every 5 minutes. */
  public static final Duration DEFAULT_PERMIT_KEEP_ALIVE_TIME = Duration.ofMinutes(5);
  /** The gap between a graceful shutdown's two GOAWAY frames when the peer does not answer our PING. */
  public static final Duration DEFAULT_SHUTDOWN_PING_TIMEOUT = Duration.ofSeconds(5);

  private final int maxConcurrentStreams;
  private final int initialStreamWindow;
  private final int connectionWindow;
  private final int maxFrameSize;
  private final int maxHeaderListSize;
  private final int headerTableSize;
  private final int maxContinuationFrames;
  private final int maxQueuedBytes;
  private final int maxResetsPerSecond;
  private final int maxEmptyDataFramesPerSecond;
  private final int maxWindowUpdatesPerSecond;
  private final int maxPriorityFramesPerSecond;
  private final int maxSettingsFramesPerSecond;
  private final int maxPingsPerSecond;
  private final int maxContinuationFramesPerSecond;
  private final int maxConnections;
  private final Duration prefaceTimeout;
  private final Duration settingsAckTimeout;
  private final Duration headerBlockTimeout;
  private final Duration keepAliveTime;
  private final Duration keepAliveTimeout;
  private final boolean keepAliveWithoutCalls;
  private final Duration permitKeepAliveTime;
  private final boolean permitKeepAliveWithoutCalls;
  private final Duration maxConnectionIdle;
  private final Duration maxConnectionAge;
  private final Duration maxConnectionAgeGrace;
  private final Duration shutdownPingTimeout;
  private final Set<String> notIndexedHeaders;
  private final ReaderThread readerThread;

  private Http2Config(Builder b) {
    maxConcurrentStreams = b.maxConcurrentStreams;
    initialStreamWindow = b.initialStreamWindow;
    connectionWindow = b.connectionWindow;
    maxFrameSize = b.maxFrameSize;
    maxHeaderListSize = b.maxHeaderListSize;
    headerTableSize = b.headerTableSize;
    maxContinuationFrames = b.maxContinuationFrames;
    maxQueuedBytes = b.maxQueuedBytes;
    maxResetsPerSecond = b.maxResetsPerSecond;
    maxEmptyDataFramesPerSecond = b.maxEmptyDataFramesPerSecond;
    maxWindowUpdatesPerSecond = b.maxWindowUpdatesPerSecond;
    maxPriorityFramesPerSecond = b.maxPriorityFramesPerSecond;
    maxSettingsFramesPerSecond = b.maxSettingsFramesPerSecond;
    maxPingsPerSecond = b.maxPingsPerSecond;
    maxContinuationFramesPerSecond = b.maxContinuationFramesPerSecond;
    maxConnections = b.maxConnections;
    prefaceTimeout = b.prefaceTimeout;
    settingsAckTimeout = b.settingsAckTimeout;
    headerBlockTimeout = b.headerBlockTimeout;
    keepAliveTime = b.keepAliveTime;
    keepAliveTimeout = b.keepAliveTimeout;
    keepAliveWithoutCalls = b.keepAliveWithoutCalls;
    permitKeepAliveTime = b.permitKeepAliveTime;
    permitKeepAliveWithoutCalls = b.permitKeepAliveWithoutCalls;
    maxConnectionIdle = b.maxConnectionIdle;
    maxConnectionAge = b.maxConnectionAge;
    maxConnectionAgeGrace = b.maxConnectionAgeGrace;
    shutdownPingTimeout = b.shutdownPingTimeout;
    notIndexedHeaders = b.notIndexedHeaders;
    readerThread = b.readerThread;
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
    b.maxQueuedBytes = maxQueuedBytes;
    b.maxResetsPerSecond = maxResetsPerSecond;
    b.maxEmptyDataFramesPerSecond = maxEmptyDataFramesPerSecond;
    b.maxWindowUpdatesPerSecond = maxWindowUpdatesPerSecond;
    b.maxPriorityFramesPerSecond = maxPriorityFramesPerSecond;
    b.maxSettingsFramesPerSecond = maxSettingsFramesPerSecond;
    b.maxPingsPerSecond = maxPingsPerSecond;
    b.maxContinuationFramesPerSecond = maxContinuationFramesPerSecond;
    b.maxConnections = maxConnections;
    b.prefaceTimeout = prefaceTimeout;
    b.settingsAckTimeout = settingsAckTimeout;
    b.headerBlockTimeout = headerBlockTimeout;
    b.keepAliveTime = keepAliveTime;
    b.keepAliveTimeout = keepAliveTimeout;
    b.keepAliveWithoutCalls = keepAliveWithoutCalls;
    b.permitKeepAliveTime = permitKeepAliveTime;
    b.permitKeepAliveWithoutCalls = permitKeepAliveWithoutCalls;
    b.maxConnectionIdle = maxConnectionIdle;
    b.maxConnectionAge = maxConnectionAge;
    b.maxConnectionAgeGrace = maxConnectionAgeGrace;
    b.shutdownPingTimeout = shutdownPingTimeout;
    b.notIndexedHeaders = notIndexedHeaders;
    b.readerThread = readerThread;
    return b;
  }

  /**
   * Streams the peer may open at once (SETTINGS_MAX_CONCURRENT_STREAMS); more are refused. A
   * stream whose handler still runs counts until the handler returns, even once it is closed.
   */
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

  /** CONTINUATION frames one header block may span before the connection ends (ENHANCE_YOUR_CALM). */
  public int maxContinuationFrames() {
    return maxContinuationFrames;
  }

  /**
   * Bytes of frames queued for the socket at most. Past it, writers of DATA wait and we stop
   * reading from the peer until the queue drains; a frame the peer provokes past it (a PING or
   * SETTINGS ack, a reset for its error, an answer to a request refused before any handler ran)
   * ends the connection with ENHANCE_YOUR_CALM.
   */
  public int maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /**
   * Stream resets per second, those the peer sends and those we send for its errors or refusals
   * together ("rapid reset" and "MadeYouReset"), before the connection ends with
   * ENHANCE_YOUR_CALM.
   */
  public int maxResetsPerSecond() {
    return maxResetsPerSecond;
  }

  /** DATA frames per second with no data and no END_STREAM before ENHANCE_YOUR_CALM. */
  public int maxEmptyDataFramesPerSecond() {
    return maxEmptyDataFramesPerSecond;
  }

  /**
   * WINDOW_UPDATE frames per second before ENHANCE_YOUR_CALM, not counting those that follow
   * DATA we sent (which they answer).
   */
  public int maxWindowUpdatesPerSecond() {
    return maxWindowUpdatesPerSecond;
  }

  /** PRIORITY frames per second before ENHANCE_YOUR_CALM (we ignore priorities, but read them). */
  public int maxPriorityFramesPerSecond() {
    return maxPriorityFramesPerSecond;
  }

  /** SETTINGS frames per second before ENHANCE_YOUR_CALM (each one needs an acknowledgement). */
  public int maxSettingsFramesPerSecond() {
    return maxSettingsFramesPerSecond;
  }

  /**
   * PING frames per second before ENHANCE_YOUR_CALM, not counting those that follow HEADERS or
   * DATA we sent (bandwidth probes). A server also enforces {@link #permitKeepAliveTime()}.
   */
  public int maxPingsPerSecond() {
    return maxPingsPerSecond;
  }

  /** CONTINUATION frames per second, across header blocks, before ENHANCE_YOUR_CALM. */
  public int maxContinuationFramesPerSecond() {
    return maxContinuationFramesPerSecond;
  }

  /**
   * Server only: connections open at once; one more is answered with GOAWAY ENHANCE_YOUR_CALM
   * and closed. {@link Integer#MAX_VALUE} (the default) means no cap.
   */
  public int maxConnections() {
    return maxConnections;
  }

  /** Server only: how long a client has to send its connection preface and first SETTINGS. */
  public Duration prefaceTimeout() {
    return prefaceTimeout;
  }

  /** How long the peer has to acknowledge our SETTINGS before GOAWAY SETTINGS_TIMEOUT. */
  public Duration settingsAckTimeout() {
    return settingsAckTimeout;
  }

  /** How long a header block may stay unfinished (HEADERS awaiting CONTINUATION) before ENHANCE_YOUR_CALM. */
  public Duration headerBlockTimeout() {
    return headerBlockTimeout;
  }

  /**
   * After this long without receiving anything, send a PING to check the connection; null (the
   * default) for never.
   */
  public Duration keepAliveTime() {
    return keepAliveTime;
  }

  /** How long to wait for anything from the peer after a keepalive PING before closing. */
  public Duration keepAliveTimeout() {
    return keepAliveTimeout;
  }

  /** Whether keepalive pings are sent while no stream is open; default false. */
  public boolean keepAliveWithoutCalls() {
    return keepAliveWithoutCalls;
  }

  /**
   * Server only: the shortest interval at which the client may ping; pings more often (three
   * strikes, with no HEADERS or DATA sent in between) end the connection with GOAWAY
   * ENHANCE_YOUR_CALM and debug data {@code too_many_pings}. Default 5 minutes.
   */
  public Duration permitKeepAliveTime() {
    return permitKeepAliveTime;
  }

  /**
   * Server only: whether the client may ping while no call is open; when not (the default), it
   * may do so at most every two hours.
   */
  public boolean permitKeepAliveWithoutCalls() {
    return permitKeepAliveWithoutCalls;
  }

  /** A connection with no stream open for this long is shut down gracefully; null for never. */
  public Duration maxConnectionIdle() {
    return maxConnectionIdle;
  }

  /**
   * A connection older than this (give or take 10 %, so connections made together do not all
   * end together) is shut down gracefully; null for never.
   */
  public Duration maxConnectionAge() {
    return maxConnectionAge;
  }

  /**
   * How long streams may still run after {@link #maxConnectionAge()} before the connection is
   * closed; null for as long as they need.
   */
  public Duration maxConnectionAgeGrace() {
    return maxConnectionAgeGrace;
  }

  /** How long a graceful shutdown waits for the PING between its two GOAWAY frames. */
  public Duration shutdownPingTimeout() {
    return shutdownPingTimeout;
  }

  /** Header names this side's HPACK encoder keeps out of the dynamic table; see {@link Builder#notIndexedHeaders}. */
  public Set<String> notIndexedHeaders() {
    return notIndexedHeaders;
  }

  /** What kind of thread reads the connection; see {@link Builder#readerThread}. */
  public ReaderThread readerThread() {
    return readerThread;
  }

  /**
   * What kind of thread reads a connection. A platform thread blocked in a socket read is woken
   * by the kernel itself; a virtual thread is woken by the JDK's poller and then mounted on a
   * carrier. So a platform reader saves a platform-thread caller one thread switch for every
   * response it waits for (a unary call from one such caller took 49 µs of client CPU with a
   * virtual reader, 34 µs with a platform one), while a virtual reader hands a virtual caller
   * its response on its own carrier, where a platform reader makes it wait for a carrier to be
   * woken (a unary call's mean latency went from 42-58 to 92 µs).
   */
  public enum ReaderThread {
    /** A virtual thread: the default, and what a server with thousands of connections needs. */
    VIRTUAL,
    /** A platform thread of its own, for a client whose callers are all platform threads. */
    PLATFORM,
    /**
     * For a client: starts on a virtual thread and moves to a platform one while most of the
     * streams opened lately were opened by platform threads, and back once virtual ones open
     * most. It moves between frames, at most once per few streams.
     */
    LIKE_STREAM_OPENERS
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
    private int maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
    private int maxResetsPerSecond = DEFAULT_MAX_RESETS_PER_SECOND;
    private int maxEmptyDataFramesPerSecond = DEFAULT_MAX_EMPTY_DATA_FRAMES_PER_SECOND;
    private int maxWindowUpdatesPerSecond = DEFAULT_MAX_WINDOW_UPDATES_PER_SECOND;
    private int maxPriorityFramesPerSecond = DEFAULT_MAX_PRIORITY_FRAMES_PER_SECOND;
    private int maxSettingsFramesPerSecond = DEFAULT_MAX_SETTINGS_FRAMES_PER_SECOND;
    private int maxPingsPerSecond = DEFAULT_MAX_PINGS_PER_SECOND;
    private int maxContinuationFramesPerSecond = DEFAULT_MAX_CONTINUATION_FRAMES_PER_SECOND;
    private int maxConnections = Integer.MAX_VALUE;
    private Duration prefaceTimeout = DEFAULT_PREFACE_TIMEOUT;
    private Duration settingsAckTimeout = DEFAULT_SETTINGS_ACK_TIMEOUT;
    private Duration headerBlockTimeout = DEFAULT_HEADER_BLOCK_TIMEOUT;
    private Duration keepAliveTime;
    private Duration keepAliveTimeout = DEFAULT_KEEP_ALIVE_TIMEOUT;
    private boolean keepAliveWithoutCalls;
    private Duration permitKeepAliveTime = DEFAULT_PERMIT_KEEP_ALIVE_TIME;
    private boolean permitKeepAliveWithoutCalls;
    private Duration maxConnectionIdle;
    private Duration maxConnectionAge;
    private Duration maxConnectionAgeGrace;
    private Duration shutdownPingTimeout = DEFAULT_SHUTDOWN_PING_TIMEOUT;
    private Set<String> notIndexedHeaders = Set.of();
    private ReaderThread readerThread = ReaderThread.VIRTUAL;

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

    /** At least 4096 bytes. */
    public Builder maxQueuedBytes(int value) {
      maxQueuedBytes = atLeast(value, 4096, "maxQueuedBytes");
      return this;
    }

    public Builder maxResetsPerSecond(int value) {
      maxResetsPerSecond = atLeast(value, 1, "maxResetsPerSecond");
      return this;
    }

    public Builder maxEmptyDataFramesPerSecond(int value) {
      maxEmptyDataFramesPerSecond = atLeast(value, 1, "maxEmptyDataFramesPerSecond");
      return this;
    }

    public Builder maxWindowUpdatesPerSecond(int value) {
      maxWindowUpdatesPerSecond = atLeast(value, 1, "maxWindowUpdatesPerSecond");
      return this;
    }

    public Builder maxPriorityFramesPerSecond(int value) {
      maxPriorityFramesPerSecond = atLeast(value, 1, "maxPriorityFramesPerSecond");
      return this;
    }

    public Builder maxSettingsFramesPerSecond(int value) {
      maxSettingsFramesPerSecond = atLeast(value, 1, "maxSettingsFramesPerSecond");
      return this;
    }

    public Builder maxPingsPerSecond(int value) {
      maxPingsPerSecond = atLeast(value, 1, "maxPingsPerSecond");
      return this;
    }

    public Builder maxContinuationFramesPerSecond(int value) {
      maxContinuationFramesPerSecond = atLeast(value, 1, "maxContinuationFramesPerSecond");
      return this;
    }

    public Builder maxConnections(int value) {
      maxConnections = atLeast(value, 1, "maxConnections");
      return this;
    }

    public Builder prefaceTimeout(Duration value) {
      prefaceTimeout = positive(value, "prefaceTimeout");
      return this;
    }

    public Builder settingsAckTimeout(Duration value) {
      settingsAckTimeout = positive(value, "settingsAckTimeout");
      return this;
    }

    public Builder headerBlockTimeout(Duration value) {
      headerBlockTimeout = positive(value, "headerBlockTimeout");
      return this;
    }

    /** Null turns keepalive pings off. */
    public Builder keepAliveTime(Duration value) {
      keepAliveTime = value == null ? null : positive(value, "keepAliveTime");
      return this;
    }

    public Builder keepAliveTimeout(Duration value) {
      keepAliveTimeout = positive(value, "keepAliveTimeout");
      return this;
    }

    public Builder keepAliveWithoutCalls(boolean value) {
      keepAliveWithoutCalls = value;
      return this;
    }

    public Builder permitKeepAliveTime(Duration value) {
      permitKeepAliveTime = Objects.requireNonNull(value, "permitKeepAliveTime");
      if (value.isNegative()) {
        throw new IllegalArgumentException("permitKeepAliveTime must not be negative: " + value);
      }
      return this;
    }

    public Builder permitKeepAliveWithoutCalls(boolean value) {
      permitKeepAliveWithoutCalls = value;
      return this;
    }

    /** Null for never. */
    public Builder maxConnectionIdle(Duration value) {
      maxConnectionIdle = value == null ? null : positive(value, "maxConnectionIdle");
      return this;
    }

    /** Null for never. */
    public Builder maxConnectionAge(Duration value) {
      maxConnectionAge = value == null ? null : positive(value, "maxConnectionAge");
      return this;
    }

    /** Null for as long as the streams need. */
    public Builder maxConnectionAgeGrace(Duration value) {
      maxConnectionAgeGrace = value == null ? null : positive(value, "maxConnectionAgeGrace");
      return this;
    }

    /**
     * Header names (lower case) whose values rarely repeat, such as a per-request timeout: the
     * HPACK encoder sends them as literals instead of filling the peer's dynamic table with them.
     * Replaces the names given before; none by default.
     */
    public Builder notIndexedHeaders(Set<String> names) {
      for (String name : names) {
        if (!name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
          throw new IllegalArgumentException("header names are lower case on the wire: " + name);
        }
      }
      notIndexedHeaders = Set.copyOf(names);
      return this;
    }

    /** What kind of thread reads the connection; default {@link ReaderThread#VIRTUAL}. */
    public Builder readerThread(ReaderThread kind) {
      readerThread = Objects.requireNonNull(kind, "readerThread");
      return this;
    }

    /**
     * {@code readerThread(value ? PLATFORM : VIRTUAL)}: a platform thread of its own reads the
     * connection, for a client whose callers are platform threads. It costs a platform thread
     * per connection, which a server, with its thousands, cannot afford.
     */
    public Builder platformReaderThread(boolean value) {
      return readerThread(value ? ReaderThread.PLATFORM : ReaderThread.VIRTUAL);
    }

    public Builder shutdownPingTimeout(Duration value) {
      shutdownPingTimeout = positive(value, "shutdownPingTimeout");
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

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}
