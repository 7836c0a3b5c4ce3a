package dev.shuttle;

/**
 * Runs around every call made through an invoker ({@link CallInvoker#withInterceptors}, or a
 * generated client's {@code withInterceptors}), on the caller's thread as the call opens: it may
 * change the call's options (its metadata, deadline, compression), end the call at once by
 * throwing a {@link StatusException}, or wrap the call it gets from {@link Next#newCall} (with
 * {@link ForwardingBidiCall}) to observe or change each message, the response headers and
 * trailers, and how the call ended.
 *
 * <p>A header on every call:
 *
 * <pre>{@code
 * ClientInterceptor bearer = (method, options, next) -> next.newCall(options.withHeader("authorization", "Bearer " + token));
 * GreeterClient greeter = GreeterClient.of(channel.withInterceptors(bearer));
 * }</pre>
 *
 * <p>Order: interceptors run in the order they are listed, the first one outermost (it sees the
 * options first and the responses last). This is grpc-go's order, and the reverse of
 * grpc-java's {@code ClientInterceptors.intercept}, whose last interceptor runs first.
 *
 * <p>Every call kind is presented as a stream: a unary call sends one request, half-closes, and
 * reads one response. Messages are the method's own types, seen as {@code Object}. A unary call
 * behind interceptors still takes the channel's unary path (one flush, the transparent retry).
 */
@FunctionalInterface
public interface ClientInterceptor {
  /** Intercepts a call as it opens; return {@code next.newCall(options)} or a wrapper of it. */
  BidiCall<Object, Object> intercept(MethodDescriptor<?, ?> method, CallOptions options, Next next);

  /** The rest of the chain: the next interceptors, then the invoker. */
  @FunctionalInterface
  interface Next {
    BidiCall<Object, Object> newCall(CallOptions options);
  }
}
