package dev.shuttle;

/**
 * Runs around every call of a server or of a service, on the handler's thread: it sees the
 * call's context (method, request metadata, deadline, response headers and trailers), may wrap
 * the request and response streams to observe or change each message, may attach values the
 * handler reads with {@link ServerContext#get}, and either continues with
 * {@link Next#proceed} or ends the call by throwing a {@link StatusException}. Whatever the
 * handler throws passes through it, so it also sees how the call ended.
 *
 * <p>An authentication check:
 *
 * <pre>{@code
 * static final ServerContext.Key<String> USER = ServerContext.Key.named("user");
 *
 * ServerInterceptor auth = (requests, responses, context, next) -> {
 *   String token = context.requestMetadata().get("authorization");
 *   if (token == null || !token.startsWith("Bearer ")) {
 *     throw new StatusException(Status.UNAUTHENTICATED.withDescription("a bearer token is required"));
 *   }
 *   context.set(USER, userFor(token.substring(7)));
 *   next.proceed(requests, responses, context);
 * };
 * Server server = Server.builder().listen("127.0.0.1", 8080).intercept(auth).service(new Greeter()).start();
 * }</pre>
 *
 * <p>Order: interceptors run in the order they are listed, the first one outermost; those of
 * the server ({@link Server.Builder#intercept}) run outside those of a service
 * ({@link ServiceDefinition#withInterceptors}). This is grpc-go's order, and the reverse of
 * grpc-java's {@code ServerInterceptors.intercept}, whose last interceptor runs first.
 *
 * <p>Every call kind is presented as streams: a unary call is one request and one response.
 * Messages are the method's own types, seen as {@code Object}; a message of another type
 * fails the call. Without interceptors, calls take their usual path and pay nothing.
 */
@FunctionalInterface
public interface ServerInterceptor {
  /**
   * Intercepts one call; call {@code next.proceed} (at most once) to run the rest of the chain
   * and then the handler, with these streams and context or wrapped ones.
   */
  void intercept(StreamSource<Object> requests, StreamSink<Object> responses, ServerContext context, Next next);

  /** The rest of the chain: the next interceptors, then the handler. */
  @FunctionalInterface
  interface Next {
    void proceed(StreamSource<Object> requests, StreamSink<Object> responses, ServerContext context);
  }
}
