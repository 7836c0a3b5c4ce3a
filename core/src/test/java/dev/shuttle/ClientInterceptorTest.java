package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Client interceptors around every call kind, against a real server over a socket. */
@ParameterizedClass
@EnumSource(Transport.class)
class ClientInterceptorTest {
  @Parameter Transport transport;

  private static final String SERVICE = "intercept.Client";
  private static final MethodDescriptor<String, String> UNARY =
      MethodDescriptor.of(MethodType.UNARY, SERVICE, "Unary", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> SLOW =
      MethodDescriptor.of(MethodType.UNARY, SERVICE, "Slow", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> SERVER_STREAMING =
      MethodDescriptor.of(MethodType.SERVER_STREAMING, SERVICE, "ServerStreaming", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> CLIENT_STREAMING =
      MethodDescriptor.of(MethodType.CLIENT_STREAMING, SERVICE, "ClientStreaming", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> BIDI =
      MethodDescriptor.of(MethodType.BIDI_STREAMING, SERVICE, "Bidi", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final long WAIT_SECONDS = 30;

  private final AtomicInteger serverCalls = new AtomicInteger();
  private final CountDownLatch slowStarted = new CountDownLatch(1);
  private final CountDownLatch slowCancelled = new CountDownLatch(1);
  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    server =
        transport.serve(Server.builder())
            .listen("127.0.0.1", 0)
            .service(ServiceDefinition.builder(SERVICE)
                .unary(UNARY, (request, context) -> {
                  serverCalls.incrementAndGet();
                  context.responseHeaders().put("x-answered-by", "server");
                  context.responseTrailers().put("x-done", "yes");
                  return request + ":" + context.requestMetadata().get("x-token");
                })
                .unary(SLOW, (request, context) -> {
                  context.onCancel(slowCancelled::countDown);
                  slowStarted.countDown();
                  try {
                    Thread.sleep(Duration.ofSeconds(60));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return "slept";
                })
                .serverStreaming(SERVER_STREAMING, (request, responses, context) -> {
                  responses.send(request + "-1");
                  responses.send(request + "-2");
                })
                .clientStreaming(CLIENT_STREAMING, (requests, context) -> {
                  StringBuilder all = new StringBuilder();
                  requests.forEach(all::append);
                  return all.toString();
                })
                .bidiStreaming(BIDI, (requests, responses, context) -> {
                  for (String request : requests) {
                    responses.send(request.toUpperCase());
                  }
                })
                .build())
            .start();
    channel = transport.connect(server);
  }

  @AfterEach
  void stop() {
    channel.close();
    server.shutdownNow();
  }

  /** Records its name as a call opens and as each response comes back. */
  private static ClientInterceptor recording(String name, List<String> events) {
    return (method, options, next) -> {
      events.add(name + " opens " + method.methodName());
      return new ForwardingBidiCall<>(next.newCall(options)) {
        @Override
        public Object receive() {
          Object response = super.receive();
          events.add(name + (response == null ? " sees the end" : " receives " + response));
          return response;
        }
      };
    };
  }

  @Test
  void interceptorsRunInTheOrderListedTheFirstOutermost() {
    List<String> events = new CopyOnWriteArrayList<>();
    CallInvoker invoker = channel.withInterceptors(recording("a", events), recording("b", events));

    assertEquals("hi:null", invoker.unaryCall(UNARY, "hi", CallOptions.DEFAULT));

    assertEquals(
        List.of("a opens Unary", "b opens Unary", "b receives hi:null", "a receives hi:null", "b sees the end", "a sees the end"),
        events);
  }

  @Test
  void aHeaderAddedByAnInterceptorReachesTheServer() {
    ClientInterceptor token = (method, options, next) -> next.newCall(options.withHeader("x-token", "t0k3n"));
    CallInvoker invoker = channel.withInterceptors(token);

    assertEquals("hi:t0k3n", invoker.unaryCall(UNARY, "hi", CallOptions.DEFAULT));
    assertEquals("hi:null", channel.unaryCall(UNARY, "hi", CallOptions.DEFAULT), "the channel itself is unchanged");
  }

  @Test
  void anInterceptorThatThrowsEndsTheCallBeforeItReachesTheServer() {
    ClientInterceptor offline = (method, options, next) -> {
      throw new StatusException(Status.UNAVAILABLE.withDescription("offline mode"));
    };
    StatusException e =
        assertThrows(StatusException.class, () -> channel.withInterceptors(offline).unaryCall(UNARY, "hi", CallOptions.DEFAULT));
    assertEquals(Status.Code.UNAVAILABLE, e.code());
    assertEquals(0, serverCalls.get());
  }

  @Test
  void anInterceptedUnaryCallStillFillsTheCallersResponseMetadata() {
    List<String> events = new CopyOnWriteArrayList<>();
    AtomicReference<String> headerSeenByInterceptor = new AtomicReference<>();
    ClientInterceptor readsHeaders = (method, options, next) -> new ForwardingBidiCall<>(next.newCall(options)) {
      @Override
      public Object receive() {
        Object response = super.receive();
        headerSeenByInterceptor.set(headers().get("x-answered-by"));
        return response;
      }
    };
    ResponseMetadata received = new ResponseMetadata();

    channel.withInterceptors(recording("r", events), readsHeaders)
        .unaryCall(UNARY, "hi", CallOptions.DEFAULT.withResponseMetadata(received));

    assertEquals("server", headerSeenByInterceptor.get());
    assertEquals("server", received.headers().get("x-answered-by"));
    assertEquals("yes", received.trailers().get("x-done"));
  }

  @Test
  void everyCallKindPassesThroughTheInterceptorWithEachMessage() {
    List<String> events = new CopyOnWriteArrayList<>();
    ClientInterceptor sends = (method, options, next) -> new ForwardingBidiCall<>(next.newCall(options)) {
      @Override
      public void send(Object message) {
        events.add(method.methodName() + " sends " + message);
        super.send(message);
      }
    };
    CallInvoker invoker = channel.withInterceptors(sends, recording("r", events));

    List<String> streamed = new ArrayList<>();
    try (ResponseStream<String> responses = invoker.serverStreamingCall(SERVER_STREAMING, "b", CallOptions.DEFAULT)) {
      responses.forEach(streamed::add);
    }
    assertEquals(List.of("b-1", "b-2"), streamed);

    try (ClientStreamingCall<String, String> call = invoker.clientStreamingCall(CLIENT_STREAMING, CallOptions.DEFAULT)) {
      call.send("c");
      call.send("d");
      assertEquals("cd", call.finish());
    }

    List<String> echoed = new ArrayList<>();
    try (BidiCall<String, String> call = invoker.bidiStreamingCall(BIDI, CallOptions.DEFAULT)) {
      call.send("e");
      call.halfClose();
      call.forEach(echoed::add);
    }
    assertEquals(List.of("E"), echoed);

    assertEquals(
        List.of(
            "r opens ServerStreaming", "ServerStreaming sends b", "r receives b-1", "r receives b-2", "r sees the end",
            "r opens ClientStreaming", "ClientStreaming sends c", "ClientStreaming sends d", "r receives cd", "r sees the end",
            "r opens Bidi", "Bidi sends e", "r receives E", "r sees the end"),
        events);
  }

  @Test
  void aDeadlineStillEndsAnInterceptedCall() {
    List<String> events = new CopyOnWriteArrayList<>();
    StatusException e =
        assertThrows(
            StatusException.class,
            () -> channel.withInterceptors(recording("r", events))
                .unaryCall(SLOW, "x", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(200))));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code(), e.toString());
  }

  @Test
  void cancellingTheFutureOfAnInterceptedCallCancelsTheServersHandler() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    CompletableFuture<String> future =
        channel.withInterceptors(recording("r", events)).unaryCallAsync(SLOW, "x", CallOptions.DEFAULT);
    // The handler must be running before the cancel, or there is nothing to wake.
    assertTrue(slowStarted.await(WAIT_SECONDS, TimeUnit.SECONDS));
    assertTrue(future.cancel(true));
    assertTrue(slowCancelled.await(WAIT_SECONDS, TimeUnit.SECONDS), "the server's handler saw the cancellation");
    assertThrows(java.util.concurrent.CancellationException.class, future::get);
  }

  @Test
  void aFailedCallReachesTheInterceptorAsAStatus() {
    AtomicReference<Status.Code> seen = new AtomicReference<>();
    ClientInterceptor watching = (method, options, next) -> new ForwardingBidiCall<>(next.newCall(options)) {
      @Override
      public Object receive() {
        try {
          return super.receive();
        } catch (StatusException e) {
          seen.set(e.code());
          throw e;
        }
      }
    };
    MethodDescriptor<String, String> missing =
        MethodDescriptor.of(MethodType.UNARY, SERVICE, "Missing", TestMarshallers.UTF8, TestMarshallers.UTF8);

    StatusException e =
        assertThrows(StatusException.class, () -> channel.withInterceptors(watching).unaryCall(missing, "x", CallOptions.DEFAULT));

    assertEquals(Status.Code.UNIMPLEMENTED, e.code());
    assertEquals(Status.Code.UNIMPLEMENTED, seen.get());
  }

  @Test
  void anInterceptedAsyncCallCompletes() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    assertEquals(
        "hi:null",
        channel.withInterceptors(recording("r", events)).unaryCallAsync(UNARY, "hi", CallOptions.DEFAULT).get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertThrows(ExecutionException.class, () ->
        channel.withInterceptors(recording("r", events)).unaryCallAsync(SLOW, "x", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(100)))
            .get(WAIT_SECONDS, TimeUnit.SECONDS));
  }
}
