package dev.shuttle.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.shuttle.interop.proto.Empty;
import dev.shuttle.interop.proto.Payload;
import dev.shuttle.interop.proto.SimpleRequest;
import dev.shuttle.interop.proto.SimpleResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Direction (a): grpc-java's Netty client, plaintext, calling a Shuttle server. */
class GrpcJavaClientToShuttleServerTest {
  private static ShuttleInteropService service;
  private static dev.shuttle.Server server;
  private static EventLoopGroup eventLoop;
  private static ExecutorService grpcExecutor;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    service = new ShuttleInteropService();
    server =
        dev.shuttle.Server.builder()
            .listen("127.0.0.1", 0)
            .service(service)
            .service(ShuttleInteropService.echoService())
            .maxInboundMessageSize(Interop.LARGE_MESSAGE_LIMIT)
            .start();
    // grpc-java's own threads, so that closing them is ours to do and none outlive the class.
    eventLoop = new NioEventLoopGroup(2);
    grpcExecutor = Executors.newCachedThreadPool();
    channel = newChannel(server.port(), Interop.LARGE_MESSAGE_LIMIT);
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
      channel.awaitTermination(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(java.time.Duration.ofSeconds(Interop.GUARD_SECONDS));
    }
    if (grpcExecutor != null) {
      grpcExecutor.shutdownNow();
      grpcExecutor.awaitTermination(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
    }
    if (eventLoop != null) {
      eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static ManagedChannel newChannel(int port, int maxInboundMessageSize) {
    return NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .usePlaintext()
        .eventLoopGroup(eventLoop)
        .channelType(NioSocketChannel.class)
        .executor(grpcExecutor)
        .offloadExecutor(grpcExecutor)
        .maxInboundMessageSize(maxInboundMessageSize)
        .build();
  }

  private static <Req, Resp> Resp call(Channel on, MethodDescriptor<Req, Resp> method, Req request) {
    return ClientCalls.blockingUnaryCall(on, method, CallOptions.DEFAULT, request);
  }

  private static SimpleResponse unary(SimpleRequest request) {
    return call(channel, GrpcJavaInterop.UNARY_CALL, request);
  }

  /** A normal call on {@code on}: proves the channel (and its connection) still works. */
  private static void assertNormalCallSucceeds(Channel on) {
    SimpleRequest request = Interop.sizedRequest(1, 1, 7);
    Interop.assertZeros(1, call(on, GrpcJavaInterop.UNARY_CALL, request));
  }

  private static Status failingCall(Channel on, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    return e.getStatus();
  }

  /** Sends a patterned request of {@code size} bytes and asks for {@code size} bytes back. */
  private static void assertPayloadsRoundTrip(int size) {
    SimpleRequest request = Interop.sizedRequest(size, size, size);
    SimpleResponse response = unary(request);
    Interop.assertZeros(size, response);
    SimpleRequest received = service.lastUnaryRequest.get();
    assertNotNull(received, "the server saw no request");
    Interop.assertSameBytes(request.getPayload().getBody(), received.getPayload().getBody(), "request payload at the server");
    assertEquals(size, received.getResponseSize());
  }

  @Test
  void emptyCallExchangesZeroLengthMessages() {
    Empty response = call(channel, GrpcJavaInterop.EMPTY_CALL, Empty.getDefaultInstance());
    assertEquals(Empty.getDefaultInstance(), response);
  }

  @Test
  void unaryCallCarriesZeroBytePayloadsBothWays() {
    assertPayloadsRoundTrip(0);
  }

  @Test
  void unaryCallCarriesOneBytePayloadsBothWays() {
    assertPayloadsRoundTrip(1);
  }

  @Test
  void unaryCallCarries64KiBPayloadsBothWays() {
    assertPayloadsRoundTrip(64 * Interop.KIB);
  }

  @Test
  void unaryCallCarries10MiBPayloadsBothWays() {
    assertPayloadsRoundTrip(10 * Interop.MIB);
  }

  @Test
  void patternedPayloadsAreEchoedByteForByte() {
    for (int size : new int[] {0, 1, 64 * Interop.KIB, 10 * Interop.MIB}) {
      ByteString body = Interop.pattern(size, 1000 + size);
      Payload response = call(channel, GrpcJavaInterop.ECHO, Payload.newBuilder().setBody(body).build());
      Interop.assertSameBytes(body, response.getBody(), "echoed payload of " + size + " bytes");
    }
  }

  @Test
  void customMetadataIsEchoedInResponseHeadersAndTrailers() {
    Metadata headers = new Metadata();
    headers.put(GrpcJavaInterop.ECHO_INITIAL, Interop.ECHO_INITIAL_VALUE);
    headers.put(GrpcJavaInterop.ECHO_TRAILING, Interop.echoTrailingValue());
    AtomicReference<Metadata> responseHeaders = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    Channel intercepted =
        ClientInterceptors.intercept(
            channel,
            MetadataUtils.newAttachHeadersInterceptor(headers),
            MetadataUtils.newCaptureMetadataInterceptor(responseHeaders, trailers));

    SimpleRequest request = Interop.sizedRequest(271828, 314159, 3);
    Interop.assertZeros(314159, call(intercepted, GrpcJavaInterop.UNARY_CALL, request));

    assertNotNull(responseHeaders.get(), "no response headers captured");
    assertEquals(Interop.ECHO_INITIAL_VALUE, responseHeaders.get().get(GrpcJavaInterop.ECHO_INITIAL));
    assertNotNull(trailers.get(), "no trailers captured");
    assertArrayEquals(Interop.echoTrailingValue(), trailers.get().get(GrpcJavaInterop.ECHO_TRAILING));
    // The echoes go where the spec says, not both places.
    assertEquals(null, responseHeaders.get().get(GrpcJavaInterop.ECHO_TRAILING));
    assertEquals(null, trailers.get().get(GrpcJavaInterop.ECHO_INITIAL));
  }

  @Test
  void statusCodeAndMessageReachTheClient() {
    Status status = failingCall(channel, () -> unary(Interop.failingRequest(Interop.STATUS_CODE, Interop.STATUS_MESSAGE)));
    assertEquals(Status.Code.UNKNOWN, status.getCode());
    assertEquals(Interop.STATUS_MESSAGE, status.getDescription());
    assertNormalCallSucceeds(channel);
  }

  @Test
  void statusMessageWithWhitespaceAndUnicodeRoundTripsExactly() {
    Status status =
        failingCall(channel, () -> unary(Interop.failingRequest(Status.Code.UNKNOWN.value(), Interop.SPECIAL_STATUS_MESSAGE)));
    assertEquals(Status.Code.UNKNOWN, status.getCode());
    assertEquals(Interop.SPECIAL_STATUS_MESSAGE, status.getDescription());

    status = failingCall(channel, () -> unary(Interop.failingRequest(Status.Code.NOT_FOUND.value(), Interop.SPECIAL_STATUS_MESSAGE)));
    assertEquals(Status.Code.NOT_FOUND, status.getCode());
    assertEquals(Interop.SPECIAL_STATUS_MESSAGE, status.getDescription());
    assertNormalCallSucceeds(channel);
  }

  @Test
  void everyNonOkStatusCodeReachesTheClient() {
    for (Status.Code code : Status.Code.values()) {
      if (code == Status.Code.OK) {
        continue;
      }
      String message = "failed with " + code;
      Status status = failingCall(channel, () -> unary(Interop.failingRequest(code.value(), message)));
      assertEquals(code, status.getCode(), message);
      assertEquals(message, status.getDescription());
    }
    assertNormalCallSucceeds(channel);
  }

  @Test
  void unimplementedMethodOfTheServiceYieldsUnimplemented() {
    Status status = failingCall(channel, () -> call(channel, GrpcJavaInterop.UNIMPLEMENTED_CALL, Empty.getDefaultInstance()));
    assertEquals(Status.Code.UNIMPLEMENTED, status.getCode());
    assertNormalCallSucceeds(channel);
  }

  @Test
  void unknownMethodYieldsUnimplemented() {
    Status status = failingCall(channel, () -> call(channel, GrpcJavaInterop.UNKNOWN_METHOD, Empty.getDefaultInstance()));
    assertEquals(Status.Code.UNIMPLEMENTED, status.getCode());
    assertNormalCallSucceeds(channel);
  }

  @Test
  void unknownServiceYieldsUnimplemented() {
    Status status = failingCall(channel, () -> call(channel, GrpcJavaInterop.UNKNOWN_SERVICE_CALL, Empty.getDefaultInstance()));
    assertEquals(Status.Code.UNIMPLEMENTED, status.getCode());
    assertNormalCallSucceeds(channel);
  }

  @Test
  void deadlineExpiringOnSleepingServerYieldsDeadlineExceeded() throws Exception {
    service.sleepsEndedByCancellation.clear();
    Metadata headers = new Metadata();
    headers.put(GrpcJavaInterop.SLEEP, Long.toString(Interop.LONG_SLEEP_MILLIS));
    Channel sleepy = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));

    Status status =
        failingCall(
            channel,
            () ->
                ClientCalls.blockingUnaryCall(
                    sleepy,
                    GrpcJavaInterop.UNARY_CALL,
                    CallOptions.DEFAULT.withDeadlineAfter(200, TimeUnit.MILLISECONDS),
                    Interop.sizedRequest(10, 10, 5)));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, status.getCode());

    // The Shuttle handler learns that its call is over (from grpc-timeout or the client's reset)
    // instead of sleeping on.
    Boolean endedByCancellation = service.sleepsEndedByCancellation.poll(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
    assertEquals(Boolean.TRUE, endedByCancellation, "the server handler never saw its call cancelled");
    assertNormalCallSucceeds(channel);
  }

  @Test
  void twentyConcurrentCallsFromSeveralThreadsShareOneChannel() throws Exception {
    int calls = 20;
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> results = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        int n = i;
        results.add(
            callers.submit(
                () -> {
                  go.await();
                  // Distinct sizes: a response delivered to the wrong call would not match.
                  int size = 1000 * (n + 1) + n;
                  Interop.assertZeros(size, unary(Interop.sizedRequest(size, size, n)));
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> result : results) {
        result.get(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
      assertTrue(callers.awaitTermination(Interop.GUARD_SECONDS, TimeUnit.SECONDS));
    }
    assertNormalCallSucceeds(channel);
  }

  @Test
  void requestOverShuttleDefaultLimitIsRejectedWithResourceExhausted() throws Exception {
    // A second Shuttle server that keeps the default 4 MiB inbound limit.
    ShuttleInteropService limitedService = new ShuttleInteropService();
    dev.shuttle.Server limited = dev.shuttle.Server.builder().listen("127.0.0.1", 0).service(limitedService).start();
    ManagedChannel toLimited = newChannel(limited.port(), Interop.LARGE_MESSAGE_LIMIT);
    try {
      SimpleRequest oversized = Interop.sizedRequest(Interop.DEFAULT_LIMIT + 1, 0, 9);
      Status status = failingCall(toLimited, () -> call(toLimited, GrpcJavaInterop.UNARY_CALL, oversized));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode(), String.valueOf(status));
      assertEquals(null, limitedService.lastUnaryRequest.get(), "the handler must not see an oversized request");
      assertNormalCallSucceeds(toLimited);
    } finally {
      toLimited.shutdownNow();
      toLimited.awaitTermination(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
      limited.shutdownNow();
      limited.awaitTermination(java.time.Duration.ofSeconds(Interop.GUARD_SECONDS));
    }
  }
}
