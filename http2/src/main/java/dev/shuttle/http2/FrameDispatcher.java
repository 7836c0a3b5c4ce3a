package dev.shuttle.http2;

import dev.shuttle.http2.hpack.HpackDecoder;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Turns the frames of one connection into stream events: applies each to the stream states,
 * flow control and settings, counts it with the {@link AbusePolicy}, and tells the stream's
 * listener. Runs on the connection's reader thread only.
 */
final class FrameDispatcher implements FrameHandler {
  private static final System.Logger LOG = LazyLogger.of(FrameDispatcher.class);

  private final Http2Connection connection;
  private final boolean client;
  private final StreamRegistry streams;
  private final FlowController flow;
  private final WriteScheduler writer;
  private final AbusePolicy abuse;
  private final KeepAlivePolicy keepAlivePolicy;
  private boolean settingsReceived;
  private volatile boolean settingsAcknowledged;

  FrameDispatcher(Http2Connection connection) {
    this.connection = connection;
    this.client = connection.client;
    this.streams = connection.streams;
    this.flow = connection.flow;
    this.writer = connection.writer;
    this.abuse = new AbusePolicy(connection.config, writer);
    this.keepAlivePolicy = client ? null : new KeepAlivePolicy(connection.config, writer);
  }

  boolean settingsReceived() {
    return settingsReceived;
  }

  /** Whether the peer has acknowledged our SETTINGS. Read by the timer thread. */
  boolean settingsAcknowledged() {
    return settingsAcknowledged;
  }

  private void lock() {
    connection.lock.lock();
  }

  private void unlock() {
    connection.lock.unlock();
  }

  // ---------------------------------------------------------------------------------------------
  // DATA and HEADERS.

  @Override
  public void onData(int streamId, byte[] buf, int offset, int length, int flowControlledLength, boolean endStream)
      throws Http2Exception {
    requireSettingsFirst();
    if (length == 0 && !endStream) {
      abuse.onEmptyData();
    }
    Http2Stream stream;
    int connectionIncrement;
    lock();
    try {
      connectionIncrement = flow.onConnectionData(flowControlledLength);
      if (connectionIncrement > 0) {
        writer.control(Frames.windowUpdate(0, connectionIncrement));
      }
      stream = streams.get(streamId);
      if (stream == null) {
        if (streams.isIdle(streamId)) {
          throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "DATA on idle stream " + streamId);
        }
        if (!streams.wasRecentlyReset(streamId)) {
          throw Http2Exception.streamError(streamId, Http2ErrorCode.STREAM_CLOSED, "DATA on closed stream");
        }
      } else {
        if (!stream.state.remoteOpen()) {
          throw Http2Exception.streamError(streamId, Http2ErrorCode.STREAM_CLOSED, "DATA after END_STREAM");
        }
        if (stream.headerBlocksReceived == 0) {
          throw Http2Exception.streamError(streamId, Http2ErrorCode.PROTOCOL_ERROR, "DATA before HEADERS");
        }
        flow.onStreamData(stream, flowControlledLength);
        stream.dataReceived += length;
        checkContentLength(stream, endStream);
        if (endStream) {
          // Before the listener runs: an answer it writes at once must find the request over.
          connection.endRemote(stream);
        }
      }
    } finally {
      unlock();
    }
    if (stream != null) {
      if (flowControlledLength > length) {
        connection.writes.consumed(stream, flowControlledLength - length); // no application consumes padding
      }
      Http2StreamListener listener = stream.listener;
      if (listener != null) {
        listener.onData(stream, buf, offset, length, endStream);
      }
    }
    if (connectionIncrement > 0) {
      writer.flushAsync();
    }
  }

  /** RFC 9113 8.1.1: the DATA of a message must add up to its content-length. Guarded by lock. */
  private static void checkContentLength(Http2Stream stream, boolean endStream) throws Http2Exception {
    if (stream.contentLength >= 0
        && (stream.dataReceived > stream.contentLength || (endStream && stream.dataReceived != stream.contentLength))) {
      throw Http2Exception.streamError(
          stream.id,
          Http2ErrorCode.PROTOCOL_ERROR,
          "content-length " + stream.contentLength + " but " + stream.dataReceived + " bytes of DATA");
    }
  }

  @Override
  public void onHeaders(int streamId, Http2Headers headers, boolean endStream) throws Http2Exception {
    requireSettingsFirst();
    Http2Stream stream = openOrFind(streamId);
    if (stream == null) {
      return;
    }
    int blocks;
    lock();
    try {
      boolean informational = client && stream.headerBlocksReceived == 0 && isInformational(headers);
      HeaderValidator.Kind kind =
          stream.headerBlocksReceived > 0
              ? HeaderValidator.Kind.TRAILERS
              : client ? HeaderValidator.Kind.RESPONSE : HeaderValidator.Kind.REQUEST;
      HeaderValidator.validate(streamId, headers, kind);
      if (informational) {
        // 1xx: an interim response (RFC 9113 8.1); the real one follows.
        if (endStream) {
          throw Http2Exception.streamError(streamId, Http2ErrorCode.PROTOCOL_ERROR, "informational response with END_STREAM");
        }
        return;
      }
      blocks = ++stream.headerBlocksReceived;
      if (blocks > 1 && !endStream) {
        throw Http2Exception.streamError(streamId, Http2ErrorCode.PROTOCOL_ERROR, "trailers without END_STREAM");
      }
      if (blocks == 1) {
        stream.contentLength = contentLength(streamId, headers);
      }
      if (endStream) {
        checkContentLength(stream, true);
        connection.endRemote(stream);
      }
    } finally {
      unlock();
    }
    if (blocks == 1 && !client) {
      stream.listener = connection.serverHandler.onNewStream(stream, headers, endStream);
    } else {
      Http2StreamListener listener = stream.listener;
      if (listener != null) {
        listener.onHeaders(stream, headers, endStream);
      }
    }
  }

  private static boolean isInformational(Http2Headers headers) {
    String status = headers.get(":status");
    return status != null && status.length() == 3 && status.charAt(0) == '1';
  }

  /**
   * The message's content-length, or -1 without one (or where a response has no content).
   * Malformed or conflicting values are a stream error (RFC 9110 8.6).
   */
  private long contentLength(int streamId, Http2Headers headers) throws Http2Exception {
    long length = -1;
    for (int i = 0; i < headers.size(); i++) {
      if (!headers.name(i).equals("content-length")) {
        continue;
      }
      long value = parseContentLength(headers.value(i));
      if (value < 0 || (length >= 0 && value != length)) {
        throw Http2Exception.streamError(streamId, Http2ErrorCode.PROTOCOL_ERROR, "malformed content-length");
      }
      length = value;
    }
    if (client && length >= 0) {
      String status = headers.get(":status");
      if ("204".equals(status) || "304".equals(status)) {
        return -1; // no content whatever the field says (RFC 9110 8.6)
      }
    }
    return length;
  }

  private static long parseContentLength(String value) {
    if (value.isEmpty() || value.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  @Override
  public void onHeaderListTooLarge(int streamId, boolean endStream) throws Http2Exception {
    requireSettingsFirst();
    Http2Stream stream = openOrFind(streamId);
    if (stream == null) {
      return;
    }
    boolean first;
    lock();
    try {
      first = ++stream.headerBlocksReceived == 1;
      if (endStream) {
        connection.endRemote(stream);
      }
    } finally {
      unlock();
    }
    if (first && !client) {
      connection.serverHandler.onHeaderListTooLarge(stream);
      // The handler has queued its answer; the stream ends here either way.
      if (!stream.isClosed()) {
        stream.reset(Http2ErrorCode.NO_ERROR);
      }
    } else {
      String detail = "header list larger than " + connection.config.maxHeaderListSize() + " bytes";
      StreamFailure failure = new StreamFailure(StreamFailure.Kind.HEADER_LIST_TOO_LARGE, Http2ErrorCode.CANCEL, detail);
      stream.reset(Http2ErrorCode.CANCEL);
      connection.notifyFailure(stream, failure);
    }
    writer.flushAsync();
  }

  /**
   * The stream a header block belongs to, opening it when a client starts a new one; null when
   * the block is to be ignored.
   */
  private Http2Stream openOrFind(int streamId) throws Http2Exception {
    lock();
    try {
      Http2Stream stream = streams.get(streamId);
      if (stream != null) {
        if (!stream.state.remoteOpen()) {
          throw Http2Exception.streamError(streamId, Http2ErrorCode.STREAM_CLOSED, "HEADERS after END_STREAM");
        }
        return stream;
      }
      if (streams.isLocal(streamId)) {
        if (streams.isIdle(streamId)) {
          throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "HEADERS on idle stream " + streamId);
        }
        return null; // a stream we reset or finished; frames in flight are ignored
      }
      if (client) {
        throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "server-initiated stream: push is disabled");
      }
      if (streamId <= streams.lastPeerId()) {
        if (streams.wasRecentlyReset(streamId)) {
          return null; // sent before the peer saw our RST_STREAM
        }
        if (streams.wasRecentlyClosed(streamId)) {
          throw Http2Exception.connectionError(Http2ErrorCode.STREAM_CLOSED, "HEADERS on closed stream " + streamId);
        }
        // New stream ids must increase (RFC 9113 5.1.1).
        throw Http2Exception.connectionError(
            Http2ErrorCode.PROTOCOL_ERROR, "stream id " + streamId + " is not above " + streams.lastPeerId());
      }
      streams.peerIdUsed(streamId);
      if (connection.goAwaySent() || streams.peerSlots() >= connection.config.maxConcurrentStreams()) {
        refuse(streamId);
        return null;
      }
      Http2Stream created = new Http2Stream(streamId, connection);
      flow.open(created);
      streams.add(created);
      return created;
    } finally {
      unlock();
    }
  }

  /** Refuses a new stream without processing it; guarded by lock. */
  private void refuse(int streamId) throws Http2Exception {
    abuse.onReset();
    writer.reply(Frames.rstStream(streamId, Http2ErrorCode.REFUSED_STREAM));
    streams.rememberReset(streamId);
    writer.flushAsync();
  }

  /** Ends one stream for a protocol violation on it: RST_STREAM, and the listener learns why. */
  void streamError(Http2Exception e) throws Http2Exception {
    LOG.log(Level.DEBUG, "stream {0} error {1}: {2}", e.streamId(), e.code(), e.getMessage());
    abuse.onReset(); // resets the peer makes us send count as its own ("MadeYouReset")
    Http2Stream stream;
    StreamFailure failure = new StreamFailure(StreamFailure.Kind.PROTOCOL_ERROR, e.code(), e.getMessage());
    lock();
    try {
      if (!streams.isLocal(e.streamId()) && e.streamId() > streams.lastPeerId()) {
        // A HEADERS refused before it opened its stream (a self-dependency, say) still used its
        // id: the stream is closed now, and ids must keep increasing (RFC 9113 5.1.1).
        streams.peerIdUsed(e.streamId());
      }
      stream = streams.get(e.streamId());
      if (stream != null) {
        writer.reset(stream, e.code(), true, true);
        connection.closeStream(stream, failure);
      } else {
        writer.replyReset(e.streamId(), e.code());
      }
      streams.rememberReset(e.streamId());
    } finally {
      unlock();
    }
    writer.flushAsync();
    if (stream != null) {
      connection.notifyFailure(stream, failure);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The other frames.

  @Override
  public void onPriority(int streamId, int dependency) throws Http2Exception {
    requireSettingsFirst();
    abuse.onPriority();
    // Priorities are advisory (RFC 9113 5.3); we schedule streams round robin.
  }

  @Override
  public void onContinuation(int streamId) throws Http2Exception {
    abuse.onContinuation();
  }

  @Override
  public void onRstStream(int streamId, Http2ErrorCode code) throws Http2Exception {
    requireSettingsFirst();
    Http2Stream stream;
    StreamFailure failure;
    lock();
    try {
      stream = streams.get(streamId);
      if (stream == null) {
        if (streams.isIdle(streamId)) {
          throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "RST_STREAM on idle stream " + streamId);
        }
        // Not counted: a reset of a stream that is already closed costs one lookup, and a peer
        // may send one for each of our frames still in flight on a stream it cancelled (Netty
        // does), so one cancelled busy stream would otherwise end a client's connection.
        return;
      }
      // Only a reset that ends a stream costs us work: that is what rapid reset repeats.
      abuse.onReset();
      StreamFailure.Kind kind =
          code == Http2ErrorCode.REFUSED_STREAM ? StreamFailure.Kind.REFUSED : StreamFailure.Kind.RESET_BY_PEER;
      failure = new StreamFailure(kind, code, "stream reset by peer: " + code);
      writer.discard(stream);
      connection.closeStream(stream, failure);
    } finally {
      unlock();
    }
    connection.notifyFailure(stream, failure);
  }

  @Override
  public void onSettings(Http2Settings settings) throws Http2Exception {
    if (settingsReceived) {
      abuse.onSettings();
    }
    lock();
    try {
      settingsReceived = true;
      if (settings.has(FrameType.SETTINGS_INITIAL_WINDOW_SIZE)) {
        flow.onPeerInitialWindow(settings.initialWindowSize(), streams.snapshot());
      }
      if (settings.has(FrameType.SETTINGS_MAX_CONCURRENT_STREAMS)) {
        connection.onPeerMaxConcurrentStreams(settings.maxConcurrentStreams());
      }
    } finally {
      unlock();
    }
    int tableSize = settings.has(FrameType.SETTINGS_HEADER_TABLE_SIZE) ? settings.headerTableSize() : -1;
    int frameSize = settings.has(FrameType.SETTINGS_MAX_FRAME_SIZE) ? settings.maxFrameSize() : -1;
    writer.settingsAck(tableSize, frameSize);
    writer.flushAsync();
  }

  @Override
  public void onSettingsAck() throws Http2Exception {
    requireSettingsFirst();
    if (!settingsAcknowledged) {
      settingsAcknowledged = true;
      if (connection.config.headerTableSize() != HpackDecoder.DEFAULT_HEADER_TABLE_SIZE) {
        connection.decoder.setMaxTableSize(connection.config.headerTableSize());
      }
    }
  }

  @Override
  public void onPushPromise(int streamId) throws Http2Exception {
    throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE is not accepted");
  }

  @Override
  public void onPing(boolean ack, long payload) throws Http2Exception {
    requireSettingsFirst();
    if (ack) {
      if (payload == Http2Connection.SHUTDOWN_PING) {
        connection.finishShutdown();
      }
      return;
    }
    abuse.onPing();
    if (keepAlivePolicy != null) {
      keepAlivePolicy.onPing(connection.activeStreams() > 0);
    }
    writer.reply(Frames.ping(true, payload));
    writer.flushAsync();
  }

  @Override
  public void onGoAway(int lastStreamId, Http2ErrorCode code, String debugData) throws Http2Exception {
    requireSettingsFirst();
    StreamFailure failure = new StreamFailure(StreamFailure.Kind.REFUSED, code, "GOAWAY " + code + " " + debugData);
    List<Http2Stream> refused;
    lock();
    try {
      refused = connection.onGoAwayReceived(lastStreamId, failure);
    } finally {
      unlock();
    }
    writer.flushAsync();
    for (Http2Stream stream : refused) {
      connection.notifyFailure(stream, failure);
    }
    if (code != Http2ErrorCode.NO_ERROR) {
      LOG.log(Level.INFO, "{0}: peer sent GOAWAY {1} {2}", connection, code, debugData);
    }
    connection.connectionListener.onGoAway(connection, code, debugData);
  }

  @Override
  public void onWindowUpdate(int streamId, int increment) throws Http2Exception {
    requireSettingsFirst();
    abuse.onWindowUpdate();
    lock();
    try {
      if (streamId == 0) {
        flow.onConnectionWindowUpdate(increment);
        return;
      }
      Http2Stream stream = streams.get(streamId);
      if (stream == null) {
        if (streams.isIdle(streamId)) {
          throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream " + streamId);
        }
        return;
      }
      flow.onStreamWindowUpdate(stream, increment);
    } finally {
      unlock();
    }
  }

  /** The first frame from the peer must be SETTINGS (RFC 9113 3.4). */
  private void requireSettingsFirst() throws Http2Exception {
    if (!settingsReceived) {
      throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "first frame was not SETTINGS");
    }
  }
}
