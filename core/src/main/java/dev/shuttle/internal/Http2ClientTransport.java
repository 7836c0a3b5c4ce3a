package dev.shuttle.internal;

import dev.shuttle.Deadline;
import dev.shuttle.Metadata;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.Status;
import dev.shuttle.http2.Http2Connection;
import dev.shuttle.http2.Http2ErrorCode;
import dev.shuttle.http2.Http2Headers;
import dev.shuttle.http2.Http2Stream;
import dev.shuttle.http2.Http2StreamClosedException;
import dev.shuttle.http2.Http2StreamListener;
import dev.shuttle.http2.StreamFailure;

/**
 * A channel's HTTP/2 connection as calls use it: a call's request as a header block and DATA,
 * the response's header blocks read back as gRPC headers, status and trailers
 * (PROTOCOL-HTTP2.md), and the HTTP/2 ways a stream fails mapped to gRPC status codes.
 */
public final class Http2ClientTransport implements ClientTransport {
  private final Http2Connection connection;
  private final String authority;

  /** @param authority the {@code :authority} of requests */
  public Http2ClientTransport(Http2Connection connection, String authority) {
    this.connection = connection;
    this.authority = authority;
  }

  @Override
  public ClientStream newStream(
      MethodDescriptor<?, ?> method,
      Metadata metadata,
      Deadline deadline,
      String encoding,
      String acceptEncoding,
      ClientStreamListener listener,
      long maxWaitNanos)
      throws StreamClosedException, InterruptedException {
    Stream adapter = new Stream(listener);
    Http2Stream stream;
    try {
      stream =
          connection.newStream(requestHeaders(method, metadata, deadline, encoding, acceptEncoding), false, adapter, maxWaitNanos);
    } catch (Http2StreamClosedException e) {
      throw Http2ServerStream.closed(e);
    }
    if (stream == null) {
      return null;
    }
    adapter.bind(stream);
    return adapter;
  }

  private Http2Headers requestHeaders(
      MethodDescriptor<?, ?> method, Metadata metadata, Deadline deadline, String encoding, String acceptEncoding) {
    Http2Headers h = new Http2Headers(8 + (metadata == null ? 0 : metadata.size()));
    h.add(":method", "POST")
        .add(":scheme", "http")
        .add(":path", method.path())
        .add(":authority", authority)
        .add(GrpcHeaders.CONTENT_TYPE, GrpcHeaders.GRPC_CONTENT_TYPE)
        .add("te", "trailers")
        .add("user-agent", GrpcHeaders.USER_AGENT);
    if (encoding != null) {
      h.add(GrpcHeaders.GRPC_ENCODING, encoding);
    }
    if (!acceptEncoding.isEmpty()) {
      h.add(GrpcHeaders.GRPC_ACCEPT_ENCODING, acceptEncoding);
    }
    if (deadline != null) {
      h.add(GrpcHeaders.GRPC_TIMEOUT, GrpcTimeout.encode(deadline.remainingNanos()));
    }
    if (metadata != null) {
      metadata.forEachWireEntry(h::add);
    }
    return h;
  }

  @Override
  public boolean isUsable() {
    return connection.isUsable();
  }

  @Override
  public void shutdown() {
    connection.shutdownGracefully();
  }

  @Override
  public void shutdownNow() {
    connection.close();
  }

  @Override
  public boolean isTerminated() {
    return connection.isTerminated();
  }

  /** Null when the headers start a gRPC response, else the status to end the call with. */
  private static Status checkResponseHeaders(Http2Headers block, boolean endStream) {
    String httpStatus = block.get(":status");
    int code;
    try {
      code = httpStatus == null ? -1 : Integer.parseInt(httpStatus);
    } catch (NumberFormatException e) {
      code = -1;
    }
    if (endStream && block.get(GrpcHeaders.GRPC_STATUS) != null) {
      return null; // a trailers-only response: its grpc-status rules, whatever the HTTP status
    }
    String contentType = block.get(GrpcHeaders.CONTENT_TYPE);
    if (code != 200) {
      return HttpStatusMapping.statusFor(code, contentType);
    }
    if (!GrpcHeaders.isGrpcContentType(contentType)) {
      return Status.UNKNOWN.withDescription("response content-type is not gRPC: " + contentType);
    }
    return null;
  }

  /** The gRPC status for an abnormal end of stream (PROTOCOL-HTTP2.md, RST_STREAM mapping). */
  static Status statusFor(StreamFailure failure) {
    String detail = failure.detail();
    return switch (failure.kind()) {
      case REFUSED, CONNECTION_LOST -> Status.UNAVAILABLE.withDescription(detail);
      case HEADER_LIST_TOO_LARGE -> Status.RESOURCE_EXHAUSTED.withDescription(detail);
      case PROTOCOL_ERROR -> Status.INTERNAL.withDescription(detail);
      case RESET_BY_PEER ->
          switch (failure.code()) {
            case CANCEL -> Status.CANCELLED.withDescription(detail);
            case REFUSED_STREAM -> Status.UNAVAILABLE.withDescription(detail);
            case ENHANCE_YOUR_CALM -> Status.RESOURCE_EXHAUSTED.withDescription(detail);
            case INADEQUATE_SECURITY -> Status.PERMISSION_DENIED.withDescription(detail);
            default -> Status.INTERNAL.withDescription(detail);
          };
    };
  }

  /** One call's stream: writes go to HTTP/2, what arrives is read as gRPC for the call. */
  private static final class Stream implements ClientStream, Http2StreamListener {
    private static final byte[] NO_BYTES = new byte[0];
    private final ClientStreamListener listener;
    /**
     * Set by newStream once it returns, and by the reader thread when a frame of the stream
     * arrives before that (same value either way).
     */
    private volatile Http2Stream stream;
    /** Header blocks received; touched by the reader thread only. */
    private int headerBlocks;

    Stream(ClientStreamListener listener) {
      this.listener = listener;
    }

    void bind(Http2Stream stream) {
      this.stream = stream;
    }

    @Override
    public void writeMessage(FramedMessage framed, boolean endStream) throws StreamClosedException, InterruptedException {
      Http2ServerStream.writeMessage(stream, framed, endStream);
    }

    @Override
    public void halfClose() throws StreamClosedException, InterruptedException {
      try {
        stream.writeData(NO_BYTES, 0, 0, true);
      } catch (Http2StreamClosedException e) {
        throw Http2ServerStream.closed(e);
      }
    }

    @Override
    public void flush() {
      stream.flush();
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
    public void onHeaders(Http2Stream stream, Http2Headers block, boolean endStream) {
      if (this.stream == null) {
        this.stream = stream;
      }
      if (++headerBlocks == 1) {
        Status notGrpc = checkResponseHeaders(block, endStream);
        if (notGrpc != null) {
          listener.onTrailers(notGrpc, GrpcHeaders.toMetadata(block));
          if (!endStream) {
            stream.reset(Http2ErrorCode.CANCEL);
          }
          return;
        }
        if (!endStream) {
          listener.onHeaders(this, GrpcHeaders.toMetadata(block), block.get(GrpcHeaders.GRPC_ENCODING));
          return;
        }
        // Trailers-only: the one block carries the status.
      }
      listener.onTrailers(GrpcHeaders.statusFromTrailers(block), GrpcHeaders.toMetadata(block));
    }

    @Override
    public void onData(Http2Stream stream, byte[] data, int offset, int length, boolean endStream) {
      if (this.stream == null) {
        this.stream = stream;
      }
      listener.onData(this, data, offset, length, endStream);
    }

    @Override
    public void onFailure(Http2Stream stream, StreamFailure failure) {
      // Refused before any response: the server did not process it, so it may be sent again.
      boolean refusedUnprocessed = failure.kind() == StreamFailure.Kind.REFUSED && headerBlocks == 0;
      listener.onFailure(statusFor(failure), refusedUnprocessed);
    }

    @Override
    public String toString() {
      return String.valueOf(stream);
    }
  }
}
