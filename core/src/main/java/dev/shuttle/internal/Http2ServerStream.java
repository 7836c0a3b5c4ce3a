package dev.shuttle.internal;

import dev.shuttle.Metadata;
import dev.shuttle.Status;
import dev.shuttle.http2.Http2ErrorCode;
import dev.shuttle.http2.Http2Headers;
import dev.shuttle.http2.Http2Stream;
import dev.shuttle.http2.Http2StreamClosedException;
import dev.shuttle.http2.Http2StreamListener;
import dev.shuttle.http2.StreamFailure;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLSession;

/**
 * A server call's stream over HTTP/2: gRPC's headers and trailers as HTTP/2 header blocks
 * (constant ones pre-encoded), messages as DATA, and what the client sends passed on to the call.
 */
final class Http2ServerStream implements ServerStream, Http2StreamListener {
  private final Http2Stream stream;
  private final ServerCallSettings settings;
  /** Set before the stream's listener is first called (the reader thread does both). */
  private ServerStreamListener listener;

  /** Holds the stream's concurrency slot from now until {@link #releaseSlot()}. */
  Http2ServerStream(Http2Stream stream, ServerCallSettings settings) {
    this.stream = stream;
    this.settings = settings;
    stream.holdSlot();
  }

  void setListener(ServerStreamListener listener) {
    this.listener = listener;
  }

  static StreamClosedException closed(Http2StreamClosedException e) {
    return new StreamClosedException(e.getMessage(), e.failure() != null && e.failure().kind() == StreamFailure.Kind.REFUSED);
  }

  @Override
  public void writeHeaders(Metadata metadata, String encoding) throws StreamClosedException {
    try {
      if ((metadata == null || metadata.isEmpty()) && encoding == null) {
        stream.writePreEncodedHeaders(settings.plainResponseHeaders(), false);
      } else {
        stream.writeHeaders(
            GrpcHeaders.responseHeaders(
                metadata == null ? new Metadata() : metadata, encoding, settings.compression().acceptEncoding()),
            false);
      }
    } catch (Http2StreamClosedException e) {
      throw closed(e);
    }
  }

  @Override
  public void writeTrailers(Status status, Metadata trailers) throws StreamClosedException {
    try {
      if (status.isOk() && (trailers == null || trailers.isEmpty())) {
        stream.writePreEncodedHeaders(GrpcHeaders.okTrailers(), true);
      } else {
        stream.writeHeaders(GrpcHeaders.trailers(status, trailers == null ? new Metadata() : trailers), true);
      }
    } catch (Http2StreamClosedException e) {
      throw closed(e);
    }
  }

  @Override
  public void writeTrailersOnly(Status status, Metadata headersAndTrailers) throws StreamClosedException {
    try {
      stream.writeHeaders(GrpcHeaders.trailersOnly(200, status, headersAndTrailers), true);
    } catch (Http2StreamClosedException e) {
      throw closed(e);
    }
  }

  @Override
  public void writeMessage(FramedMessage framed, boolean endStream) throws StreamClosedException, InterruptedException {
    writeMessage(stream, framed, endStream);
  }

  /** Queues a message as DATA, part after part; both sides' HTTP/2 streams write this way. */
  static void writeMessage(Http2Stream stream, FramedMessage framed, boolean endStream)
      throws StreamClosedException, InterruptedException {
    try {
      byte[] whole = framed.whole();
      if (whole != null) {
        stream.writeData(whole, 0, whole.length, endStream);
        return;
      }
      ByteBuffer[] parts = framed.parts();
      for (int i = 0; i < parts.length; i++) {
        ByteBuffer part = parts[i];
        boolean last = i == parts.length - 1;
        stream.writeData(part.array(), part.arrayOffset() + part.position(), part.remaining(), endStream && last);
      }
    } catch (Http2StreamClosedException e) {
      throw closed(e);
    }
  }

  @Override
  public void flush() {
    stream.flush();
  }

  @Override
  public void flushAsync() {
    stream.flushAsync();
  }

  @Override
  public void consumed(int bytes) {
    stream.consumed(bytes);
  }

  @Override
  public void cancel() {
    stream.reset(Http2ErrorCode.CANCEL);
  }

  @Override
  public void releaseSlot() {
    stream.releaseSlot();
  }

  @Override
  public SocketAddress remoteAddress() {
    return stream.remoteAddress();
  }

  @Override
  public SSLSession tlsSession() {
    return stream.connection().tlsSession();
  }

  // ---------------------------------------------------------------------------------------------
  // Http2StreamListener, on the reader thread.

  @Override
  public void onHeaders(Http2Stream stream, Http2Headers headers, boolean endStream) {
    // Clients send no trailers in gRPC; a second header block can only end the request.
    if (endStream) {
      listener.onHalfClose();
    }
  }

  @Override
  public void onData(Http2Stream stream, byte[] data, int offset, int length, boolean endStream) {
    listener.onData(data, offset, length, endStream);
  }

  @Override
  public void onFailure(Http2Stream stream, StreamFailure failure) {
    listener.onFailure(
        failure.kind() == StreamFailure.Kind.CONNECTION_LOST
            ? Status.CANCELLED.withDescription("connection lost: " + failure.detail())
            : Status.CANCELLED.withDescription("cancelled by client: " + failure.code()));
  }

  @Override
  public String toString() {
    return stream.toString();
  }
}
