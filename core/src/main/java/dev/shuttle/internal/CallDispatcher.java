package dev.shuttle.internal;

import dev.shuttle.Deadline;
import dev.shuttle.Metadata;
import dev.shuttle.ServerMethod;
import dev.shuttle.Status;
import dev.shuttle.http2.Http2Connection;
import dev.shuttle.http2.Http2Headers;
import dev.shuttle.http2.Http2ServerHandler;
import dev.shuttle.http2.Http2Stream;
import dev.shuttle.http2.Http2StreamClosedException;
import dev.shuttle.http2.Http2StreamListener;
import dev.shuttle.http2.StreamFailure;
import java.util.Map;

/**
 * Turns new HTTP/2 streams into server calls: checks that the request is gRPC, finds the method,
 * and answers at once, on the reader thread, what needs no handler (wrong method or
 * content-type, unknown method, oversized headers).
 */
public final class CallDispatcher implements Http2ServerHandler {
  private final Map<String, ServerMethod<?, ?>> methodsByPath;
  private final ServerCallSettings settings;
  private final RequestBufferBudget budget;
  private final int maxLingeringHandlers;

  /**
   * @param methodsByPath methods by {@code :path} ({@code /package.Service/Method})
   * @param budget what the server may buffer of requests, in all and per connection
   * @param maxLingeringHandlers how many handlers per connection may go on after their call
   *     ended early without holding its stream's slot (see {@link ConnectionCalls})
   */
  public CallDispatcher(
      Map<String, ServerMethod<?, ?>> methodsByPath,
      ServerCallSettings settings,
      RequestBufferBudget budget,
      int maxLingeringHandlers) {
    this.methodsByPath = Map.copyOf(methodsByPath);
    this.settings = settings;
    this.budget = budget;
    this.maxLingeringHandlers = maxLingeringHandlers;
  }

  @Override
  public Http2StreamListener onNewStream(Http2Stream stream, Http2Headers headers, boolean endStream) {
    String method = headers.get(":method");
    if (!"POST".equals(method)) {
      return reject(stream, 405, Status.INTERNAL.withDescription("method " + method + " is not supported; gRPC uses POST"));
    }
    String contentType = headers.get(GrpcHeaders.CONTENT_TYPE);
    if (!GrpcHeaders.isGrpcContentType(contentType)) {
      return reject(stream, 415, Status.INTERNAL.withDescription("content-type " + contentType + " is not gRPC"));
    }
    String path = headers.get(":path");
    ServerMethod<?, ?> serverMethod = path == null ? null : methodsByPath.get(path);
    if (serverMethod == null) {
      return reject(stream, 200, Status.UNIMPLEMENTED.withDescription("Method not found: " + trimSlash(path)));
    }
    String encoding = headers.get(GrpcHeaders.GRPC_ENCODING);
    if (!settings.compression().supports(encoding)) {
      // Said before any message arrives, with what we do read (PROTOCOL-HTTP2.md, compression).
      Http2Headers answer =
          GrpcHeaders.trailersOnly(
              200,
              Status.UNIMPLEMENTED.withDescription(
                  "grpc-encoding " + encoding + " is not supported; supported: identity," + settings.compression().acceptEncoding()),
              new Metadata());
      answer.add(GrpcHeaders.GRPC_ACCEPT_ENCODING, settings.compression().acceptEncoding());
      return reject(stream, answer);
    }
    long timeoutNanos = -1;
    String timeout = headers.get(GrpcHeaders.GRPC_TIMEOUT);
    if (timeout != null) {
      try {
        timeoutNanos = GrpcTimeout.decode(timeout);
      } catch (IllegalArgumentException e) {
        return reject(stream, 200, Status.INTERNAL.withDescription(e.getMessage()));
      }
    }
    Deadline deadline =
        timeoutNanos < 0 || timeoutNanos >= Deadlines.FOREVER_NANOS ? null : Deadline.afterNanos(timeoutNanos);
    Http2ServerStream callStream = new Http2ServerStream(stream, settings);
    ServerCall<?, ?> call =
        new ServerCall<>(
            callStream,
            serverMethod,
            GrpcHeaders.toMetadata(headers),
            deadline,
            encoding,
            headers.get(GrpcHeaders.GRPC_ACCEPT_ENCODING),
            settings,
            connectionCalls(stream.connection()));
    callStream.setListener(call);
    stream.attach(call);
    call.begin(endStream);
    return callStream;
  }

  /** What the connection's calls share, made on its first call (on its reader thread). */
  private ConnectionCalls connectionCalls(Http2Connection connection) {
    if (connection.attachment() instanceof ConnectionCalls calls) {
      return calls;
    }
    ConnectionCalls calls = new ConnectionCalls(budget.newConnection(), maxLingeringHandlers);
    connection.attach(calls);
    return calls;
  }

  @Override
  public void onHeaderListTooLarge(Http2Stream stream) {
    reject(stream, 200, Status.RESOURCE_EXHAUSTED.withDescription("request header list is too large"));
  }

  private static String trimSlash(String path) {
    return path != null && path.startsWith("/") ? path.substring(1) : String.valueOf(path);
  }

  /** Answers with a trailers-only response and ignores whatever else the client sends. */
  private static Http2StreamListener reject(Http2Stream stream, int httpStatus, Status status) {
    return reject(stream, GrpcHeaders.trailersOnly(httpStatus, status, new Metadata()));
  }

  private static Http2StreamListener reject(Http2Stream stream, Http2Headers answer) {
    try {
      stream.writeHeaders(answer, true);
      stream.flushAsync();
    } catch (Http2StreamClosedException e) {
      // Already gone: nothing to answer.
    }
    return IGNORE;
  }

  private static final Http2StreamListener IGNORE =
      new Http2StreamListener() {
        @Override
        public void onHeaders(Http2Stream stream, Http2Headers headers, boolean endStream) {}

        @Override
        public void onData(Http2Stream stream, byte[] data, int offset, int length, boolean endStream) {}

        @Override
        public void onFailure(Http2Stream stream, StreamFailure failure) {}
      };
}
