package dev.shuttle.internal;

import dev.shuttle.BidiStreamingHandler;
import dev.shuttle.Deadline;
import dev.shuttle.ClientStreamingHandler;
import dev.shuttle.Metadata;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.Server;
import dev.shuttle.ServerContext;
import dev.shuttle.ServerMethod;
import dev.shuttle.ServerStreamingHandler;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.StreamSink;
import dev.shuttle.StreamSource;
import dev.shuttle.UnaryHandler;
import dev.shuttle.http2.InterruptGuard;
import dev.shuttle.http2.LazyLogger;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One RPC on the server: receives the request stream from the reader thread, runs the handler on
 * its own thread, and decides how the call ends; its {@link ServerResponse} writes the answer. It
 * is also the handler's {@link ServerContext}, its request {@link StreamSource} and its response
 * {@link StreamSink}.
 *
 * <p>When the client sends one message (unary and server-streaming), the handler starts only
 * once that message and the end of the request are in, so it never waits for input.
 *
 * <p>The call holds its stream's concurrency slot until the handler returns, and the request
 * bytes it buffers count against the server's {@link RequestBufferBudget}. A cancelled or
 * expired call wakes its handler: blocked {@code receive} and {@code send} end with
 * {@link StatusException}, and the handler's thread is interrupted unless the server was built
 * not to.
 */
public final class ServerCall<Req, Resp>
    implements ServerStreamListener, ServerContext, StreamSink<Resp>, StreamSource<Req> {
  private static final System.Logger LOG = LazyLogger.of(ServerCall.class);

  private final ServerStream stream;
  private final ServerMethod<Req, Resp> method;
  private final MethodDescriptor<Req, Resp> descriptor;
  private final Metadata requestMetadata;
  private static final ThreadLocal<ServerCall<?, ?>> CURRENT = new ThreadLocal<>();

  /** The client's deadline, or null. */
  private final Deadline deadline;
  private final Executor executor;
  private final boolean interruptOnCancel;

  private final ConnectionCalls connectionCalls;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private final InboundMessages messages;
  private boolean halfClosed;
  private Status cancelStatus;
  private boolean started;
  private boolean handlerDone;
  private InterruptGuard handlerGuard;
  private List<Runnable> cancelActions;
  private ScheduledFuture<?> deadlineTimer;
  /** The handler runs on after the call ended, its stream's slot given back (ConnectionCalls). */
  private boolean lingering;

  private final ServerResponse<Resp> response;
  private final ServerCallSettings settings;
  private volatile boolean lastReceivedCompressed;
  /** The status a call failed for the client's bad input must be answered with; null otherwise. */
  private volatile Status failStatus;
  /** Values interceptors attached, set and read on the handler's thread; null until the first. */
  private Map<Key<?>, Object> attached;

  /**
   * @param stream the call's stream, holding its concurrency slot until {@link ServerStream#releaseSlot()}
   * @param requestMetadata the request's metadata, the call's own
   * @param deadline the client's deadline, or null
   * @param encoding the request's {@code grpc-encoding}, or null
   * @param acceptEncoding the request's {@code grpc-accept-encoding}, or null
   */
  ServerCall(
      ServerStream stream,
      ServerMethod<Req, Resp> method,
      Metadata requestMetadata,
      Deadline deadline,
      String encoding,
      String acceptEncoding,
      ServerCallSettings settings,
      ConnectionCalls connectionCalls) {
    this.stream = stream;
    this.method = method;
    this.descriptor = method.descriptor();
    this.requestMetadata = requestMetadata;
    this.deadline = deadline;
    this.executor = settings.executor();
    this.interruptOnCancel = settings.interruptHandlersOnCancel();
    this.messages = new InboundMessages(settings.maxInboundMessageSize(), connectionCalls.budget());
    this.connectionCalls = connectionCalls;
    this.settings = settings;
    this.response = new ServerResponse<>(stream, descriptor, settings.compression(), acceptEncoding, new End());
    messages.setEncoding(encoding, settings.compression());
  }

  /** Called on the reader thread once the call is set up as the stream's listener. */
  void begin(boolean endStream) {
    if (deadline != null) {
      long delay = deadline.remainingNanos();
      if (delay <= 0) {
        answerEarly(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded before the call began"));
        return;
      }
      ScheduledFuture<?> timer =
          Deadlines.schedule(new Task(Task.DEADLINE_EXCEEDED), delay);
      lock.lock();
      try {
        deadlineTimer = timer;
      } finally {
        lock.unlock();
      }
    }
    if (endStream) {
      onEndOfRequest();
    } else if (descriptor.type().clientStreams()) {
      start();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Inbound, on the reader thread.

  @Override
  public void onHalfClose() {
    onEndOfRequest();
  }

  @Override
  public void onData(byte[] data, int offset, int length, boolean endStream) {
    int release = 0;
    Status error = null;
    lock.lock();
    try {
      if (cancelStatus != null || handlerDone) {
        return; // nobody will read it: not buffered, and no window returned for it
      }
      try {
        release = messages.onData(data, offset, length);
      } catch (StatusException e) {
        error = e.status();
        return;
      }
      if (!descriptor.type().clientStreams() && messages.size() > 1) {
        error = Status.INTERNAL.withDescription("more than one request message for " + descriptor.type());
        return;
      }
      if (!messages.isEmpty()) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
      if (error != null) {
        answerEarly(error);
      }
    }
    if (release > 0) {
      stream.consumed(release);
    }
    if (endStream) {
      onEndOfRequest();
    }
  }

  private void onEndOfRequest() {
    boolean startNow = false;
    Status error = null;
    lock.lock();
    try {
      if (cancelStatus != null || halfClosed) {
        return;
      }
      halfClosed = true;
      changed.signalAll();
      if (!messages.isAtMessageBoundary()) {
        error = Status.INTERNAL.withDescription("request ended inside a message");
      } else if (!descriptor.type().clientStreams()) {
        if (messages.size() != 1) {
          error = Status.INTERNAL.withDescription("expected one request message, got " + messages.size());
        } else {
          startNow = true;
        }
      }
    } finally {
      lock.unlock();
    }
    if (error != null) {
      answerEarly(error);
    } else if (startNow) {
      start();
    }
  }

  @Override
  public void onFailure(Status status) {
    cancel(status, false);
  }

  /**
   * Ends the call before its handler did, for the client's bad input or its deadline: answered
   * with the status when possible, else reset. A deadline is answered rather than just reset so
   * that the client reads DEADLINE_EXCEEDED even when our timer fires a little before its own.
   */
  private void answerEarly(Status status) {
    if (!endEarly(status, true)) {
      return;
    }
    response.answerEarly(status);
  }

  /** Cancels the call (client reset, connection lost, or deadline); the handler sees it. */
  private void cancel(Status status, boolean resetStream) {
    if (endEarly(status, false) && resetStream) {
      stream.cancel();
    }
  }

  /**
   * Records why the call ends before its handler finished it, drops what it buffered, and wakes
   * the handler; returns false when the call had already ended. {@code answerOwed}: the client
   * is to be answered with the status (its bad input), not just reset.
   */
  private boolean endEarly(Status status, boolean answerOwed) {
    boolean neverStarted;
    boolean freeSlot;
    List<Runnable> actions;
    lock.lock();
    try {
      if (cancelStatus != null || handlerDone) {
        return false;
      }
      cancelStatus = status;
      if (answerOwed) {
        failStatus = status; // before the handler wakes: whoever closes the call answers with it
      }
      messages.discard();
      changed.signalAll();
      if (handlerGuard != null && interruptOnCancel) {
        handlerGuard.interrupt();
      }
      neverStarted = !started;
      // The handler was woken; should it not return, its slot goes back anyway, up to a bound.
      lingering = started && connectionCalls.startLingering();
      freeSlot = neverStarted || lingering;
      actions = cancelActions;
      cancelActions = null;
    } finally {
      lock.unlock();
    }
    if (actions != null) {
      actions.forEach(ServerCall::runCancelAction);
    }
    cancelDeadlineTimer();
    if (freeSlot) {
      stream.releaseSlot();
    }
    return true;
  }

  private void cancelDeadlineTimer() {
    ScheduledFuture<?> timer;
    lock.lock();
    try {
      timer = deadlineTimer;
      deadlineTimer = null;
    } finally {
      lock.unlock();
    }
    if (timer != null) {
      timer.cancel(false);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Running the handler.

  private void start() {
    lock.lock();
    try {
      if (started || cancelStatus != null) {
        return;
      }
      started = true;
    } finally {
      lock.unlock();
    }
    try {
      if (executor == null) {
        Thread.startVirtualThread(new Task(Task.HANDLE));
      } else {
        executor.execute(new Task(Task.HANDLE));
      }
    } catch (RejectedExecutionException e) {
      lock.lock();
      try {
        started = false; // so that failing it frees its slot
      } finally {
        lock.unlock();
      }
      answerEarly(Status.RESOURCE_EXHAUSTED.withDescription("server is too busy"));
    }
  }

  /**
   * What runs on another thread: the handler, or the deadline's expiry. A class rather than
   * lambdas, each of which would be a class spun at run time during a cold server's first call.
   */
  private final class Task implements Runnable {
    static final int HANDLE = 0;
    static final int DEADLINE_EXCEEDED = 1;

    private final int kind;

    Task(int kind) {
      this.kind = kind;
    }

    @Override
    public void run() {
      if (kind == HANDLE) {
        ServerCall.this.run();
      } else {
        answerEarly(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded"));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void run() {
    if (!enterHandler()) {
      leaveHandler();
      return;
    }
    Status status = Status.OK;
    Metadata trailers = null;
    Resp single = null;
    try {
      Object handler = method.handler();
      switch (descriptor.type()) {
        case UNARY -> single = ((UnaryHandler<Req, Resp>) handler).handle(firstRequest(), this);
        case SERVER_STREAMING -> ((ServerStreamingHandler<Req, Resp>) handler).handle(firstRequest(), this, this);
        case CLIENT_STREAMING -> single = ((ClientStreamingHandler<Req, Resp>) handler).handle(this, this);
        case BIDI_STREAMING -> ((BidiStreamingHandler<Req, Resp>) handler).handle(this, this, this);
      }
      if (single == null && !descriptor.type().serverStreams()) {
        status = Status.INTERNAL.withDescription("handler returned no response");
      }
    } catch (StatusException e) {
      status = e.status();
      trailers = e.trailers();
      single = null;
    } catch (Throwable t) {
      // The exception's text stays here: it may say more than the client should know.
      // A handler interrupted by its call's cancellation often fails for that very reason.
      LOG.log(isCancelled() ? Level.DEBUG : Level.WARNING, "handler of " + descriptor.fullName() + " failed", t);
      status = Status.UNKNOWN;
      single = null;
    }
    // The slot is free before the client can see the call end, so it may start the next at once.
    leaveHandler();
    try {
      if (single != null) {
        response.respond(single);
      } else {
        response.close(status, trailers);
      }
    } catch (StatusException e) {
      response.close(e.status(), e.trailers());
    }
  }

  /** Marks the handler as running on this thread; false when the call ended before it began. */
  private boolean enterHandler() {
    lock.lock();
    try {
      if (cancelStatus != null) {
        return false;
      }
      handlerGuard = InterruptGuard.current();
      CURRENT.set(this);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The handler is done: nothing more is buffered for it, an interrupt meant for it is cleared
   * (the thread may be an executor's, and goes on to other work), and its stream slot is free.
   */
  private void leaveHandler() {
    boolean wasLingering;
    lock.lock();
    try {
      handlerGuard = null;
      handlerDone = true;
      cancelActions = null;
      messages.discard();
      wasLingering = lingering;
      lingering = false;
    } finally {
      lock.unlock();
    }
    CURRENT.remove();
    Thread.interrupted();
    cancelDeadlineTimer();
    if (wasLingering) {
      connectionCalls.stopLingering();
    }
    stream.releaseSlot();
  }

  private Req firstRequest() {
    Req request = receive();
    if (request == null) {
      throw new StatusException(Status.INTERNAL.withDescription("no request message"));
    }
    return request;
  }

  private Status cancelStatus() {
    lock.lock();
    try {
      return cancelStatus;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // StreamSink: the handler's responses.

  @Override
  public void send(Resp message) {
    response.send(message);
  }

  // ---------------------------------------------------------------------------------------------
  // StreamSource: the client's requests.

  @Override
  public Req receive() {
    byte[] message;
    boolean compressed;
    int release = 0;
    lock.lock();
    try {
      while (messages.isEmpty() && !halfClosed && cancelStatus == null) {
        changed.awaitUninterruptibly();
      }
      if (cancelStatus != null) {
        throw new StatusException(cancelStatus);
      }
      message = messages.poll();
      if (message == null) {
        return null;
      }
      compressed = messages.polledCompressed();
      release = messages.windowToRelease();
    } finally {
      lock.unlock();
    }
    if (release > 0) {
      stream.consumed(release);
    }
    try {
      message = messages.decode(message, compressed); // inflated here, on the handler's thread
    } catch (StatusException e) {
      answerEarly(e.status());
      throw e;
    }
    lastReceivedCompressed = compressed;
    try {
      return descriptor.requestMarshaller().parse(message, 0, message.length);
    } catch (IOException | RuntimeException e) {
      Status status = Status.INTERNAL.withDescription("invalid request message: " + e.getMessage());
      answerEarly(status);
      throw new StatusException(status);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // ServerContext.

  @Override
  public MethodDescriptor<?, ?> method() {
    return descriptor;
  }

  @Override
  public Metadata requestMetadata() {
    return requestMetadata;
  }

  @Override
  public Duration timeRemaining() {
    return deadline == null ? null : Duration.ofNanos(Math.max(0, deadline.remainingNanos()));
  }

  @Override
  public Deadline deadline() {
    return deadline;
  }

  @Override
  public Server server() {
    return settings.server();
  }

  @Override
  public void setCompression(String encoding) {
    response.setCompression(encoding);
  }

  @Override
  public void setMessageCompression(boolean compress) {
    response.setMessageCompression(compress);
  }

  @Override
  public boolean isMessageCompressed() {
    return lastReceivedCompressed;
  }

  @Override
  public void onCancel(Runnable action) {
    java.util.Objects.requireNonNull(action, "action");
    lock.lock();
    try {
      if (cancelStatus == null) {
        if (!handlerDone) {
          if (cancelActions == null) {
            cancelActions = new ArrayList<>(2);
          }
          cancelActions.add(action);
        }
        return;
      }
    } finally {
      lock.unlock();
    }
    runCancelAction(action); // ended already
  }

  private static void runCancelAction(Runnable action) {
    Thread.ofVirtual().name("shuttle-on-cancel").start(() -> {
      try {
        action.run();
      } catch (Throwable t) {
        LOG.log(Level.WARNING, "an onCancel action failed", t);
      }
    });
  }

  /** The call whose handler runs on this thread, or null. */
  public static ServerCall<?, ?> current() {
    return CURRENT.get();
  }

  /** The deadline of the handler running on this thread, or null: calls it makes inherit it. */
  public static Deadline currentDeadline() {
    ServerCall<?, ?> call = CURRENT.get();
    return call == null ? null : call.deadline;
  }

  @Override
  public boolean isCancelled() {
    return cancelStatus() != null;
  }

  @Override
  public Metadata responseHeaders() {
    return response.headers();
  }

  @Override
  public Metadata responseTrailers() {
    return response.trailers();
  }

  @Override
  public SocketAddress remoteAddress() {
    return stream.remoteAddress();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(Key<T> key) {
    Map<Key<?>, Object> values = attached;
    return values == null ? null : (T) values.get(key);
  }

  @Override
  public <T> void set(Key<T> key, T value) {
    Objects.requireNonNull(key, "key");
    if (attached == null) {
      attached = new IdentityHashMap<>(4);
    }
    attached.put(key, value);
  }

  @Override
  public javax.net.ssl.SSLSession tlsSession() {
    return stream.tlsSession();
  }

  /** How the call ended, as its response needs to know. */
  private final class End implements ServerResponse.CallEnd {
    @Override
    public Status cancelStatus() {
      return ServerCall.this.cancelStatus();
    }

    @Override
    public Status owedStatus() {
      return failStatus;
    }
  }
}
