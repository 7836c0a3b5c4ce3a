package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.hpack.HpackDecoder;
import dev.shuttle.http2.hpack.HpackEncoder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSession;

/**
 * One HTTP/2 connection over an {@link Http2Socket}, client or server side. It owns the
 * connection's lifecycle (preface and settings, keepalive, idle and age limits, GOAWAY, a
 * lingering close) and hands the rest to its parts: the {@link StreamRegistry} and
 * {@link StreamState}s, the {@link FlowController}, the {@link WriteScheduler}, the
 * {@link AbusePolicy}, and the {@link FrameDispatcher} that turns frames into stream events.
 *
 * <p>A virtual thread per connection reads and dispatches frames; it never blocks on anything but
 * the socket (and, past the write budget, on the queue draining) and never runs application code.
 * Flow control is back-pressure: {@link Http2Stream#writeData} parks its caller while the peer's
 * window is closed, and we return window to the peer only as the application consumes data.
 *
 * <p>A graceful shutdown by a server sends GOAWAY twice (RFC 9113 6.8): first with the highest
 * possible stream id and a PING, then, once the PING is answered, with the last stream it took,
 * so a request racing the shutdown is either served or refused, never lost.
 */
public final class Http2Connection implements AutoCloseable {
  private static final System.Logger LOG = LazyLogger.of(Http2Connection.class);
  private static final AtomicInteger IDS = new AtomicInteger();
  /** "shutdown": the PING between a graceful shutdown's two GOAWAY frames. */
  static final long SHUTDOWN_PING = 0x73687574646f776eL;
  /** How long we keep reading (and discarding) after our last frame, so the peer can read it. */
  static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** How long a connection error waits for its GOAWAY to be written before closing anyway. */
  static final long GOAWAY_WRITE_MILLIS = 1_000;

  final boolean client;
  final Http2Config config;
  final Http2ServerHandler serverHandler;
  final Http2ConnectionListener connectionListener;
  final HpackDecoder decoder;
  final WriteScheduler writer;
  final ReentrantLock lock = new ReentrantLock();
  final StreamRegistry streams;
  final FlowController flow;
  private final Http2Socket socket;
  private final DeadlineInputStream input;
  private final FrameReader reader;
  private final String name;
  /** The thread reading now; a client's reader may move to another thread (see {@link ReadLoop}). */
  private volatile Thread readerThread;
  private final ReadLoop readLoop;
  private final KeepAlivePinger keepAlive;
  private final FrameDispatcher dispatcher;
  private final ConnectionTimers timers;
  /** What streams write: Http2Stream's operations. */
  final StreamWrites writes;
  private final CountDownLatch outputDone = new CountDownLatch(1);
  private final long createdNanos = System.nanoTime();
  private volatile long lastReadNanos = createdNanos;
  private volatile Object attachment;

  /** Signalled when a local stream slot frees up or the connection can take no more streams. */
  private final Condition slotFreed = lock.newCondition();
  // Guarded by lock.
  private int peerMaxConcurrentStreams = Integer.MAX_VALUE;
  private boolean shutdownPingSent;
  private boolean goAwaySent;
  private boolean goAwayReceived;
  private StreamFailure goAwayFailure;
  /** Whether the GOAWAY that names our last stream is queued (a server's second one, or an error's). */
  private boolean finalGoAwayQueued;
  private boolean terminated;
  private StreamFailure terminationFailure;
  private long idleSinceNanos = createdNanos;

  private Http2Connection(
      boolean client,
      Http2Socket socket,
      Http2Config config,
      Http2ServerHandler serverHandler,
      Http2ConnectionListener connectionListener,
      int firstLocalStreamId)
      throws IOException {
    this.client = client;
    this.socket = socket;
    this.config = config;
    this.serverHandler = serverHandler;
    this.connectionListener = connectionListener == null ? Http2ConnectionListener.NONE : connectionListener;
    int id = IDS.incrementAndGet();
    this.name = (client ? "h2-client-" : "h2-server-") + id;
    // The peer's encoder may use the protocol default table until it has seen our SETTINGS; a
    // smaller table of ours applies once it acknowledges them.
    this.decoder = new HpackDecoder(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE, config.maxHeaderListSize());
    this.input = new DeadlineInputStream(socket.input(), socket);
    this.reader = new FrameReader(input, decoder, config);
    this.writer =
        new WriteScheduler(
            socket.output(), config.maxQueuedBytes(), HpackEncoder.Policy.notIndexing(config.notIndexedHeaders()), new WriterEvents(), "h2-writer-" + id);
    this.streams = new StreamRegistry(client, firstLocalStreamId, config.maxConcurrentStreams());
    this.flow = new FlowController(config);
    this.keepAlive = config.keepAliveTime() == null ? null : new KeepAlivePinger(this, config);
    this.dispatcher = new FrameDispatcher(this);
    this.timers = new ConnectionTimers(this);
    this.writes = new StreamWrites(this);
    this.readLoop = new ReadLoop(this, socket, input, reader, dispatcher);
    this.readerThread = readLoop.newThread(config.readerThread() == Http2Config.ReaderThread.PLATFORM);
  }

  /**
   * Starts the client side of a connection on a connected socket: sends the preface and our
   * settings at once, so requests can follow without waiting for the server.
   */
  public static Http2Connection client(Http2Socket socket, Http2Config config, Http2ConnectionListener listener)
      throws IOException {
    return client(socket, config, listener, 1);
  }

  /** A client connection whose first stream id is not 1: to see what happens when ids run out. */
  static Http2Connection client(Http2Socket socket, Http2Config config, Http2ConnectionListener listener, int firstStreamId)
      throws IOException {
    Http2Connection connection = new Http2Connection(true, socket, config, null, listener, firstStreamId);
    connection.start();
    return connection;
  }

  /** Starts the server side of a connection on an accepted socket. */
  public static Http2Connection server(
      Http2Socket socket, Http2Config config, Http2ServerHandler handler, Http2ConnectionListener listener)
      throws IOException {
    Http2Connection connection = unstartedServer(socket, config, handler, listener);
    connection.start();
    return connection;
  }

  /** A server connection that does nothing until {@link #start()}, so it can be registered first. */
  static Http2Connection unstartedServer(
      Http2Socket socket, Http2Config config, Http2ServerHandler handler, Http2ConnectionListener listener)
      throws IOException {
    return new Http2Connection(false, socket, config, handler, listener, 2);
  }

  /** Queues the preface and our settings, and starts the reader, the writer and the timers. */
  void start() {
    // Queued before anything else can be, so the preface and our settings lead the connection.
    if (client) {
      writer.control(FrameReader.CLIENT_PREFACE);
    }
    writer.control(Frames.initialSettings(client, config));
    int extraWindow = config.connectionWindow() - Http2Config.DEFAULT_PROTOCOL_WINDOW;
    if (extraWindow > 0) {
      writer.control(Frames.windowUpdate(0, extraWindow));
    }
    writer.start();
    writer.flushAsync();
    timers.start(dispatcher);
    if (keepAlive != null) {
      keepAlive.start();
    }
    readerThread.start();
  }

  public SocketAddress remoteAddress() {
    return socket.remoteAddress();
  }

  public SocketAddress localAddress() {
    return socket.localAddress();
  }

  /** The TLS session, or null in cleartext. */
  public SSLSession tlsSession() {
    return socket.tlsSession();
  }

  public boolean isClient() {
    return client;
  }

  /** Lets the layer above keep its own per-connection object here. */
  public void attach(Object value) {
    attachment = value;
  }

  public Object attachment() {
    return attachment;
  }

  /**
   * Whether new streams can be opened: not closed, no GOAWAY in either direction, and stream
   * ids left.
   */
  public boolean isUsable() {
    lock.lock();
    try {
      return !terminated && !goAwayReceived && !goAwaySent && !shutdownPingSent && !streams.localIdsExhausted();
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

  long lastReadNanos() {
    return lastReadNanos;
  }

  /** The reader got a frame: the peer is there. */
  void markRead() {
    lastReadNanos = System.nanoTime();
  }

  String name() {
    return name;
  }

  /** Waits until our last frame is written (or the connection is over), at most {@code millis}. */
  boolean awaitOutputDone(long millis) throws InterruptedException {
    return outputDone.await(millis, TimeUnit.MILLISECONDS);
  }

  /** Nanoseconds since the last stream closed; 0 while streams are open or after the end. */
  long idleNanos() {
    lock.lock();
    try {
      return terminated || !streams.isEmpty() ? 0 : System.nanoTime() - idleSinceNanos;
    } finally {
      lock.unlock();
    }
  }

  Condition newCondition() {
    return lock.newCondition();
  }

  // ---------------------------------------------------------------------------------------------
  // Client side: opening streams.

  /**
   * Opens a stream with its request headers queued (call {@link Http2Stream#flush()} or write
   * data next). Waits while the peer's concurrent-stream limit is reached.
   *
   * @throws Http2StreamClosedException when the connection is closed or going away, or its
   *     stream ids are used up; the failure kind is {@link StreamFailure.Kind#REFUSED} as nothing
   *     was sent, so the call may be retried on another connection
   */
  public Http2Stream newStream(Http2Headers headers, boolean endStream, Http2StreamListener listener)
      throws Http2StreamClosedException, InterruptedException {
    return newStream(headers, endStream, listener, Long.MAX_VALUE);
  }

  /**
   * Like {@link #newStream(Http2Headers, boolean, Http2StreamListener)}, waiting at most
   * {@code maxWaitNanos} for the peer's concurrent-stream limit; returns null when that wait
   * ran out (nothing was sent).
   */
  public Http2Stream newStream(Http2Headers headers, boolean endStream, Http2StreamListener listener, long maxWaitNanos)
      throws Http2StreamClosedException, InterruptedException {
    if (!client) {
      throw new IllegalStateException("servers do not open streams");
    }
    boolean lastId;
    Http2Stream stream;
    lock.lock();
    try {
      long left = maxWaitNanos;
      while (!closedToNewStreams() && streams.openLocal() >= peerMaxConcurrentStreams) {
        if (left <= 0) {
          return null;
        }
        left = left == Long.MAX_VALUE ? waitForSlot() : slotFreed.awaitNanos(left);
      }
      if (closedToNewStreams()) {
        if (terminated && !goAwaySent && !goAwayReceived) {
          // Why it failed: a connection that failed at once (a TLS alert just after the
          // handshake) must not hide its reason behind a generic one, nor be retried as if it
          // had only gone away (closed after a GOAWAY, which is refused below).
          String why = terminationFailure != null ? terminationFailure.detail() : "connection closed";
          throw new Http2StreamClosedException(
              "connection cannot take new streams: " + why,
              new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, null, why));
        }
        throw new Http2StreamClosedException(
            "connection cannot take new streams: it is going away",
            new StreamFailure(StreamFailure.Kind.REFUSED, Http2ErrorCode.REFUSED_STREAM, "connection is going away"));
      }
      readLoop.streamOpenedBy(Thread.currentThread());
      stream = new Http2Stream(streams.nextLocalId(), this);
      stream.listener = listener;
      flow.open(stream);
      streams.add(stream);
      // Queued under the lock so that stream ids reach the wire in increasing order.
      writer.stream(new WriteOp.Headers(stream, headers, null, endStream, false));
      if (endStream) {
        endLocal(stream);
      }
      lastId = streams.localIdsExhausted();
    } finally {
      lock.unlock();
    }
    if (lastId) {
      shutdownGracefully(); // the ids are used up: new calls need a new connection
    }
    return stream;
  }

  /** Waits without a bound; guarded by lock. */
  private long waitForSlot() throws InterruptedException {
    slotFreed.await();
    return Long.MAX_VALUE;
  }

  /** Guarded by lock. */
  private boolean closedToNewStreams() {
    return terminated || goAwayReceived || goAwaySent || streams.localIdsExhausted();
  }

  /** Guarded by lock. */
  void checkWritable(Http2Stream stream) throws Http2StreamClosedException {
    if (!stream.state.localOpen() || terminated) {
      StreamFailure failure = stream.failure != null ? stream.failure : terminationFailure;
      throw new Http2StreamClosedException("stream " + stream.id + " is closed for writing", failure);
    }
  }

  /** Marks our side of the stream finished; guarded by lock. */
  void endLocal(Http2Stream stream) {
    stream.state = stream.state.afterLocalEnd();
    if (stream.state == StreamState.CLOSED) {
      remove(stream);
    } else if (!client) {
      // A server that has answered in full asks the client to stop sending (RFC 9113 8.1).
      writer.stream(new WriteOp.StreamReset(stream, Http2ErrorCode.NO_ERROR, false));
      streams.rememberReset(stream.id);
      stream.state = StreamState.CLOSED;
      remove(stream);
    }
  }

  /** The peer has finished sending; the stream closes if we have too. Guarded by lock. */
  void endRemote(Http2Stream stream) {
    if (!stream.state.remoteOpen()) {
      return;
    }
    stream.state = stream.state.afterRemoteEnd();
    if (stream.state == StreamState.CLOSED) {
      remove(stream);
    }
  }

  /** Ends both directions of a stream at once (reset, failure); guarded by lock. */
  void closeStream(Http2Stream stream, StreamFailure failure) {
    stream.failure = failure;
    stream.state = StreamState.CLOSED;
    remove(stream);
  }

  /** Forgets a finished stream; guarded by lock. */
  private void remove(Http2Stream stream) {
    streams.remove(stream);
    flow.stopWaiting(stream);
    stream.signalCredit(); // a writer waiting for window must see that the stream is over
    if (streams.isLocal(stream.id)) {
      slotFreed.signal();
    }
    if (streams.isEmpty()) {
      idleSinceNanos = System.nanoTime();
      closeIfDone();
    }
  }

  /**
   * After a GOAWAY either way, the connection ends once no stream is left, with a GOAWAY of ours
   * last if we have not sent our final one (RFC 9113 6.8: an endpoint should send GOAWAY before
   * closing). A client sends its GOAWAY only then, so that it cannot overtake the HEADERS of
   * streams it opened just before (control frames go out ahead of stream frames). Guarded by lock.
   */
  private void closeIfDone() {
    if (terminated || !streams.isEmpty() || !(goAwaySent || goAwayReceived)) {
      return;
    }
    byte[] goAway = null;
    if (!finalGoAwayQueued) {
      finalGoAwayQueued = true;
      goAwaySent = true; // it names the last stream we take: later ones are refused
      goAway = Frames.goAway(client ? 0 : streams.lastPeerId(), Http2ErrorCode.NO_ERROR, "");
    }
    writer.closeWhenDone(goAway); // after the last streams' frames
    writer.flushAsync();
  }

  boolean onReaderThread() {
    return Thread.currentThread() == readerThread;
  }

  /** The reader goes on on {@code next}; called by the reader thread just before it starts it. */
  void readerMovesTo(Thread next) {
    readerThread = next;
  }

  /** Whether a platform thread reads the connection now; for tests. */
  boolean readsOnPlatformThread() {
    return !readerThread.isVirtual();
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle: shutdown, timers, close.

  /**
   * Sends GOAWAY and takes no new streams; streams in progress finish, then the connection
   * closes. A server sends the two-step GOAWAY described above.
   */
  public void shutdownGracefully() {
    lock.lock();
    try {
      if (terminated || goAwaySent || shutdownPingSent) {
        return;
      }
      if (client) {
        goAwaySent = true;
        closeIfDone();
      } else {
        shutdownPingSent = true;
        writer.control(Frames.goAway(StreamRegistry.MAX_STREAM_ID, Http2ErrorCode.NO_ERROR, "shutdown"));
        writer.control(Frames.ping(false, SHUTDOWN_PING));
        timers.finishShutdownAfter(config.shutdownPingTimeout().toNanos());
      }
      slotFreed.signalAll();
    } finally {
      lock.unlock();
    }
    writer.flushAsync();
  }

  /** The second GOAWAY of a graceful shutdown: the peer has seen the first (or we gave up waiting). */
  void finishShutdown() {
    lock.lock();
    try {
      if (terminated || goAwaySent) {
        return;
      }
      sendFinalGoAway();
    } finally {
      lock.unlock();
    }
    writer.flushAsync();
  }

  /** Guarded by lock. */
  private void sendFinalGoAway() {
    goAwaySent = true;
    finalGoAwayQueued = true;
    writer.control(Frames.goAway(streams.lastPeerId(), Http2ErrorCode.NO_ERROR, "shutdown"));
    closeIfDone();
  }

  /** Closes the connection now; open streams fail with {@link StreamFailure.Kind#CONNECTION_LOST}. */
  @Override
  public void close() {
    terminate(new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, Http2ErrorCode.CANCEL, "connection closed"));
  }

  /** Queues a PING of ours (keepalive). */
  void sendPing(long payload) {
    writer.control(Frames.ping(false, payload));
    writer.flushAsync();
  }

  void closeForKeepAlive() {
    LOG.log(Level.INFO, "{0}: no answer to a keepalive PING within {1}; closing", name, config.keepAliveTimeout());
    terminate(new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, null, "keepalive ping not answered"));
  }

  /**
   * Ends the connection for a protocol violation from any thread, without blocking: GOAWAY with
   * the error, then close once it is written (or soon after, if the peer does not read).
   */
  void abort(Http2Exception e) {
    queueGoAway(e);
    writer.flushAsync();
    timers.terminateAfter(failureOf(e), TimeUnit.MILLISECONDS.toNanos(GOAWAY_WRITE_MILLIS));
  }

  /** Queues GOAWAY for a connection error and asks the writer to stop after it. */
  void queueGoAway(Http2Exception e) {
    LOG.log(Level.INFO, "{0} ({1}): {2} {3}", name, remoteAddress(), e.code(), e.getMessage());
    int lastStreamId;
    lock.lock();
    try {
      if (terminated) {
        return;
      }
      goAwaySent = true;
      finalGoAwayQueued = true;
      lastStreamId = streams.lastPeerId();
    } finally {
      lock.unlock();
    }
    writer.closeAfterControl(Frames.goAway(lastStreamId, e.code(), e.getMessage()));
  }

  static StreamFailure failureOf(Http2Exception e) {
    return new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, e.code(), e.getMessage());
  }

  /** The writer has written our last frame: say so to the peer and give it a moment to close. */
  private void onOutputDone() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "{0}: shutting down output: {1}", name, e.getMessage());
    }
    outputDone.countDown();
    timers.terminateAfter(new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, null, "connection closed"), LINGER_NANOS);
  }

  /** Ends the connection once: closes the socket, fails open streams, tells the listener. */
  void terminate(StreamFailure failure) {
    List<Http2Stream> failed;
    lock.lock();
    try {
      if (terminated) {
        return;
      }
      if (failure.code() == null && goAwayFailure != null) {
        // The peer told us why before it closed: a stream lost with the connection learns it.
        failure = new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, goAwayFailure.code(), goAwayFailure.detail());
      }
      terminated = true;
      terminationFailure = failure;
      failed = streams.snapshot();
      for (Http2Stream stream : failed) {
        closeStream(stream, failure);
      }
      flow.wakeAll(failed);
      slotFreed.signalAll();
    } finally {
      lock.unlock();
    }
    timers.cancelAll();
    if (keepAlive != null) {
      keepAlive.stop();
    }
    writer.stop();
    try {
      socket.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "{0}: closing socket: {1}", name, e.getMessage());
    }
    outputDone.countDown();
    for (Http2Stream stream : failed) {
      notifyFailure(stream, failure);
    }
    connectionListener.onTerminated(this);
  }

  void notifyFailure(Http2Stream stream, StreamFailure failure) {
    Http2StreamListener listener = stream.listener;
    if (listener != null) {
      try {
        listener.onFailure(stream, failure);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "stream listener failed", e);
      }
    }
  }

  /** What the writer reports; runs on whichever thread was writing. */
  private final class WriterEvents implements WriteScheduler.Events {
    @Override
    public void onDataDropped(int bytes) {
      lock.lock();
      try {
        flow.giveBack(bytes);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onOutputDone() {
      Http2Connection.this.onOutputDone();
    }

    @Override
    public void onWriteFailure(Throwable failure) {
      if (failure instanceof IOException) {
        LOG.log(Level.DEBUG, "{0}: write failed: {1}", name, failure.getMessage());
      } else {
        LOG.log(Level.ERROR, name + ": writer failed", failure);
      }
      terminate(new StreamFailure(StreamFailure.Kind.CONNECTION_LOST, null, "write failed: " + failure.getMessage()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // What the dispatcher changes on the connection as a whole; guarded by lock.

  void onPeerMaxConcurrentStreams(int value) {
    peerMaxConcurrentStreams = value;
    slotFreed.signalAll();
  }

  boolean goAwaySent() {
    return goAwaySent;
  }

  /** The peer sent GOAWAY: refuse our streams above its last id, take no more. Guarded by lock. */
  List<Http2Stream> onGoAwayReceived(int lastStreamId, StreamFailure failure) {
    goAwayReceived = true;
    if (failure.code() != Http2ErrorCode.NO_ERROR) {
      goAwayFailure = failure;
    }
    List<Http2Stream> refused = new ArrayList<>();
    for (Http2Stream stream : streams.snapshot()) {
      if (streams.isLocal(stream.id) && stream.id > lastStreamId) {
        closeStream(stream, failure);
        refused.add(stream);
      }
    }
    closeIfDone();
    slotFreed.signalAll();
    return refused;
  }

  @Override
  public String toString() {
    return name + " " + socket;
  }
}
