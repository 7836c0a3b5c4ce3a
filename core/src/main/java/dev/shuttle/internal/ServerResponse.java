package dev.shuttle.internal;

import dev.shuttle.CompressionRegistry;
import dev.shuttle.Compressor;
import dev.shuttle.Metadata;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.http2.LazyLogger;
import java.lang.System.Logger.Level;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The response side of one server call: headers, messages, then the status, in that order and
 * once each, from whichever thread ends the call (the handler's, or the reader's or a timer's when
 * the call ends early).
 *
 * <p>Whether the call ended early is the call's to say ({@link CallEnd}); this class only makes
 * sure that what goes out matches it: nothing after a reset, the owed status after the client's bad
 * input or its deadline.
 */
final class ServerResponse<Resp> {
  private static final System.Logger LOG = LazyLogger.of(ServerResponse.class);

  /** What the call knows about how it ended. */
  interface CallEnd {
    /** Why the call ended before its handler finished it, or null while it has not. */
    Status cancelStatus();

    /** The status the client is still owed (its bad input, its deadline), or null. */
    Status owedStatus();
  }

  private final ServerStream stream;
  private final MethodDescriptor<?, Resp> descriptor;
  private final CompressionRegistry compression;
  /** What the client reads ({@code grpc-accept-encoding}): compression it did not list is not used. */
  private final String clientAcceptEncoding;
  private final CallEnd end;

  /** Serializes the response: headers, messages, then the status. */
  private final ReentrantLock writeLock = new ReentrantLock();
  /** A message write under writeLock is in progress, perhaps waiting for the peer's window. */
  private volatile boolean writingMessage;
  // Guarded by writeLock.
  private boolean headersSent;
  private boolean closed;
  private Metadata headers;
  private Metadata trailers;
  private volatile Compressor compressor;
  private volatile boolean compressMessages = true;

  ServerResponse(ServerStream stream, MethodDescriptor<?, Resp> descriptor, CompressionRegistry compression,
      String clientAcceptEncoding, CallEnd end) {
    this.stream = stream;
    this.descriptor = descriptor;
    this.compression = compression;
    this.clientAcceptEncoding = clientAcceptEncoding;
    this.end = end;
  }

  /** Sends the single response and OK in one flush. */
  void respond(Resp response) {
    FramedMessage framed = serialize(response);
    writeLock.lock();
    try {
      if (closed || end.cancelStatus() != null) {
        // The call ended while the handler ran (reset, or answered for its deadline): the
        // response has nobody to go to; close() sends whatever status is still owed.
        close(Status.OK, null);
        return;
      }
      sendHeadersIfNeeded();
      writeMessage(framed);
      closed = true;
      writeStatus(Status.OK, trailers, true);
    } catch (StreamClosedException e) {
      closed = true; // the client is gone; nothing to tell it
    } catch (InterruptedException e) {
      // Interrupted after the handler returned: nobody waits for this answer any more.
      closed = true;
      stream.cancel();
      Thread.currentThread().interrupt();
    } finally {
      writeLock.unlock();
    }
  }

  /** Sends one message of a streaming response; blocks while the peer's window is closed. */
  void send(Resp message) {
    FramedMessage framed = serialize(message);
    writeLock.lock();
    try {
      checkWritable();
      sendHeadersIfNeeded();
      writeMessage(framed);
    } catch (StreamClosedException e) {
      Status cancelled = end.cancelStatus();
      throw new StatusException(cancelled != null ? cancelled : Status.CANCELLED.withDescription("stream closed"));
    } catch (InterruptedException e) {
      // Most often the call's own cancellation; the flag stays for the handler to see.
      Thread.currentThread().interrupt();
      Status cancelled = end.cancelStatus();
      throw new StatusException(cancelled != null ? cancelled : Status.CANCELLED.withDescription("interrupted"));
    } finally {
      writeLock.unlock();
    }
    stream.flush();
  }

  /**
   * Ends the response with {@code status} and {@code extraTrailers} (merged into the handler's
   * trailers), unless it has ended; after an early end, with the status owed, or nothing.
   */
  void close(Status status, Metadata extraTrailers) {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (end.cancelStatus() != null) {
        // Cancelled: the stream is reset, nothing to say. Ended for bad input or the deadline: the
        // answer is still owed (answerEarly() leaves it to us when we held the write lock).
        Status owed = end.owedStatus();
        if (owed != null) {
          writeStatus(owed, new Metadata(), true);
        }
        return;
      }
      Metadata all = trailers;
      if (extraTrailers != null && !extraTrailers.isEmpty()) {
        all = all == null ? extraTrailers : new Metadata(all).merge(extraTrailers);
      }
      writeStatus(status, all, true);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Answers with {@code status} for a call that ended early, from a thread that must not block:
   * at once if the handler is not writing; by a reset if it waits for the peer's window.
   */
  void answerEarly(Status status) {
    if (writeLock.tryLock()) {
      try {
        if (!closed) {
          closed = true;
          writeStatus(status, new Metadata(), false);
        }
      } finally {
        writeLock.unlock();
      }
    } else if (writingMessage) {
      // Only a reset wakes a write that waits for the peer's window.
      stream.cancel();
    }
    // Otherwise the handler, just woken, holds the lock to end the call, and close() sends the
    // status owed; a reset now would drop those trailers from the write queue.
  }

  /** Picks the response's compression; refused once the headers, which announce it, are out. */
  void setCompression(String encoding) {
    Compressor chosen = compression.compressor(encoding);
    if (encoding != null && !encoding.equals(CompressionRegistry.IDENTITY) && chosen == null) {
      throw new IllegalArgumentException("no compressor registered for " + encoding);
    }
    writeLock.lock();
    try {
      // The encoding is announced in the response headers; messages compressed after them would
      // reach a client that cannot read them.
      if (headersSent) {
        throw new IllegalStateException("setCompression after the response headers were sent (the first message)");
      }
      // Only what the client says it reads: otherwise the response goes uncompressed.
      compressor = CompressionRegistry.accepts(clientAcceptEncoding, encoding) ? chosen : null;
    } finally {
      writeLock.unlock();
    }
  }

  void setMessageCompression(boolean compress) {
    compressMessages = compress;
  }

  /** The headers to send, for the handler to add to until they go out. */
  Metadata headers() {
    writeLock.lock();
    try {
      if (headers == null) {
        headers = new Metadata();
      }
      return headers;
    } finally {
      writeLock.unlock();
    }
  }

  /** The trailers to send with the status, for the handler to add to. */
  Metadata trailers() {
    writeLock.lock();
    try {
      if (trailers == null) {
        trailers = new Metadata();
      }
      return trailers;
    } finally {
      writeLock.unlock();
    }
  }

  /** Writes one framed message, noting while it may wait for the peer's window; holds writeLock. */
  private void writeMessage(FramedMessage framed) throws StreamClosedException, InterruptedException {
    writingMessage = true;
    try {
      MessageFramer.write(stream, framed, false);
    } finally {
      writingMessage = false;
    }
  }

  /** Writes the final status, as trailers or as a trailers-only response; holds writeLock. */
  private void writeStatus(Status status, Metadata statusTrailers, boolean blockingFlush) {
    try {
      if (!headersSent) {
        Metadata all = headers == null ? new Metadata() : new Metadata(headers);
        if (statusTrailers != null) {
          all.merge(statusTrailers);
        }
        headersSent = true;
        stream.writeTrailersOnly(status, all);
      } else {
        stream.writeTrailers(status, statusTrailers);
      }
    } catch (StreamClosedException e) {
      return; // the client is gone
    }
    if (blockingFlush) {
      stream.flush();
    } else {
      stream.flushAsync();
    }
  }

  private void sendHeadersIfNeeded() throws StreamClosedException {
    if (headersSent) {
      return;
    }
    headersSent = true;
    Compressor chosen = compressor;
    stream.writeHeaders(headers, chosen == null ? null : chosen.encoding());
  }

  private void checkWritable() {
    if (closed) {
      throw new IllegalStateException("the call has already ended");
    }
    Status cancelled = end.cancelStatus();
    if (cancelled != null) {
      throw new StatusException(cancelled);
    }
  }

  private FramedMessage serialize(Resp response) {
    try {
      return MessageFramer.frame(descriptor.responseMarshaller(), response, compressMessages ? compressor : null);
    } catch (StatusException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not serialize response of " + descriptor.fullName(), e);
      throw new StatusException(Status.INTERNAL.withDescription("could not serialize response"));
    }
  }
}
