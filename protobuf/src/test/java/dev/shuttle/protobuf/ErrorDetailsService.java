package dev.shuttle.protobuf;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.StringValue;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.shuttle.Metadata;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.ServiceDefinition;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.StreamSink;
import io.grpc.ForwardingServerCall;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * One service, served by Shuttle and by grpc-java alike, whose every method fails with error
 * details. A request names the failure, and for server streaming how many messages go first:
 * {@code "quota:2"} sends two messages, then fails with {@link #QUOTA}; {@code "quota:0"} fails
 * at once (a trailers-only response). Client streaming fails with the last request's failure
 * once the client has finished; bidi echoes each request until one names a failure.
 *
 * <p>Besides {@link #BAD_REQUEST} and {@link #QUOTA}, a server can fail wrongly: {@link #GARBAGE}
 * puts bytes that are no {@code google.rpc.Status} under the details key, {@link #MISMATCH} puts
 * a valid one whose code is not the call's.
 */
final class ErrorDetailsService {
  static final String SERVICE = "shuttle.test.ErrorDetails";

  static final com.google.rpc.Status BAD_REQUEST =
      com.google.rpc.Status.newBuilder()
          .setCode(Code.INVALID_ARGUMENT_VALUE)
          .setMessage("invalid sign-up")
          .addDetails(
              Any.pack(
                  BadRequest.newBuilder()
                      .addFieldViolations(
                          BadRequest.FieldViolation.newBuilder().setField("email").setDescription("not an address"))
                      .addFieldViolations(
                          BadRequest.FieldViolation.newBuilder().setField("age").setDescription("must be at least 18"))
                      .build()))
          .build();

  static final com.google.rpc.Status QUOTA =
      com.google.rpc.Status.newBuilder()
          .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
          .setMessage("quota exceeded: 100 calls/minute, ü")
          .addDetails(
              Any.pack(
                  ErrorInfo.newBuilder()
                      .setReason("RATE_LIMITED")
                      .setDomain("shuttle.dev")
                      .putMetadata("limit", "100")
                      .build()))
          .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(Duration.newBuilder().setSeconds(2).setNanos(500_000_000)).build()))
          .build();

  static final String GARBAGE = "garbage";
  static final String MISMATCH = "mismatch";
  /** Neither base64 nor protobuf would object to these bytes; only parsing them as a Status fails. */
  static final byte[] GARBAGE_BYTES = {0x0a, 0x7f, 0x01, 0x02};
  /**
   * A response header both servers add; it reaches the client only in a headers block of its
   * own, so a response without it was trailers-only.
   */
  static final String HEADERS_MARKER_KEY = "x-headers-block";
  /** A trailer sent with {@link #QUOTA}, beside the details. */
  static final String REQUEST_ID_KEY = "x-request-id";

  static final MethodDescriptor<StringValue, StringValue> UNARY = shuttleMethod(MethodType.UNARY, "Unary");
  static final MethodDescriptor<StringValue, StringValue> SERVER_STREAMING =
      shuttleMethod(MethodType.SERVER_STREAMING, "ServerStreaming");
  static final MethodDescriptor<StringValue, StringValue> CLIENT_STREAMING =
      shuttleMethod(MethodType.CLIENT_STREAMING, "ClientStreaming");
  static final MethodDescriptor<StringValue, StringValue> BIDI = shuttleMethod(MethodType.BIDI_STREAMING, "Bidi");

  static final io.grpc.MethodDescriptor<StringValue, StringValue> GRPC_UNARY =
      grpcMethod(io.grpc.MethodDescriptor.MethodType.UNARY, "Unary");
  static final io.grpc.MethodDescriptor<StringValue, StringValue> GRPC_SERVER_STREAMING =
      grpcMethod(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING, "ServerStreaming");
  static final io.grpc.MethodDescriptor<StringValue, StringValue> GRPC_CLIENT_STREAMING =
      grpcMethod(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING, "ClientStreaming");
  static final io.grpc.MethodDescriptor<StringValue, StringValue> GRPC_BIDI =
      grpcMethod(io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING, "Bidi");

  private static final io.grpc.Metadata.Key<byte[]> GRPC_DETAILS_BYTES =
      io.grpc.Metadata.Key.of(Metadata.STATUS_DETAILS_KEY, io.grpc.Metadata.BINARY_BYTE_MARSHALLER);
  private static final io.grpc.Metadata.Key<String> GRPC_REQUEST_ID =
      io.grpc.Metadata.Key.of(REQUEST_ID_KEY, io.grpc.Metadata.ASCII_STRING_MARSHALLER);

  private ErrorDetailsService() {}

  static StringValue text(String value) {
    return StringValue.of(value);
  }

  private static MethodDescriptor<StringValue, StringValue> shuttleMethod(MethodType type, String name) {
    ProtoMarshaller<StringValue> marshaller = ProtoMarshaller.of(StringValue.getDefaultInstance());
    return MethodDescriptor.of(type, SERVICE, name, marshaller, marshaller);
  }

  private static io.grpc.MethodDescriptor<StringValue, StringValue> grpcMethod(
      io.grpc.MethodDescriptor.MethodType type, String name) {
    return io.grpc.MethodDescriptor.<StringValue, StringValue>newBuilder()
        .setType(type)
        .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
        .build();
  }

  /** The details a request names, or null when it names none. */
  static com.google.rpc.Status named(String failure) {
    return switch (failure) {
      case "bad-request" -> BAD_REQUEST;
      case "quota" -> QUOTA;
      default -> null;
    };
  }

  private static String failureOf(StringValue request) {
    String value = request.getValue();
    int colon = value.indexOf(':');
    return colon < 0 ? value : value.substring(0, colon);
  }

  private static int messagesBefore(StringValue request) {
    String value = request.getValue();
    int colon = value.indexOf(':');
    return colon < 0 ? 0 : Integer.parseInt(value.substring(colon + 1));
  }

  private static boolean namesFailure(String failure) {
    return named(failure) != null || failure.equals(GARBAGE) || failure.equals(MISMATCH);
  }

  // ---------------------------------------------------------------------------------------------
  // Shuttle's server.

  static ServiceDefinition shuttle() {
    return ServiceDefinition.builder(SERVICE)
        .unary(UNARY, (request, context) -> {
          markHeaders(context);
          throw shuttleFailure(failureOf(request));
        })
        .serverStreaming(SERVER_STREAMING, (StringValue request, StreamSink<StringValue> responses, dev.shuttle.ServerContext context) -> {
          markHeaders(context);
          for (int i = 0; i < messagesBefore(request); i++) {
            responses.send(text("m" + i));
          }
          throw shuttleFailure(failureOf(request));
        })
        .clientStreaming(CLIENT_STREAMING, (requests, context) -> {
          markHeaders(context);
          String last = "";
          for (StringValue request : requests) {
            last = failureOf(request);
          }
          throw shuttleFailure(last);
        })
        .bidiStreaming(BIDI, (requests, responses, context) -> {
          markHeaders(context);
          for (StringValue request : requests) {
            if (namesFailure(failureOf(request))) {
              throw shuttleFailure(failureOf(request));
            }
            responses.send(request);
          }
        })
        .build();
  }

  private static void markHeaders(dev.shuttle.ServerContext context) {
    context.responseHeaders().add(HEADERS_MARKER_KEY, "yes");
  }

  private static StatusException shuttleFailure(String failure) {
    return switch (failure) {
      case GARBAGE ->
          Status.INTERNAL.withDescription("garbage details")
              .asException(new Metadata().putBinary(Metadata.STATUS_DETAILS_KEY, GARBAGE_BYTES));
      case MISMATCH ->
          Status.UNAVAILABLE.withDescription("mismatched details")
              .asException(new Metadata().putBinary(Metadata.STATUS_DETAILS_KEY, QUOTA.toByteArray()));
      case "quota" -> StatusProtos.toStatusException(QUOTA, new Metadata().add(REQUEST_ID_KEY, "req-7"));
      default -> {
        com.google.rpc.Status details = named(failure);
        yield details == null ? Status.INVALID_ARGUMENT.withDescription("no such failure: " + failure).asException()
            : StatusProtos.toStatusException(details);
      }
    };
  }

  // ---------------------------------------------------------------------------------------------
  // grpc-java's server, failing the same ways with its own StatusProto.

  static ServerServiceDefinition grpcJava() {
    ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
        .addMethod(GRPC_UNARY, ServerCalls.asyncUnaryCall(
            (StringValue request, StreamObserver<StringValue> responses) -> responses.onError(grpcFailure(failureOf(request)))))
        .addMethod(GRPC_SERVER_STREAMING, ServerCalls.asyncServerStreamingCall(
            (StringValue request, StreamObserver<StringValue> responses) -> {
              for (int i = 0; i < messagesBefore(request); i++) {
                responses.onNext(text("m" + i));
              }
              responses.onError(grpcFailure(failureOf(request)));
            }))
        .addMethod(GRPC_CLIENT_STREAMING, ServerCalls.asyncClientStreamingCall(
            responses -> new StreamObserver<StringValue>() {
              private String last = "";

              @Override
              public void onNext(StringValue request) {
                last = failureOf(request);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                responses.onError(grpcFailure(last));
              }
            }))
        .addMethod(GRPC_BIDI, ServerCalls.asyncBidiStreamingCall(
            responses -> new StreamObserver<StringValue>() {
              private boolean failed;

              @Override
              public void onNext(StringValue request) {
                if (failed) {
                  return;
                }
                if (namesFailure(failureOf(request))) {
                  failed = true;
                  responses.onError(grpcFailure(failureOf(request)));
                } else {
                  responses.onNext(request);
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                if (!failed) {
                  responses.onCompleted();
                }
              }
            }))
        .build();
    return ServerInterceptors.intercept(service, new MarkHeaders());
  }

  /** Adds {@link #HEADERS_MARKER_KEY} to the response headers, when grpc-java sends them. */
  private static final class MarkHeaders implements ServerInterceptor {
    private static final io.grpc.Metadata.Key<String> MARKER =
        io.grpc.Metadata.Key.of(HEADERS_MARKER_KEY, io.grpc.Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Req, Resp> ServerCall.Listener<Req> interceptCall(
        ServerCall<Req, Resp> call, io.grpc.Metadata headers, ServerCallHandler<Req, Resp> next) {
      return next.startCall(
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(io.grpc.Metadata responseHeaders) {
              responseHeaders.put(MARKER, "yes");
              super.sendHeaders(responseHeaders);
            }
          },
          headers);
    }
  }

  private static io.grpc.StatusRuntimeException grpcFailure(String failure) {
    io.grpc.Metadata trailers = new io.grpc.Metadata();
    return switch (failure) {
      case GARBAGE -> {
        trailers.put(GRPC_DETAILS_BYTES, GARBAGE_BYTES);
        yield io.grpc.Status.INTERNAL.withDescription("garbage details").asRuntimeException(trailers);
      }
      case MISMATCH -> {
        trailers.put(GRPC_DETAILS_BYTES, QUOTA.toByteArray());
        yield io.grpc.Status.UNAVAILABLE.withDescription("mismatched details").asRuntimeException(trailers);
      }
      case "quota" -> {
        trailers.put(GRPC_REQUEST_ID, "req-7");
        yield StatusProto.toStatusRuntimeException(QUOTA, trailers);
      }
      default -> {
        com.google.rpc.Status details = named(failure);
        yield details == null
            ? io.grpc.Status.INVALID_ARGUMENT.withDescription("no such failure: " + failure).asRuntimeException()
            : StatusProto.toStatusRuntimeException(details);
      }
    };
  }
}
