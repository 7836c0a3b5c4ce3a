package dev.shuttle.internal;

import dev.shuttle.BidiStreamingHandler;
import dev.shuttle.ClientStreamingHandler;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.ServerContext;
import dev.shuttle.ServerInterceptor;
import dev.shuttle.ServerMethod;
import dev.shuttle.ServerStreamingHandler;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.StreamSink;
import dev.shuttle.StreamSource;
import dev.shuttle.UnaryHandler;
import java.util.List;

/**
 * A method whose handler runs behind a chain of {@link ServerInterceptor}s. The handler keeps
 * its kind, so a unary call still answers in one flush: its one request is presented to the
 * chain as a stream of one, and its one response is caught on the way out.
 */
public final class InterceptedMethod {
  private InterceptedMethod() {}

  /** The method with {@code interceptors} around its handler, the first outermost. */
  @SuppressWarnings("unchecked")
  public static <Req, Resp> ServerMethod<Req, Resp> of(ServerMethod<Req, Resp> method, List<ServerInterceptor> interceptors) {
    if (interceptors.isEmpty()) {
      return method;
    }
    MethodDescriptor<Req, Resp> descriptor = method.descriptor();
    Object handler = method.handler();
    ServerInterceptor.Next innermost = innermost(descriptor, handler);
    ServerInterceptor.Next chain = innermost;
    for (int i = interceptors.size() - 1; i >= 0; i--) {
      ServerInterceptor interceptor = interceptors.get(i);
      ServerInterceptor.Next rest = chain;
      chain = (requests, responses, context) -> interceptor.intercept(requests, responses, context, rest);
    }
    ServerInterceptor.Next head = chain;
    Object wrapped =
        switch (descriptor.type()) {
          case UNARY -> (UnaryHandler<Req, Resp>) (request, context) -> {
            SingleResponse response = new SingleResponse();
            head.proceed(new SingleRequest(request), response, context);
            return (Resp) response.message;
          };
          case SERVER_STREAMING -> (ServerStreamingHandler<Req, Resp>) (request, responses, context) ->
              head.proceed(new SingleRequest(request), (StreamSink<Object>) responses, context);
          case CLIENT_STREAMING -> (ClientStreamingHandler<Req, Resp>) (requests, context) -> {
            SingleResponse response = new SingleResponse();
            head.proceed((StreamSource<Object>) requests, response, context);
            return (Resp) response.message;
          };
          case BIDI_STREAMING -> (BidiStreamingHandler<Req, Resp>) (requests, responses, context) ->
              head.proceed((StreamSource<Object>) requests, (StreamSink<Object>) responses, context);
        };
    return new ServerMethod<>(descriptor, wrapped);
  }

  /** The end of the chain: the handler, called in its own kind with the streams it was given. */
  @SuppressWarnings("unchecked")
  private static <Req, Resp> ServerInterceptor.Next innermost(MethodDescriptor<Req, Resp> descriptor, Object handler) {
    return switch (descriptor.type()) {
      case UNARY -> (requests, responses, context) ->
          responses.send(((UnaryHandler<Req, Resp>) handler).handle((Req) onlyRequest(requests), context));
      case SERVER_STREAMING -> (requests, responses, context) ->
          ((ServerStreamingHandler<Req, Resp>) handler)
              .handle((Req) onlyRequest(requests), (StreamSink<Resp>) (StreamSink<?>) responses, context);
      case CLIENT_STREAMING -> (requests, responses, context) ->
          responses.send(
              ((ClientStreamingHandler<Req, Resp>) handler).handle((StreamSource<Req>) (StreamSource<?>) requests, context));
      case BIDI_STREAMING -> (requests, responses, context) ->
          ((BidiStreamingHandler<Req, Resp>) handler)
              .handle(
                  (StreamSource<Req>) (StreamSource<?>) requests, (StreamSink<Resp>) (StreamSink<?>) responses, context);
    };
  }

  private static Object onlyRequest(StreamSource<Object> requests) {
    Object request = requests.receive();
    if (request == null) {
      throw new StatusException(Status.INTERNAL.withDescription("no request message"));
    }
    return request;
  }

  /** A unary or server-streaming call's one request, as a stream. */
  private static final class SingleRequest implements StreamSource<Object> {
    private Object request;

    SingleRequest(Object request) {
      this.request = request;
    }

    @Override
    public Object receive() {
      Object next = request;
      request = null;
      return next;
    }
  }

  /** Catches the one response of a unary or client-streaming call, which the call sends itself. */
  private static final class SingleResponse implements StreamSink<Object> {
    Object message;

    @Override
    public void send(Object response) {
      if (message != null) {
        throw new StatusException(Status.INTERNAL.withDescription("more than one response to a call that takes one"));
      }
      message = response;
    }
  }
}
