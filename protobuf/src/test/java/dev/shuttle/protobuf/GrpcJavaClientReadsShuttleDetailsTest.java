package dev.shuttle.protobuf;

import static dev.shuttle.protobuf.ErrorDetailsService.BAD_REQUEST;
import static dev.shuttle.protobuf.ErrorDetailsService.QUOTA;
import static dev.shuttle.protobuf.ErrorDetailsService.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Shuttle server failing with {@link StatusProtos#toStatusException}; grpc-java's client reads
 * the details with its own {@code StatusProto.fromThrowable}.
 */
class GrpcJavaClientReadsShuttleDetailsTest {
  private static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of(ErrorDetailsService.REQUEST_ID_KEY, Metadata.ASCII_STRING_MARSHALLER);

  private static dev.shuttle.Server server;
  private static GrpcJavaChannel grpc;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    server = dev.shuttle.Server.builder().listen("127.0.0.1", 0).service(ErrorDetailsService.shuttle()).start();
    grpc = new GrpcJavaChannel(server.port(), 4 * 1024 * 1024);
    channel = grpc.channel();
  }

  @AfterAll
  static void stop() throws Exception {
    if (grpc != null) {
      grpc.close();
    }
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(10));
    }
  }

  private static CallOptions tenSeconds() {
    return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** Records whether a call's response had a headers block of its own (grpc-java skips onHeaders for trailers-only). */
  private static final class HeadersSeen implements ClientInterceptor {
    final AtomicBoolean seen = new AtomicBoolean();

    @Override
    public <Req, Resp> ClientCall<Req, Resp> interceptCall(
        MethodDescriptor<Req, Resp> method, CallOptions options, io.grpc.Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<Resp> listener, Metadata headers) {
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onHeaders(Metadata responseHeaders) {
                  seen.set(true);
                  super.onHeaders(responseHeaders);
                }
              },
              headers);
        }
      };
    }
  }

  @Test
  void aUnaryCallReadsBadRequestFieldViolationsFromATrailersOnlyResponse() throws InvalidProtocolBufferException {
    HeadersSeen headers = new HeadersSeen();
    io.grpc.Channel intercepted = ClientInterceptors.intercept(channel, headers);
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(intercepted, ErrorDetailsService.GRPC_UNARY, tenSeconds(), text("bad-request")));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("invalid sign-up", e.getStatus().getDescription());
    com.google.rpc.Status read = StatusProto.fromThrowable(e);
    assertEquals(BAD_REQUEST, read);
    BadRequest badRequest = read.getDetails(0).unpack(BadRequest.class);
    assertEquals("age", badRequest.getFieldViolations(1).getField());
    assertFalse(headers.seen.get(), "trailers-only: no headers block");
  }

  @Test
  void aUnaryCallReadsErrorInfoAndRetryInfoBesideOtherTrailers() throws InvalidProtocolBufferException {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, ErrorDetailsService.GRPC_UNARY, tenSeconds(), text("quota")));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    assertEquals(QUOTA.getMessage(), e.getStatus().getDescription());
    com.google.rpc.Status read = StatusProto.fromThrowable(e);
    assertEquals(QUOTA, read);
    assertEquals("RATE_LIMITED", read.getDetails(0).unpack(ErrorInfo.class).getReason());
    assertEquals(2, read.getDetails(1).unpack(RetryInfo.class).getRetryDelay().getSeconds());
    assertEquals("req-7", e.getTrailers().get(REQUEST_ID));
  }

  @Test
  void aServerStreamEndingInAnErrorAfterMessagesCarriesTheDetails() {
    HeadersSeen headers = new HeadersSeen();
    Iterator<StringValue> responses =
        ClientCalls.blockingServerStreamingCall(
            ClientInterceptors.intercept(channel, headers), ErrorDetailsService.GRPC_SERVER_STREAMING, tenSeconds(), text("quota:2"));
    assertEquals(text("m0"), responses.next());
    assertEquals(text("m1"), responses.next());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, responses::hasNext);

    assertEquals(QUOTA, StatusProto.fromThrowable(e));
    assertTrue(headers.seen.get());
  }

  @Test
  void aServerStreamFailingAtOnceCarriesTheDetailsInATrailersOnlyResponse() {
    HeadersSeen headers = new HeadersSeen();
    Iterator<StringValue> responses =
        ClientCalls.blockingServerStreamingCall(
            ClientInterceptors.intercept(channel, headers), ErrorDetailsService.GRPC_SERVER_STREAMING, tenSeconds(), text("bad-request:0"));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, responses::hasNext);

    assertEquals(BAD_REQUEST, StatusProto.fromThrowable(e));
    assertFalse(headers.seen.get(), "trailers-only: no headers block");
  }

  /** Collects a streaming call's responses; the future ends with its error. */
  private static final class Responses implements StreamObserver<StringValue> {
    final List<StringValue> received = new ArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();

    @Override
    public synchronized void onNext(StringValue value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(null);
    }

    StatusRuntimeException failure() {
      ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(10, TimeUnit.SECONDS));
      return assertInstanceOf(StatusRuntimeException.class, e.getCause());
    }
  }

  @Test
  void aClientStreamingCallCarriesTheDetails() {
    Responses responses = new Responses();
    StreamObserver<StringValue> requests =
        ClientCalls.asyncClientStreamingCall(channel.newCall(ErrorDetailsService.GRPC_CLIENT_STREAMING, tenSeconds()), responses);
    requests.onNext(text("first"));
    requests.onNext(text("quota"));
    requests.onCompleted();

    assertEquals(QUOTA, StatusProto.fromThrowable(responses.failure()));
  }

  @Test
  void aBidiCallFailingMidwayCarriesTheDetails() {
    Responses responses = new Responses();
    StreamObserver<StringValue> requests =
        ClientCalls.asyncBidiStreamingCall(channel.newCall(ErrorDetailsService.GRPC_BIDI, tenSeconds()), responses);
    requests.onNext(text("hello"));
    requests.onNext(text("bad-request"));
    requests.onCompleted();

    assertEquals(BAD_REQUEST, StatusProto.fromThrowable(responses.failure()));
    synchronized (responses) {
      assertEquals(List.of(text("hello")), responses.received);
    }
  }
}
