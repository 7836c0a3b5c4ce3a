package dev.shuttle;

import dev.shuttle.internal.ClientCall;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A unary or server-streaming call opened as a stream (what interceptors see), run on the
 * channel's own path for its kind: the one request waits for the half-close; a unary call then
 * runs at the first read, in one flush and with the transparent retry, and a server-streaming
 * call opens at the half-close. Closing it early cancels whichever attempt is running.
 */
final class OneRequestCall<Req, Resp> implements BidiCall<Req, Resp>, Channel.Attempts {
  private final Channel channel;
  private final MethodDescriptor<Req, Resp> method;
  private final CallOptions options;
  /** A unary call's response metadata, which its caller's holder (if any) gets a copy of. */
  private final ResponseMetadata received = new ResponseMetadata();
  private final ResponseMetadata callersHolder;

  private final ReentrantLock lock = new ReentrantLock();
  private Req request; // guarded by lock, as is everything below
  private boolean halfClosed;
  private boolean closed;
  private ClientCall<?, ?> attempt; // the unary attempt running now
  private ResponseStream<Resp> responses; // the server-streaming call, once open
  private boolean unaryDone;
  private Resp unaryResponse;
  private RuntimeException unaryFailure;
  private boolean compressRequest = true;

  OneRequestCall(Channel channel, MethodDescriptor<Req, Resp> method, CallOptions options) {
    this.channel = channel;
    this.method = method;
    this.options = options;
    this.callersHolder = options.responseMetadata();
  }

  @Override
  public void send(Req message) {
    lock.lock();
    try {
      if (halfClosed || closed) {
        throw new IllegalStateException("send after halfClose or close");
      }
      if (request != null) {
        throw new IllegalStateException(method.fullName() + " takes one request");
      }
      request = java.util.Objects.requireNonNull(message, "message");
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void halfClose() {
    Req only;
    lock.lock();
    try {
      if (halfClosed) {
        return;
      }
      halfClosed = true;
      only = request;
    } finally {
      lock.unlock();
    }
    if (only == null) {
      throw new IllegalStateException(method.fullName() + " needs its request before halfClose");
    }
    if (method.type() == MethodType.SERVER_STREAMING) {
      ResponseStream<Resp> opened = channel.serverStreamingCallFixed(method, only, requestOptions());
      boolean cancel;
      lock.lock();
      try {
        responses = opened;
        cancel = closed;
      } finally {
        lock.unlock();
      }
      if (cancel) {
        opened.close();
      }
    }
  }

  private CallOptions requestOptions() {
    return compressRequest ? options : options.withCompression(null);
  }

  @Override
  public void setMessageCompression(boolean compress) {
    lock.lock();
    try {
      compressRequest = compress;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Resp receive() {
    ResponseStream<Resp> stream;
    boolean runUnary;
    Req only;
    lock.lock();
    try {
      if (!halfClosed) {
        throw new IllegalStateException("receive before halfClose: " + method.fullName() + " takes one request");
      }
      if (closed && !unaryDone && responses == null) {
        throw new StatusException(Status.CANCELLED.withDescription("the call was closed"));
      }
      stream = responses;
      runUnary = method.type() == MethodType.UNARY && !unaryDone;
      only = request;
    } finally {
      lock.unlock();
    }
    if (stream != null) {
      return stream.receive();
    }
    if (runUnary) {
      runUnary(only);
    }
    lock.lock();
    try {
      if (unaryFailure != null) {
        throw unaryFailure;
      }
      Resp next = unaryResponse;
      unaryResponse = null;
      return next;
    } finally {
      lock.unlock();
    }
  }

  private void runUnary(Req only) {
    Resp response = null;
    RuntimeException failure = null;
    try {
      response = channel.unaryCall(method, only, requestOptions().withResponseMetadata(received), this);
    } catch (RuntimeException e) {
      failure = e;
    }
    if (callersHolder != null) {
      callersHolder.setHeaders(received.headers());
      callersHolder.setTrailers(received.trailers());
      callersHolder.setMessageCompressed(received.isMessageCompressed());
    }
    lock.lock();
    try {
      unaryDone = true;
      unaryResponse = response;
      unaryFailure = failure;
      attempt = null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void running(ClientCall<?, ?> running) {
    boolean cancel;
    lock.lock();
    try {
      attempt = running;
      cancel = closed;
    } finally {
      lock.unlock();
    }
    if (cancel) {
      running.cancel(Status.CANCELLED.withDescription("the call was closed"));
    }
  }

  @Override
  public Metadata headers() {
    ResponseStream<Resp> stream = currentStream();
    return stream != null ? stream.headers() : received.headers();
  }

  @Override
  public Metadata trailers() {
    ResponseStream<Resp> stream = currentStream();
    return stream != null ? stream.trailers() : received.trailers();
  }

  @Override
  public boolean isMessageCompressed() {
    ResponseStream<Resp> stream = currentStream();
    return stream != null ? stream.isMessageCompressed() : received.isMessageCompressed();
  }

  private ResponseStream<Resp> currentStream() {
    lock.lock();
    try {
      return responses;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    ClientCall<?, ?> running;
    ResponseStream<Resp> stream;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      running = attempt;
      stream = responses;
    } finally {
      lock.unlock();
    }
    if (running != null) {
      running.cancel(Status.CANCELLED.withDescription("the call was closed"));
    }
    if (stream != null) {
      stream.close();
    }
  }
}
