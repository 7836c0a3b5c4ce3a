package dev.shuttle.interop;

import com.google.protobuf.Message;
import dev.shuttle.interop.proto.Empty;
import dev.shuttle.interop.proto.Payload;
import dev.shuttle.interop.proto.PayloadType;
import dev.shuttle.interop.proto.SimpleRequest;
import dev.shuttle.interop.proto.SimpleResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * grpc-java's side of the tests, built without protoc-gen-grpc-java: method descriptors over the
 * protoc messages, and the interop TestService (EmptyCall, UnaryCall, Echo Status, Echo Metadata)
 * as a hand-built service definition, with the same test hooks as {@link ShuttleInteropService}.
 */
final class GrpcJavaInterop {
  static final Metadata.Key<String> ECHO_INITIAL =
      Metadata.Key.of(Interop.ECHO_INITIAL_KEY, Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<byte[]> ECHO_TRAILING =
      Metadata.Key.of(Interop.ECHO_TRAILING_KEY, Metadata.BINARY_BYTE_MARSHALLER);
  static final Metadata.Key<String> SLEEP = Metadata.Key.of(Interop.SLEEP_KEY, Metadata.ASCII_STRING_MARSHALLER);

  static final MethodDescriptor<Empty, Empty> EMPTY_CALL =
      unary(Interop.SERVICE, "EmptyCall", Empty.getDefaultInstance(), Empty.getDefaultInstance());
  static final MethodDescriptor<SimpleRequest, SimpleResponse> UNARY_CALL =
      unary(Interop.SERVICE, "UnaryCall", SimpleRequest.getDefaultInstance(), SimpleResponse.getDefaultInstance());
  static final MethodDescriptor<Empty, Empty> UNIMPLEMENTED_CALL =
      unary(Interop.SERVICE, "UnimplementedCall", Empty.getDefaultInstance(), Empty.getDefaultInstance());
  static final MethodDescriptor<Empty, Empty> UNKNOWN_METHOD =
      unary(Interop.SERVICE, Interop.UNKNOWN_METHOD, Empty.getDefaultInstance(), Empty.getDefaultInstance());
  static final MethodDescriptor<Empty, Empty> UNKNOWN_SERVICE_CALL =
      unary(Interop.UNIMPLEMENTED_SERVICE, "UnimplementedCall", Empty.getDefaultInstance(), Empty.getDefaultInstance());
  static final MethodDescriptor<Payload, Payload> ECHO =
      unary(Interop.ECHO_SERVICE, Interop.ECHO_METHOD, Payload.getDefaultInstance(), Payload.getDefaultInstance());

  /** The request headers of the call being served, for handlers. */
  private static final Context.Key<Metadata> REQUEST_HEADERS = Context.key("interop-request-headers");

  private GrpcJavaInterop() {}

  static <Req extends Message, Resp extends Message> MethodDescriptor<Req, Resp> unary(
      String service, String method, Req requestDefault, Resp responseDefault) {
    return MethodDescriptor.<Req, Resp>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service, method))
        .setRequestMarshaller(ProtoUtils.marshaller(requestDefault))
        .setResponseMarshaller(ProtoUtils.marshaller(responseDefault))
        .build();
  }

  /** The test-only payload echo; see {@link Interop#ECHO_SERVICE}. */
  static ServerServiceDefinition echoService() {
    return ServerServiceDefinition.builder(Interop.ECHO_SERVICE)
        .addMethod(
            ECHO,
            ServerCalls.asyncUnaryCall(
                (Payload payload, StreamObserver<Payload> responses) -> {
                  responses.onNext(payload);
                  responses.onCompleted();
                }))
        .build();
  }

  /** The interop TestService of a grpc-java server. */
  static final class TestService {
    final AtomicReference<SimpleRequest> lastUnaryRequest = new AtomicReference<>();

    /** One entry per finished sleep: true when the call's cancellation ended it. */
    final BlockingQueue<Boolean> sleepsEndedByCancellation = new LinkedBlockingQueue<>();

    /** Only EmptyCall and UnaryCall: every other method of the service is unknown to the server. */
    ServerServiceDefinition definition() {
      ServerServiceDefinition service =
          ServerServiceDefinition.builder(Interop.SERVICE)
              .addMethod(
                  EMPTY_CALL,
                  ServerCalls.asyncUnaryCall(
                      (Empty request, StreamObserver<Empty> responses) -> {
                        responses.onNext(Empty.getDefaultInstance());
                        responses.onCompleted();
                      }))
              .addMethod(UNARY_CALL, ServerCalls.asyncUnaryCall(this::unaryCall))
              .build();
      return ServerInterceptors.intercept(service, new EchoMetadata());
    }

    private void unaryCall(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
      lastUnaryRequest.set(request);
      String sleep = REQUEST_HEADERS.get().get(SLEEP);
      if (sleep != null) {
        sleepUntilCancelled(Long.parseLong(sleep));
      }
      if (request.hasResponseStatus() && request.getResponseStatus().getCode() != 0) {
        responses.onError(
            Status.fromCodeValue(request.getResponseStatus().getCode())
                .withDescription(request.getResponseStatus().getMessage())
                .asRuntimeException());
        return;
      }
      if (request.getResponseType() != PayloadType.COMPRESSABLE || request.getResponseSize() < 0) {
        responses.onError(Status.INVALID_ARGUMENT.withDescription("bad response_type or response_size").asRuntimeException());
        return;
      }
      responses.onNext(Interop.zerosResponse(request));
      responses.onCompleted();
    }

    private void sleepUntilCancelled(long millis) {
      Context context = Context.current();
      long end = System.nanoTime() + millis * 1_000_000;
      try {
        while (!context.isCancelled() && System.nanoTime() - end < 0) {
          Thread.sleep(5);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        sleepsEndedByCancellation.add(context.isCancelled());
      }
    }
  }

  /**
   * Echo Metadata: {@code x-grpc-test-echo-initial} back in the response headers,
   * {@code x-grpc-test-echo-trailing-bin} back in the trailers. Also hands the request headers to
   * the handler through the call's context.
   */
  static final class EchoMetadata implements ServerInterceptor {
    @Override
    public <Req, Resp> ServerCall.Listener<Req> interceptCall(
        ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next) {
      String initial = headers.get(ECHO_INITIAL);
      byte[] trailing = headers.get(ECHO_TRAILING);
      ServerCall<Req, Resp> echoing =
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
              if (initial != null) {
                responseHeaders.put(ECHO_INITIAL, initial);
              }
              super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
              if (trailing != null) {
                trailers.put(ECHO_TRAILING, trailing);
              }
              super.close(status, trailers);
            }
          };
      return Contexts.interceptCall(Context.current().withValue(REQUEST_HEADERS, headers), echoing, headers, next);
    }
  }
}
