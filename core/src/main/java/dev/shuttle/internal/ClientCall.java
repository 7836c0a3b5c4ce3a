package dev.shuttle.internal;

import dev.shuttle.BidiCall;
import dev.shuttle.CallOptions;
import dev.shuttle.Deadline;
import dev.shuttle.ClientStreamingCall;
import dev.shuttle.CompressionRegistry;
import dev.shuttle.Compressor;
import dev.shuttle.Metadata;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.ResponseMetadata;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One RPC on the client, of any kind: the request stream written by the caller's thread, the
 * response assembled by the reader thread, and the final status. The caller blocks on it for
 * responses; nothing of the application runs on the reader thread.
 */
public final class ClientCall<Req, Resp>
    implements ClientStreamListener, ClientStreamingCall<Req, Resp>, BidiCall<Req, Resp> {
  private static final int MAX_ATTEMPTS = 3;

  /** Where calls get their connection. */
  public interface ConnectionSource {
    /**
     * A usable connection, connecting when needed, by the deadline (null for none).
     *
     * @throws StatusException {@code UNAVAILABLE} when none can be had, {@code DEADLINE_EXCEEDED}
     *     when connecting outlasts the deadline
     */
    ClientTransport connection(Deadline deadline);

    int maxInboundMessageSize();

    /** The encodings the channel writes and reads. */
    CompressionRegistry compression();

    /** A call has its stream: it runs until {@link #callEnded}, told exactly once for it. */
    void callStarted();

    /** A call told in {@link #callStarted} has ended. */
    void callEnded();
  }

  private final ConnectionSource source;
  private final MethodDescriptor<Req, Resp> method;
  private final CallOptions options;
  /** The call's deadline: its options', and the handler's when made on a handler thread; or null. */
  private final Deadline deadline;

  private final ReentrantLock lock = new ReentrantLock();
  // One condition per thing a caller waits for, so that each event wakes only the callers it
  // concerns: a unary caller sleeps through the response's headers and message and wakes once,
  // at its end. A platform thread pays an OS wake-up (and a context switch) for every wake.
  /** Signalled when the response headers arrive, and when the call ends. */
  private final Condition headersOrEnd = lock.newCondition();
  /** Signalled when a response message is ready, and when the call ends. */
  private final Condition messageOrEnd = lock.newCondition();
  /** Signalled when the call ends. */
  private final Condition ended = lock.newCondition();
  // Guarded by lock.
  private final InboundMessages messages;
  private Metadata headers;
  private Metadata trailers = new Metadata();
  private Status status;
  private boolean cancelledLocally;
  private ScheduledFuture<?> deadlineTimer;
  private boolean refusedUnprocessed;
  /** Whether the source counts this call as running (between callStarted and callEnded). */
  private boolean counted;

  /** Serializes requests and the half-close, from the caller's thread. */
  private final ReentrantLock writeLock = new ReentrantLock();
  // Set once in start(); volatile because the reader and timer threads may cancel through it.
  private volatile ClientStream stream;
  private boolean halfClosed;
  /** How requests are compressed (null: not), and whether the next ones are. */
  private final Compressor requestCompressor;
  private volatile boolean compressMessages = true;
  private volatile boolean lastReceivedCompressed;

  public ClientCall(ConnectionSource source, MethodDescriptor<Req, Resp> method, CallOptions options) {
    this.source = source;
    this.method = method;
    this.options = options;
    this.deadline = options.effectiveDeadline(ServerCall.currentDeadline());
    this.messages = new InboundMessages(source.maxInboundMessageSize(), MessageBudget.UNLIMITED);
    String encoding = options.compression();
    this.requestCompressor = source.compression().compressor(encoding);
    if (requestCompressor == null && encoding != null && !encoding.equals(CompressionRegistry.IDENTITY)) {
      throw new StatusException(Status.INTERNAL.withDescription("no compressor registered for " + encoding));
    }
  }

  @Override
  public void setMessageCompression(boolean compress) {
    compressMessages = compress;
  }

  @Override
  public boolean isMessageCompressed() {
    return lastReceivedCompressed;
  }

  // ---------------------------------------------------------------------------------------------
  // The four call shapes, as the Channel uses them.

  /** Sends the request and waits for the single response. */
  public Resp unary(Req request) {
    FramedMessage framed = serialize(request);
    start();
    sendLast(framed);
    return awaitSingleResponse();
  }

  /** Sends the request; responses follow through {@link #receive()}. */
  public ClientCall<Req, Resp> serverStreaming(Req request) {
    FramedMessage framed = serialize(request);
    start();
    sendLast(framed);
    return this;
  }

  /** Opens the call; requests follow through {@link #send}. */
  public ClientCall<Req, Resp> open() {
    start();
    stream.flush();
    return this;
  }

  /** The deadline every attempt of this call shares; null for none. */
  public Deadline deadline() {
    return deadline;
  }

  private void start() {
    checkDeadline("before the call started");
    for (int attempt = 1; ; attempt++) {
      ClientTransport connection = source.connection(deadline);
      checkDeadline("while connecting");
      try {
        stream =
            connection.newStream(
                method,
                options.metadata(),
                deadline,
                requestCompressor == null ? null : requestCompressor.encoding(),
                source.compression().acceptEncoding(),
                this,
                deadline == null ? Long.MAX_VALUE : deadline.remainingNanos());
        if (stream == null) {
          checkDeadline("while waiting for the server to take one more stream");
          continue; // not reached: the wait ends only by the deadline
        }
        break;
      } catch (StreamClosedException e) {
        // A connection going away before this call reached it sent nothing of it, so another
        // connection may take the call; one that failed says why.
        if (attempt == MAX_ATTEMPTS || !e.refused()) {
          throw new StatusException(Status.UNAVAILABLE.withDescription("no usable connection: " + e.getMessage()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        checkDeadline("while waiting for the server to take one more stream");
        throw new StatusException(Status.CANCELLED.withDescription("the calling thread was interrupted"));
      }
    }
    lock.lock();
    try {
      if (status == null) { // a call ended already (its stream refused it at once) is not counted
        counted = true;
        source.callStarted(); // under the lock: counted before complete() can uncount it
      }
    } finally {
      lock.unlock();
    }
    if (deadline != null) {
      ScheduledFuture<?> timer =
          Deadlines.schedule(
              () -> cancel(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded: " + deadline)),
              deadline.remainingNanos());
      lock.lock();
      try {
        if (status == null) {
          deadlineTimer = timer;
        } else {
          timer.cancel(false);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private void checkDeadline(String when) {
    if (deadline != null && deadline.isExpired()) {
      throw new StatusException(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded " + when));
    }
  }

  /**
   * The caller's thread was interrupted while it waited: the call is cancelled (RST_STREAM
   * CANCEL), the interrupt stays set, and the caller gets {@code CANCELLED}, or
   * {@code DEADLINE_EXCEEDED} once the deadline has passed: a handler calling on its own thread
   * is interrupted when the deadline it passed on expires, the same instant as this call's.
   */
  private StatusException interrupted() {
    Status cancelled =
        deadline != null && deadline.isExpired()
            ? Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded: " + deadline)
            : Status.CANCELLED.withDescription("the calling thread was interrupted");
    cancel(cancelled);
    Thread.currentThread().interrupt();
    return new StatusException(cancelled);
  }

  private FramedMessage serialize(Req request) {
    try {
      return MessageFramer.frame(method.requestMarshaller(), request, compressMessages ? requestCompressor : null);
    } catch (StatusException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StatusException(Status.INTERNAL.withDescription("could not serialize request").withCause(e));
    }
  }

  private void sendLast(FramedMessage framed) {
    writeLock.lock();
    try {
      halfClosed = true;
      MessageFramer.write(stream, framed, true);
    } catch (StreamClosedException e) {
      // The call has ended already; its status tells why.
    } catch (InterruptedException e) {
      throw interrupted();
    } finally {
      writeLock.unlock();
    }
    stream.flush();
  }

  // ---------------------------------------------------------------------------------------------
  // Sending, for client-streaming and bidi calls.

  @Override
  public void send(Req message) {
    FramedMessage framed = serialize(message);
    writeLock.lock();
    try {
      if (halfClosed) {
        throw new IllegalStateException("send after halfClose");
      }
      throwIfFailed();
      MessageFramer.write(stream, framed, false);
    } catch (StreamClosedException e) {
      // The server may answer before reading every request; what follows its OK is dropped, as
      // the call has nothing more to do with it. Any other end is the caller's to know.
      throwIfFailed();
      if (!hasEnded()) {
        throw new StatusException(Status.CANCELLED.withDescription("call already ended"));
      }
    } catch (InterruptedException e) {
      throw interrupted();
    } finally {
      writeLock.unlock();
    }
    stream.flush();
  }

  @Override
  public void halfClose() {
    writeLock.lock();
    try {
      if (halfClosed) {
        return;
      }
      halfClosed = true;
      stream.halfClose();
    } catch (StreamClosedException e) {
      // Ended already; receive() reports the status.
    } catch (InterruptedException e) {
      throw interrupted();
    } finally {
      writeLock.unlock();
    }
    stream.flush();
  }

  @Override
  public Resp finish() {
    halfClose();
    return awaitSingleResponse();
  }

  private boolean hasEnded() {
    lock.lock();
    try {
      return status != null;
    } finally {
      lock.unlock();
    }
  }

  private void throwIfFailed() {
    lock.lock();
    try {
      if (status != null && !status.isOk()) {
        throw new StatusException(status, trailers);
      }
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Receiving.

  private Resp awaitSingleResponse() {
    byte[] message;
    boolean compressed;
    lock.lock();
    try {
      while (status == null) {
        await(ended);
      }
      if (!status.isOk()) {
        throw new StatusException(status, trailers);
      }
      if (messages.size() != 1) {
        throw new StatusException(
            Status.INTERNAL.withDescription("expected one response message, got " + messages.size()), trailers);
      }
      message = messages.poll();
      compressed = messages.polledCompressed();
    } finally {
      lock.unlock();
    }
    return parse(message, compressed);
  }

  @Override
  public Resp receive() {
    byte[] message;
    boolean compressed;
    int release = 0;
    lock.lock();
    try {
      while (messages.isEmpty() && status == null) {
        await(messageOrEnd);
      }
      if (status != null && (cancelledLocally || messages.isEmpty())) {
        if (!status.isOk()) {
          throw new StatusException(status, trailers);
        }
        return null;
      }
      message = messages.poll();
      compressed = messages.polledCompressed();
      if (status == null) {
        release = messages.windowToRelease();
      }
    } finally {
      lock.unlock();
    }
    if (release > 0) {
      stream.consumed(release);
    }
    return parse(message, compressed);
  }

  /** Inflates (on the caller's thread, not the reader's) and parses a response message. */
  private Resp parse(byte[] message, boolean compressed) {
    try {
      message = messages.decode(message, compressed);
    } catch (StatusException e) {
      cancel(e.status());
      throw new StatusException(e.status(), trailers());
    }
    lastReceivedCompressed = compressed;
    ResponseMetadata holder = options.responseMetadata();
    if (holder != null) {
      holder.setMessageCompressed(compressed);
    }
    try {
      return method.responseMarshaller().parse(message, 0, message.length);
    } catch (IOException | RuntimeException e) {
      Status failure = Status.INTERNAL.withDescription("invalid response message: " + e.getMessage());
      cancel(failure);
      throw new StatusException(failure);
    }
  }

  @Override
  public Metadata headers() {
    lock.lock();
    try {
      while (headers == null && status == null) {
        await(headersOrEnd);
      }
      return headers == null ? new Metadata() : headers;
    } finally {
      lock.unlock();
    }
  }

  /** Waits for {@code condition} to be signalled; an interrupt cancels the call. Holds the lock. */
  private void await(Condition condition) {
    try {
      condition.await();
    } catch (InterruptedException e) {
      throw interrupted(); // the lock is reentrant: cancelling under it is fine
    }
  }

  @Override
  public Metadata trailers() {
    lock.lock();
    try {
      return trailers;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    cancel(Status.CANCELLED.withDescription("call cancelled by the client"));
  }

  /** Ends the call from this side: the status is set and the stream reset. */
  public void cancel(Status reason) {
    if (complete(reason, null, true) && stream != null) {
      stream.cancel();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // ClientStreamListener, on the transport's thread.

  @Override
  public void onHeaders(ClientStream stream, Metadata received, String encoding) {
    ResponseMetadata holder = options.responseMetadata();
    if (holder != null) {
      holder.setHeaders(received);
    }
    lock.lock();
    try {
      headers = received;
      messages.setEncoding(encoding, source.compression());
      headersOrEnd.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onTrailers(Status end, Metadata received) {
    lock.lock();
    try {
      if (!messages.isAtMessageBoundary()) {
        end = Status.INTERNAL.withDescription("response ended inside a message");
      }
    } finally {
      lock.unlock();
    }
    complete(end, received, false);
  }

  @Override
  public void onData(ClientStream stream, byte[] data, int offset, int length, boolean endStream) {
    int release = 0;
    Status error = null;
    lock.lock();
    try {
      if (status != null) {
        return;
      }
      try {
        release = messages.onData(data, offset, length);
      } catch (StatusException e) {
        error = e.status();
      }
      if (!messages.isEmpty()) {
        messageOrEnd.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (error != null) {
      cancel(error);
      return;
    }
    if (release > 0 && !endStream) {
      stream.consumed(release);
    }
    if (endStream) {
      // END_STREAM on DATA means the server sent no trailers, hence no status.
      complete(Status.INTERNAL.withDescription("response ended without trailers"), null, false);
    }
  }

  @Override
  public void onFailure(Status failure, boolean refusedUnprocessed) {
    if (refusedUnprocessed) {
      lock.lock();
      try {
        this.refusedUnprocessed = true;
      } finally {
        lock.unlock();
      }
    }
    complete(failure, null, false);
  }

  /**
   * Whether the server refused the call before processing any of it (REFUSED_STREAM, or a GOAWAY
   * that excludes it), so that sending it again cannot run it twice.
   */
  public boolean wasRefusedUnprocessed() {
    lock.lock();
    try {
      return refusedUnprocessed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records the final status once; returns whether this call set it. Whatever thread ends the
   * call wakes every waiter and stops the deadline timer.
   */
  private boolean complete(Status end, Metadata endTrailers, boolean local) {
    ScheduledFuture<?> timer;
    boolean uncount;
    lock.lock();
    try {
      if (status != null) {
        return false;
      }
      // The holder is filled before the status is published: a caller woken by the status
      // must find the trailers there.
      ResponseMetadata holder = options.responseMetadata();
      if (holder != null && endTrailers != null) {
        holder.setTrailers(endTrailers);
      }
      if (!local && end.code() == Status.Code.CANCELLED && deadline != null && deadline.isExpired()) {
        // The server gave up on our deadline (RST_STREAM CANCEL) just before our own timer fired.
        end = Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded: " + deadline);
      }
      status = end;
      cancelledLocally = local;
      if (endTrailers != null) {
        trailers = endTrailers;
      }
      timer = deadlineTimer;
      deadlineTimer = null;
      uncount = counted;
      counted = false;
      ended.signalAll();
      messageOrEnd.signalAll();
      headersOrEnd.signalAll();
    } finally {
      lock.unlock();
    }
    if (timer != null) {
      timer.cancel(false);
    }
    if (uncount) {
      source.callEnded();
    }
    return true;
  }
}
