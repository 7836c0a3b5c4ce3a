package dev.shuttle.http2;

import dev.shuttle.http2.hpack.HpackDecoder;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One HTTP/2 connection over a socket, client or server side: the stream state machine, flow
 * control on the connection and on each stream, settings, PING, RST_STREAM and GOAWAY.
 *
 * <p>A virtual thread per connection reads and dispatches frames; it never blocks on anything
 * but the socket and never runs application code. Writes go through the {@link FrameWriter}.
 * Flow control is back-pressure: {@link Http2Stream#writeData} parks its caller while the peer's
 * window is closed, and we return window to the peer only as the application consumes data.
 */
public final class Http2Connection implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Http2Connection.class.getName());
  private static final AtomicInteger IDS = new AtomicInteger();
  /** How many closed stream ids we remember, to tell late frames from protocol errors. */
  private static final int RECENT_STREAMS = 64;
  private static final int PREFACE_TIMEOUT_MILLIS = 20_000;

  private final boolean client;
  private final Http2Socket socket;
  private final Http2Config config;
  private final Http2ServerHandler serverHandler;
  private final Http2ConnectionListener connectionListener;
  private final HpackDecoder decoder;
  private final FrameReader reader;
  private final FrameWriter writer;
  private final SocketAddress remoteAddress;

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when a send window opens, a stream slot frees up, or the connection ends. */
  private final Condition changed = lock.newCondition();

  // Guarded by lock.
  private final Map<Integer, Http2Stream> streams = new HashMap<>();
  private final int[] recentlyReset = new int[RECENT_STREAMS];
  private int recentlyResetNext;
  private final int[] recentlyClosed = new int[RECENT_STREAMS];
  private int recentlyClosedNext;
  private int nextLocalStreamId;
  private int lastPeerStreamId;
  private int activeLocalStreams;
  private int activePeerStreams;
  private int peerMaxConcurrentStreams = Integer.MAX_VALUE;
  private int peerInitialWindow = Http2Config.DEFAULT_PROTOCOL_WINDOW;
  private int peerMaxFrameSize = Http2Config.MIN_MAX_FRAME_SIZE;
  private long connSendWindow = Http2Config.DEFAULT_PROTOCOL_WINDOW;
  private int connRecvWindow;
  private int connRecvUnacked;
  private boolean goAwaySent;
  private boolean goAwayReceived;
  private boolean terminated;
  private StreamFailure terminationFailure;
  private boolean settingsReceived;
  private boolean settingsAcknowledged; // reader thread only
  private long resetWindowStart;
  private int resetsInWindow;

  private Http2Connection(
      boolean client,
      Http2Socket socket,
      Http2Config config,
      Http2ServerHandler serverHandler,
      Http2ConnectionListener connectionListener)
      throws IOException {
    this.client = client;
    this.socket = socket;
    this.config = config;
    this.serverHandler = serverHandler;
    this.connectionListener = connectionListener == null ? Http2ConnectionListener.NONE : connectionListener;
    this.remoteAddress = socket.remoteAddress();
    int id = IDS.incrementAndGet();
    // The peer's encoder may use the protocol default table until it has seen our SETTINGS; a
    // smaller table of ours applies once it acknowledges them.
    this.decoder = new HpackDecoder(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE, config.maxHeaderListSize());
    this.reader = new FrameReader(socket.input(), decoder, config);
    this.writer = new FrameWriter(socket.output(), this::closeSocket, this::onWriteFailure, "h2-writer-" + id);
    this.nextLocalStreamId = client ? 1 : 2;
    this.connRecvWindow = config.connectionWindow();
    // Queued before anything else can be, so the preface and our settings lead the connection.
    if (client) {
      writer.enqueue(new WriteOp.Control(FrameReader.CLIENT_PREFACE));
    }
    writer.enqueue(new WriteOp.Control(initialSettings()));
    int extraWindow = config.connectionWindow() - Http2Config.DEFAULT_PROTOCOL_WINDOW;
    if (extraWindow > 0) {
      writer.enqueue(new WriteOp.Control(Frames.windowUpdate(0, extraWindow)));
    }
    writer.flushAsync();
    Thread.ofVirtual().name((client ? "h2-client-" : "h2-server-") + id).start(this::readLoop);
  }

  /**
   * Starts the client side of a connection on a connected socket: sends the preface and our
   * settings at once, so requests can follow without waiting for the server.
   */
  public static Http2Connection client(Http2Socket socket, Http2Config config, Http2ConnectionListener listener)
      throws IOException {
    return new Http2Connection(true, socket, config, null, listener);
  }

  /** Starts the server side of a connection on an accepted socket. */
  public static Http2Connection server(
      Http2Socket socket, Http2Config config, Http2ServerHandler handler, Http2ConnectionListener listener)
      throws IOException {
    return new Http2Connection(false, socket, config, handler, listener);
  }

  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  public boolean isClient() {
    return client;
  }

  /** The TLS session this connection runs on, or null in cleartext. */
  public javax.net.ssl.SSLSession tlsSession() {
    return socket.tlsSession();
  }

  /**
   * Whether new streams can be opened: not closed, and no GOAWAY in either direction.
   */
  public boolean isUsable() {
    lock.lock();
    try {
      return !terminated && !goAwayReceived && !goAwaySent;
    } finally {
      lock.unlock();
    }
  }

  public boolean isTerminated() {
    lock.lock();
    try {
      return terminated;
    } finally {
      lock.unlock();
    }
  }

  /** Streams open on this connection now. */
  public int activeStreams() {
    lock.lock();
    try {
      return streams.size();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Client side: opening streams.

  /**
   * Opens a stream with its request headers queued (call {@link Http2Stream#flush()} or write
   * data next). Waits while the peer's concurrent-stream limit is reached.
   *
   * @throws Http2StreamClosedException when the connection is closed or going away; the failure
   *     kind is {@link StreamFailure.Kind#REFUSED} when nothing was sent, so the call may be
   *     retried on another connection
   */
  public Http2Stream newStream(Http2Headers headers, boolean endStream, Http2StreamListener listener)
      throws Http2StreamClosedException, InterruptedException {
    if (!client) {
      throw new IllegalStateException("servers do not open streams");
    }
    lock.lock();
    try {
      while (!terminated && !goAwayReceived && !goAwaySent && activeLocalStreams >= peerMaxConcurrentStreams) {
        changed.await();
      }
      if (terminated || goAwayReceived || goAwaySent || nextLocalStreamId < 0) {
        // Why it ended, when it has: a connection that failed at once (a TLS alert just after
        // the handshake) must not hide its reason behind a generic one.
        String why = terminated && terminationFailure != null ? terminationFailure.detail() : "connection is going away";
        throw new Http2StreamClosedException(
            "connection cannot take new streams: " + why,
            new StreamFailure(StreamFailure.Kind.REFUSED, Http2ErrorCode.REFUSED_STREAM, why));
      }
      int id = nextLocalStreamId;
      nextLocalStreamId += 2; // goes negative after 2^31-1: the connection is then used up
      Http2Stream stream = new Http2Stream(id, this, peerInitialWindow, config.initialStreamWindow());
      stream.listener = listener;
      stream.localEnded = endStream;
      streams.put(id, stream);
      activeLocalStreams++;
      // Queued under the lock so that stream ids reach the wire in increasing order.
      writer.enqueue(new WriteOp.Headers(id, headers, null, endStream));
      return stream;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Writing, called by Http2Stream from application threads.

  void writeHeaders(Http2Stream stream, Http2Headers headers, byte[] preEncoded, boolean endStream)
      throws Http2StreamClosedException {
    lock.lock();
    try {
      checkWritable(stream);
      writer.enqueue(new WriteOp.Headers(stream.id, headers, preEncoded, endStream));
      if (endStream) {
        endLocal(stream);
      }
    } finally {
      lock.unlock();
    }
  }

  void writeData(Http2Stream stream, byte[] data, int offset, int length, boolean endStream)
      throws Http2StreamClosedException {
    do {
      lock.lock();
      try {
        checkWritable(stream);
        int chunk;
        while ((chunk = sendable(stream, length)) == 0 && length > 0) {
          lock.unlock();
          try {
            writer.flush(); // what is queued may be what the peer waits for before it opens the window
          } finally {
            lock.lock();
          }
          checkWritable(stream);
          if ((chunk = sendable(stream, length)) > 0) {
            break;
          }
          changed.awaitUninterruptibly();
          checkWritable(stream);
        }
        stream.sendWindow -= chunk;
        connSendWindow -= chunk;
        boolean last = chunk == length;
        writer.enqueue(new WriteOp.Data(stream.id, data, offset, chunk, endStream && last));
        if (endStream && last) {
          endLocal(stream);
        }
        offset += chunk;
        length -= chunk;
      } finally {
        lock.unlock();
      }
    } while (length > 0);
  }

  /** Bytes that may be sent now in one frame; guarded by lock. */
  private int sendable(Http2Stream stream, int length) {
    long window = Math.min(stream.sendWindow, connSendWindow);
    return (int) Math.max(0, Math.min(Math.min(length, peerMaxFrameSize), window));
  }

  private void checkWritable(Http2Stream stream) throws Http2StreamClosedException {
    if (stream.localEnded || stream.removed || terminated) {
      StreamFailure failure = stream.failure != null ? stream.failure : terminationFailure;
      throw new Http2StreamClosedException("stream " + stream.id + " is closed for writing", failure);
    }
  }

  void flush() {
    writer.flush();
  }

  void flushAsync() {
    writer.flushAsync();
  }

  void consumed(Http2Stream stream, int bytes) {
    if (bytes <= 0) {
      return;
    }
    lock.lock();
    try {
      if (stream.remoteEnded || stream.removed) {
        return; // the peer sends no more on this stream: its window no longer matters
      }
      stream.recvUnacked += bytes;
      if (stream.recvUnacked < config.initialStreamWindow() / 2) {
        return;
      }
      stream.recvWindow += stream.recvUnacked;
      writer.enqueue(new WriteOp.Control(Frames.windowUpdate(stream.id, stream.recvUnacked)));
      stream.recvUnacked = 0;
    } finally {
      lock.unlock();
    }
    writer.flushAsync();
  }

  void reset(Http2Stream stream, Http2ErrorCode code) {
    lock.lock();
    try {
      if (stream.removed) {
        return;
      }
      writer.enqueue(new WriteOp.Control(Frames.rstStream(stream.id, code)));
      rememberReset(stream.id);
      closeStream(stream, null);
    } finally {
      lock.unlock();
    }
    writer.flushAsync();
  }

  boolean isStreamClosed(Http2Stream stream) {
    lock.lock();
    try {
      return stream.removed;
    } finally {
      lock.unlock();
    }
  }

  /** Marks our side of the stream finished; guarded by lock. */
  private void endLocal(Http2Stream stream) {
    stream.localEnded = true;
    if (stream.remoteEnded) {
      remove(stream);
    } else if (!client) {
      // A server that has answered in full asks the client to stop sending (RFC 9113 8.1).
      writer.enqueue(new WriteOp.Control(Frames.rstStream(stream.id, Http2ErrorCode.NO_ERROR)));
      rememberReset(stream.id);
      stream.remoteEnded = true;
      remove(stream);
    }
  }

  /** Ends both directions of a stream at once (reset, failure); guarded by lock. */
  private void closeStream(Http2Stream stream, StreamFailure failure) {
    stream.failure = failure;
    stream.localEnded = true;
    stream.remoteEnded = true;
    remove(stream);
  }

  /** Forgets a finished stream; guarded by lock. */
  private void remove(Http2Stream stream) {
    if (stream.removed) {
      return;
    }
    stream.removed = true;
    streams.remove(stream.id);
    recentlyClosed[recentlyClosedNext] = stream.id;
    recentlyClosedNext = (recentlyClosedNext + 1) % RECENT_STREAMS;
    if (isLocal(stream.id)) {
      activeLocalStreams--;
    } else {
      activePeerStreams--;
    }
    changed.signalAll();
    if (streams.isEmpty() && (goAwaySent || goAwayReceived) && !terminated) {
      writer.enqueue(new WriteOp.Close());
      writer.flushAsync();
    }
  }

  private boolean isLocal(int streamId) {
    return (streamId & 1) == (client ? 1 : 0);
  }

  private void rememberReset(int streamId) {
    recentlyReset[recentlyResetNext] = streamId;
    recentlyResetNext = (recentlyResetNext + 1) % RECENT_STREAMS;
  }

  private boolean wasRecentlyReset(int streamId) {
    return contains(recentlyReset, streamId);
  }

  private static boolean contains(int[] ids, int streamId) {
    for (int id : ids) {
      if (id == streamId) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // Shutdown.

  /**
   * Sends GOAWAY and takes no new streams; streams in progress finish, then the connection
   * closes.
   */
  public void shutdownGracefully() {
    lock.lock();
    try {
      if (terminated || goAwaySent) {
        return;
      }
      goAwaySent = true;
      writer.enqueue(new WriteOp.Control(Frames.goAway(lastPeerStreamId, Http2ErrorCode.NO_ERROR, "shutdown")));
      if (streams.isEmpty()) {
        writer.enqueue(new WriteOp.Close());
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    writer.flushAsync();
  }

  /** Closes the connection now; open streams fail with {@link StreamFailure.Kind#CONNECTION_LOST}. */
  @Override
  public void close() {
    terminate(new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, Http2ErrorCode.CANCEL, "connection closed"));
  }

  private void closeSocket() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing socket", e);
    }
  }

  private void onWriteFailure(IOException e) {
    terminate(new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, null, "write failed: " + e.getMessage()));
  }

  /** Ends the connection once: closes the socket, fails open streams, tells the listener. */
  private void terminate(StreamFailure failure) {
    List<Http2Stream> failed;
    lock.lock();
    try {
      if (terminated) {
        return;
      }
      terminated = true;
      terminationFailure = failure;
      failed = new ArrayList<>(streams.values());
      for (Http2Stream stream : failed) {
        closeStream(stream, failure);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    closeSocket();
    writer.shutdown();
    for (Http2Stream stream : failed) {
      notifyFailure(stream, failure);
    }
    connectionListener.onTerminated(this);
  }

  private void notifyFailure(Http2Stream stream, StreamFailure failure) {
    Http2StreamListener listener = stream.listener;
    if (listener != null) {
      try {
        listener.onFailure(stream, failure);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "stream listener failed", e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading.

  private void readLoop() {
    StreamFailure end =
        new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, null, "connection closed by peer");
    try {
      if (!client) {
        // A peer that connects and says nothing must not hold a connection forever.
        socket.setReadTimeout(PREFACE_TIMEOUT_MILLIS);
        reader.readPreface();
        socket.setReadTimeout(0);
      }
      FrameDispatcher dispatcher = new FrameDispatcher();
      boolean more = true;
      while (more) {
        try {
          more = reader.readFrame(dispatcher);
        } catch (Http2Exception e) {
          if (e.isConnectionError()) {
            throw e;
          }
          streamError(e);
        }
      }
    } catch (Http2Exception e) {
      connectionError(e);
      end = new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, e.code(), e.getMessage());
    } catch (EOFException e) {
      end = new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, null, e.getMessage());
    } catch (IOException e) {
      end = new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, null, "read failed: " + e.getMessage());
    } catch (RuntimeException | Error e) {
      LOG.log(Level.SEVERE, "HTTP/2 reader failed", e);
      connectionError(Http2Exception.connectionError(Http2ErrorCode.INTERNAL_ERROR, "internal error"));
      end = new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, Http2ErrorCode.INTERNAL_ERROR, e.toString());
    }
    terminate(end);
  }

  private byte[] initialSettings() {
    List<Integer> pairs = new ArrayList<>();
    if (client) {
      pairs.add(FrameType.SETTINGS_ENABLE_PUSH);
      pairs.add(0);
    } else {
      pairs.add(FrameType.SETTINGS_MAX_CONCURRENT_STREAMS);
      pairs.add(config.maxConcurrentStreams());
    }
    if (config.initialStreamWindow() != Http2Config.DEFAULT_PROTOCOL_WINDOW) {
      pairs.add(FrameType.SETTINGS_INITIAL_WINDOW_SIZE);
      pairs.add(config.initialStreamWindow());
    }
    if (config.maxFrameSize() != Http2Config.MIN_MAX_FRAME_SIZE) {
      pairs.add(FrameType.SETTINGS_MAX_FRAME_SIZE);
      pairs.add(config.maxFrameSize());
    }
    if (config.headerTableSize() != Http2Config.DEFAULT_HEADER_TABLE_SIZE) {
      pairs.add(FrameType.SETTINGS_HEADER_TABLE_SIZE);
      pairs.add(config.headerTableSize());
    }
    pairs.add(FrameType.SETTINGS_MAX_HEADER_LIST_SIZE);
    pairs.add(config.maxHeaderListSize());
    return Frames.settings(pairs.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Ends the connection for a protocol violation: GOAWAY with the error, then close. */
  private void connectionError(Http2Exception e) {
    LOG.log(Level.FINE, "HTTP/2 connection error {0}: {1}", new Object[] {e.code(), e.getMessage()});
    lock.lock();
    try {
      goAwaySent = true;
    } finally {
      lock.unlock();
    }
    writer.enqueue(new WriteOp.Control(Frames.goAway(lastPeerStreamId(), e.code(), e.getMessage())));
    writer.enqueue(new WriteOp.Close());
    writer.flushAsync();
    writer.awaitClosed(1_000); // a moment for the GOAWAY to go out before the socket is closed
  }

  private int lastPeerStreamId() {
    lock.lock();
    try {
      return lastPeerStreamId;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues a frame the peer provoked. A peer that keeps provoking them (PINGs, SETTINGS, stream
   * errors) while not reading our side would grow the queue without bound: past the limit, the
   * connection ends.
   */
  private void reply(WriteOp op) throws Http2Exception {
    if (writer.enqueueReply(op) > config.maxQueuedControlFrames()) {
      throw Http2Exception.connectionError(
          Http2ErrorCode.ENHANCE_YOUR_CALM, "peer provokes control frames faster than it reads them");
    }
  }

  /** Ends one stream for a protocol violation on it: RST_STREAM, and the listener learns why. */
  private void streamError(Http2Exception e) throws Http2Exception {
    Http2Stream stream;
    lock.lock();
    try {
      reply(new WriteOp.Reply(Frames.rstStream(e.streamId(), e.code())));
      rememberReset(e.streamId());
      stream = streams.get(e.streamId());
      if (stream != null) {
        closeStream(stream, new StreamFailure(StreamFailure.Kind.PROTOCOL_ERROR, e.code(), e.getMessage()));
      }
    } finally {
      lock.unlock();
    }
    writer.flushAsync();
    if (stream != null) {
      notifyFailure(stream, stream.failure);
    }
  }

  /** Turns frames into stream events; runs on the reader thread only. */
  private final class FrameDispatcher implements FrameHandler {

    @Override
    public void onData(int streamId, byte[] buf, int offset, int length, int flowControlledLength, boolean endStream)
        throws Http2Exception {
      requireSettingsFirst();
      Http2Stream stream;
      boolean returnConnectionWindow;
      lock.lock();
      try {
        connRecvWindow -= flowControlledLength;
        if (connRecvWindow < 0) {
          throw Http2Exception.connectionError(Http2ErrorCode.FLOW_CONTROL_ERROR, "connection window exceeded");
        }
        // The connection window comes back as soon as data is in a stream's buffer: stream windows
        // bound that buffering, and one slow stream must not starve the others.
        connRecvUnacked += flowControlledLength;
        returnConnectionWindow = connRecvUnacked >= config.connectionWindow() / 2;
        if (returnConnectionWindow) {
          writer.enqueue(new WriteOp.Control(Frames.windowUpdate(0, connRecvUnacked)));
          connRecvWindow += connRecvUnacked;
          connRecvUnacked = 0;
        }
        stream = streams.get(streamId);
        if (stream == null) {
          checkNotIdle(streamId, "DATA");
          if (!wasRecentlyReset(streamId)) {
            throw Http2Exception.streamError(streamId, Http2ErrorCode.STREAM_CLOSED, "DATA on closed stream");
          }
          stream = null;
        } else {
          if (stream.remoteEnded) {
            throw Http2Exception.streamError(streamId, Http2ErrorCode.STREAM_CLOSED, "DATA after END_STREAM");
          }
          if (stream.headerBlocksReceived == 0) {
            throw Http2Exception.streamError(streamId, Http2ErrorCode.PROTOCOL_ERROR, "DATA before HEADERS");
          }
          stream.recvWindow -= flowControlledLength;
          if (stream.recvWindow < 0) {
            throw Http2Exception.streamError(streamId, Http2ErrorCode.FLOW_CONTROL_ERROR, "stream window exceeded");
          }
          if (endStream) {
            stream.remoteEnded = true;
          }
        }
      } finally {
        lock.unlock();
      }
      if (stream != null) {
        if (flowControlledLength > length) {
          consumed(stream, flowControlledLength - length); // no application ever consumes padding
        }
        Http2StreamListener listener = stream.listener;
        if (listener != null) {
          listener.onData(stream, buf, offset, length, endStream);
        }
        if (endStream) {
          closeRemote(stream);
        }
      }
      if (returnConnectionWindow) {
        writer.flushAsync();
      }
    }

    @Override
    public void onHeaders(int streamId, Http2Headers headers, boolean endStream) throws Http2Exception {
      requireSettingsFirst();
      Http2Stream stream = openOrFind(streamId, endStream);
      if (stream == null) {
        return;
      }
      int blocks;
      lock.lock();
      try {
        blocks = ++stream.headerBlocksReceived;
        HeaderValidator.Kind kind =
            blocks > 1 ? HeaderValidator.Kind.TRAILERS : client ? HeaderValidator.Kind.RESPONSE : HeaderValidator.Kind.REQUEST;
        HeaderValidator.validate(streamId, headers, kind);
        if (blocks > 1 && !endStream) {
          throw Http2Exception.streamError(streamId, Http2ErrorCode.PROTOCOL_ERROR, "trailers without END_STREAM");
        }
        if (endStream) {
          stream.remoteEnded = true;
        }
      } finally {
        lock.unlock();
      }
      if (blocks == 1 && !client) {
        stream.listener = serverHandler.onNewStream(stream, headers, endStream);
      } else {
        Http2StreamListener listener = stream.listener;
        if (listener != null) {
          listener.onHeaders(stream, headers, endStream);
        }
      }
      if (endStream) {
        closeRemote(stream);
      }
    }

    @Override
    public void onHeaderListTooLarge(int streamId, boolean endStream) throws Http2Exception {
      requireSettingsFirst();
      Http2Stream stream = openOrFind(streamId, endStream);
      if (stream == null) {
        return;
      }
      boolean first;
      lock.lock();
      try {
        first = ++stream.headerBlocksReceived == 1;
        if (endStream) {
          stream.remoteEnded = true;
        }
      } finally {
        lock.unlock();
      }
      if (first && !client) {
        serverHandler.onHeaderListTooLarge(stream);
        // The handler has queued its answer; the stream ends here either way.
        if (!stream.isClosed()) {
          stream.reset(Http2ErrorCode.NO_ERROR);
        }
      } else {
        String detail = "header list larger than " + config.maxHeaderListSize() + " bytes";
        StreamFailure failure = new StreamFailure(StreamFailure.Kind.HEADER_LIST_TOO_LARGE, Http2ErrorCode.CANCEL, detail);
        stream.reset(Http2ErrorCode.CANCEL);
        notifyFailure(stream, failure);
      }
      writer.flushAsync();
    }

    /**
     * The stream a header block belongs to, opening it when a client starts a new one; null
     * when the block is to be ignored.
     */
    private Http2Stream openOrFind(int streamId, boolean endStream) throws Http2Exception {
      lock.lock();
      try {
        Http2Stream stream = streams.get(streamId);
        if (stream != null) {
          if (stream.remoteEnded) {
            throw Http2Exception.streamError(streamId, Http2ErrorCode.STREAM_CLOSED, "HEADERS after END_STREAM");
          }
          return stream;
        }
        if (isLocal(streamId)) {
          if (client && (streamId & 1) == 0) {
            throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "server-initiated stream");
          }
          checkNotIdle(streamId, "HEADERS");
          return null; // a stream we reset; frames in flight are ignored
        }
        if (client) {
          throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "push is disabled");
        }
        if (streamId <= lastPeerStreamId) {
          if (wasRecentlyReset(streamId)) {
            return null; // sent before the peer saw our RST_STREAM
          }
          if (contains(recentlyClosed, streamId)) {
            throw Http2Exception.connectionError(Http2ErrorCode.STREAM_CLOSED, "HEADERS on closed stream " + streamId);
          }
          // New stream ids must increase (RFC 9113 5.1.1).
          throw Http2Exception.connectionError(
              Http2ErrorCode.PROTOCOL_ERROR, "stream id " + streamId + " is not above " + lastPeerStreamId);
        }
        lastPeerStreamId = streamId;
        if (goAwaySent) {
          refuse(streamId);
          return null;
        }
        if (activePeerStreams >= config.maxConcurrentStreams()) {
          refuse(streamId);
          return null;
        }
        Http2Stream created = new Http2Stream(streamId, Http2Connection.this, peerInitialWindow, config.initialStreamWindow());
        streams.put(streamId, created);
        activePeerStreams++;
        return created;
      } finally {
        lock.unlock();
      }
    }

    /** Refuses a new stream without processing it; guarded by lock. */
    private void refuse(int streamId) throws Http2Exception {
      reply(new WriteOp.Reply(Frames.rstStream(streamId, Http2ErrorCode.REFUSED_STREAM)));
      rememberReset(streamId);
      writer.flushAsync();
    }

    @Override
    public void onPriority(int streamId, int dependency) throws Http2Exception {
      requireSettingsFirst();
      // Priorities are advisory (RFC 9113 5.3); we schedule streams first come, first served.
    }

    @Override
    public void onRstStream(int streamId, Http2ErrorCode code) throws Http2Exception {
      requireSettingsFirst();
      Http2Stream stream;
      StreamFailure failure;
      lock.lock();
      try {
        countReset();
        stream = streams.get(streamId);
        if (stream == null) {
          checkNotIdle(streamId, "RST_STREAM");
          return;
        }
        StreamFailure.Kind kind =
            code == Http2ErrorCode.REFUSED_STREAM ? StreamFailure.Kind.REFUSED : StreamFailure.Kind.RESET_BY_PEER;
        failure = new StreamFailure(kind, code, "stream reset by peer: " + code);
        closeStream(stream, failure);
      } finally {
        lock.unlock();
      }
      notifyFailure(stream, failure);
    }

    /** Rapid-reset defence: too many RST_STREAM frames per second end the connection. */
    private void countReset() throws Http2Exception {
      long now = System.nanoTime();
      if (now - resetWindowStart > 1_000_000_000L) {
        resetWindowStart = now;
        resetsInWindow = 0;
      }
      if (++resetsInWindow > config.maxResetsPerSecond()) {
        throw Http2Exception.connectionError(Http2ErrorCode.ENHANCE_YOUR_CALM, "too many stream resets");
      }
    }

    @Override
    public void onSettings(Http2Settings settings) throws Http2Exception {
      lock.lock();
      try {
        settingsReceived = true;
        if (settings.has(FrameType.SETTINGS_INITIAL_WINDOW_SIZE)) {
          int delta = settings.initialWindowSize() - peerInitialWindow;
          peerInitialWindow = settings.initialWindowSize();
          for (Http2Stream stream : streams.values()) {
            stream.sendWindow += delta;
            if (stream.sendWindow > Http2Config.MAX_WINDOW) {
              throw Http2Exception.connectionError(
                  Http2ErrorCode.FLOW_CONTROL_ERROR, "INITIAL_WINDOW_SIZE overflows a stream window");
            }
          }
        }
        if (settings.has(FrameType.SETTINGS_MAX_CONCURRENT_STREAMS)) {
          peerMaxConcurrentStreams = settings.maxConcurrentStreams();
        }
        if (settings.has(FrameType.SETTINGS_MAX_FRAME_SIZE)) {
          peerMaxFrameSize = settings.maxFrameSize();
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      int tableSize = settings.has(FrameType.SETTINGS_HEADER_TABLE_SIZE) ? settings.headerTableSize() : -1;
      int frameSize = settings.has(FrameType.SETTINGS_MAX_FRAME_SIZE) ? settings.maxFrameSize() : -1;
      reply(new WriteOp.SettingsAck(tableSize, frameSize));
      writer.flushAsync();
    }

    @Override
    public void onSettingsAck() throws Http2Exception {
      requireSettingsFirst();
      if (!settingsAcknowledged) {
        settingsAcknowledged = true;
        if (config.headerTableSize() != HpackDecoder.DEFAULT_HEADER_TABLE_SIZE) {
          decoder.setMaxTableSize(config.headerTableSize());
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
        return;
      }
      reply(new WriteOp.Reply(Frames.ping(true, payload)));
      writer.flushAsync();
    }

    @Override
    public void onGoAway(int lastStreamId, Http2ErrorCode code, String debugData) throws Http2Exception {
      requireSettingsFirst();
      List<Http2Stream> refused = new ArrayList<>();
      StreamFailure failure =
          new StreamFailure(StreamFailure.Kind.REFUSED, code, "GOAWAY " + code + " " + debugData);
      lock.lock();
      try {
        goAwayReceived = true;
        for (Http2Stream stream : new ArrayList<>(streams.values())) {
          if (isLocal(stream.id) && stream.id > lastStreamId) {
            closeStream(stream, failure);
            refused.add(stream);
          }
        }
        if (streams.isEmpty()) {
          writer.enqueue(new WriteOp.Close());
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      writer.flushAsync();
      for (Http2Stream stream : refused) {
        notifyFailure(stream, failure);
      }
      connectionListener.onGoAway(Http2Connection.this, code);
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) throws Http2Exception {
      requireSettingsFirst();
      lock.lock();
      try {
        if (streamId == 0) {
          connSendWindow += increment;
          if (connSendWindow > Http2Config.MAX_WINDOW) {
            throw Http2Exception.connectionError(Http2ErrorCode.FLOW_CONTROL_ERROR, "connection window above 2^31-1");
          }
        } else {
          Http2Stream stream = streams.get(streamId);
          if (stream == null) {
            checkNotIdle(streamId, "WINDOW_UPDATE");
            return;
          }
          stream.sendWindow += increment;
          if (stream.sendWindow > Http2Config.MAX_WINDOW) {
            throw Http2Exception.streamError(streamId, Http2ErrorCode.FLOW_CONTROL_ERROR, "stream window above 2^31-1");
          }
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /** Frames for streams that were never opened are a connection error; guarded by lock. */
    private void checkNotIdle(int streamId, String frame) throws Http2Exception {
      boolean idle = isLocal(streamId) ? streamId >= nextLocalStreamId && nextLocalStreamId > 0 : streamId > lastPeerStreamId;
      if (idle) {
        throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, frame + " on idle stream " + streamId);
      }
    }

    /** The first frame from the peer must be SETTINGS (RFC 9113 3.4). */
    private void requireSettingsFirst() throws Http2Exception {
      if (!settingsReceived) {
        throw Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "first frame was not SETTINGS");
      }
    }
  }

  /** The peer has finished sending; the stream closes if we have too. Reader thread. */
  private void closeRemote(Http2Stream stream) {
    lock.lock();
    try {
      stream.remoteEnded = true;
      if (stream.localEnded) {
        remove(stream);
      }
    } finally {
      lock.unlock();
    }
  }

}
