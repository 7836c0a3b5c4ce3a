package dev.shuttle;

import dev.shuttle.internal.InvokedCalls;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What generated clients call through: a {@link Channel}, a channel behind interceptors
 * ({@link #withInterceptors}), or a test double. One method opens a call of any kind as a
 * stream, {@link #newCall}; the others, one per call kind, are built on it unless an
 * implementation does better, as {@code Channel} does.
 *
 * <pre>{@code
 * CallInvoker invoker = channel.withInterceptors(new LoggingInterceptor());
 * GreeterClient greeter = GreeterClient.of(invoker);
 * }</pre>
 */
public interface CallInvoker {
  /**
   * Opens a call of any kind as a stream of requests and one of responses. For a unary or
   * server-streaming method, send exactly one request and half-close before reading.
   */
  <Req, Resp> BidiCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options);

  /** Makes a unary call and waits for its response. */
  default <Req, Resp> Resp unaryCall(MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    return InvokedCalls.unary(newCall(method, options), request);
  }

  /**
   * Makes a unary call without blocking the caller; the future completes on a virtual thread.
   * Cancelling the future cancels the call.
   */
  default <Req, Resp> CompletableFuture<Resp> unaryCallAsync(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    return InvokedCalls.unaryAsync(this, method, request, options);
  }

  /** Makes a server-streaming call; iterate the result, and close it to stop early. */
  default <Req, Resp> ResponseStream<Resp> serverStreamingCall(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    BidiCall<Req, Resp> call = newCall(method, options);
    call.send(request);
    call.halfClose();
    return call;
  }

  /** Opens a client-streaming call: send requests, then {@code finish()} for the response. */
  default <Req, Resp> ClientStreamingCall<Req, Resp> clientStreamingCall(
      MethodDescriptor<Req, Resp> method, CallOptions options) {
    return InvokedCalls.clientStreaming(newCall(method, options));
  }

  /** Opens a bidirectional-streaming call. */
  default <Req, Resp> BidiCall<Req, Resp> bidiStreamingCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
    return newCall(method, options);
  }

  /**
   * This invoker with {@code interceptors} around every call, the first outermost. Calls made
   * through the result pass through them; this invoker is unchanged. See {@link ClientInterceptor}.
   */
  default CallInvoker withInterceptors(ClientInterceptor... interceptors) {
    return InvokedCalls.intercepted(this, List.of(interceptors));
  }
}
