package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Server interceptors around every call kind, seen from a real client over a socket. */
@ParameterizedClass
@EnumSource(Transport.class)
class ServerInterceptorTest {
  @Parameter Transport transport;

  private static final String SERVICE = "intercept.Test";
  private static final MethodDescriptor<String, String> UNARY =
      MethodDescriptor.of(MethodType.UNARY, SERVICE, "Unary", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> SERVER_STREAMING =
      MethodDescriptor.of(MethodType.SERVER_STREAMING, SERVICE, "ServerStreaming", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> CLIENT_STREAMING =
      MethodDescriptor.of(MethodType.CLIENT_STREAMING, SERVICE, "ClientStreaming", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> BIDI =
      MethodDescriptor.of(MethodType.BIDI_STREAMING, SERVICE, "Bidi", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final ServerContext.Key<String> USER = ServerContext.Key.named("user");

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger handlerRuns = new AtomicInteger();
  private Server server;
  private Channel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.close();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  /** Each call kind: echoes "user:request" per request, so a test sees the attached user too. */
  private ServiceDefinition service() {
    return ServiceDefinition.builder(SERVICE)
        .unary(UNARY, (request, context) -> {
          handlerRuns.incrementAndGet();
          events.add("handler");
          if (request.equals("fail")) {
            throw new StatusException(Status.FAILED_PRECONDITION.withDescription("asked to fail"));
          }
          return context.get(USER) + ":" + request + ":" + context.requestMetadata().get("x-seen-by-handler");
        })
        .serverStreaming(SERVER_STREAMING, (request, responses, context) -> {
          handlerRuns.incrementAndGet();
          responses.send(request + "-1");
          responses.send(request + "-2");
        })
        .clientStreaming(CLIENT_STREAMING, (requests, context) -> {
          handlerRuns.incrementAndGet();
          StringBuilder all = new StringBuilder();
          for (String request : requests) {
            all.append(request);
          }
          return all.toString();
        })
        .bidiStreaming(BIDI, (requests, responses, context) -> {
          handlerRuns.incrementAndGet();
          for (String request : requests) {
            responses.send(request.toUpperCase());
          }
        })
        .build();
  }

  private static ServerInterceptor recording(String name, List<String> events) {
    return (requests, responses, context, next) -> {
      events.add(name + " in");
      try {
        next.proceed(requests, responses, context);
        events.add(name + " out");
      } catch (StatusException e) {
        events.add(name + " saw " + e.code());
        throw e;
      }
    };
  }

  private void start(Server.Builder builder) throws Exception {
    server = builder.listen("127.0.0.1", 0).start();
    channel = transport.connect(server);
  }

  @Test
  void serverInterceptorsRunInTheOrderListedOutsideTheServicesOwn() throws Exception {
    start(
        transport.serve(Server.builder())
            .intercept(recording("server-1", events), recording("server-2", events))
            .service(service().withInterceptors(recording("service-1", events), recording("service-2", events))));

    channel.unaryCall(UNARY, "hi", CallOptions.DEFAULT);

    assertEquals(
        List.of(
            "server-1 in", "server-2 in", "service-1 in", "service-2 in", "handler",
            "service-2 out", "service-1 out", "server-2 out", "server-1 out"),
        events);
  }

  @Test
  void anInterceptorThatThrowsEndsTheCallWithItsStatusAndTheHandlerNeverRuns() throws Exception {
    ServerInterceptor auth = (requests, responses, context, next) -> {
      if (!"Bearer s3cret".equals(context.requestMetadata().get("authorization"))) {
        throw new StatusException(Status.UNAUTHENTICATED.withDescription("a bearer token is required"));
      }
      next.proceed(requests, responses, context);
    };
    start(transport.serve(Server.builder()).intercept(auth).service(service()));

    StatusException refused = assertThrows(StatusException.class, () -> channel.unaryCall(UNARY, "hi", CallOptions.DEFAULT));
    assertEquals(Status.Code.UNAUTHENTICATED, refused.code());
    assertEquals("a bearer token is required", refused.status().description());
    assertEquals(0, handlerRuns.get());

    String answer = channel.unaryCall(UNARY, "hi", CallOptions.DEFAULT.withHeader("authorization", "Bearer s3cret"));
    assertEquals("null:hi:null", answer);
    assertEquals(1, handlerRuns.get());
  }

  @Test
  void anInterceptorAttachesValuesAndChangesMetadataBothWays() throws Exception {
    ServerInterceptor enrich = (requests, responses, context, next) -> {
      context.set(USER, "ada");
      context.requestMetadata().put("x-seen-by-handler", "yes");
      context.responseHeaders().put("x-interceptor", "was-here");
      next.proceed(requests, responses, context);
      context.responseTrailers().put("x-outcome", "ok");
    };
    start(transport.serve(Server.builder()).intercept(enrich).service(service()));

    ResponseMetadata received = new ResponseMetadata();
    String answer = channel.unaryCall(UNARY, "hi", CallOptions.DEFAULT.withResponseMetadata(received));

    assertEquals("ada:hi:yes", answer);
    assertEquals("was-here", received.headers().get("x-interceptor"));
    assertEquals("ok", received.trailers().get("x-outcome"));
  }

  @Test
  void anInterceptorSeesTheHandlersFailure() throws Exception {
    start(transport.serve(Server.builder()).intercept(recording("outer", events)).service(service()));

    StatusException e = assertThrows(StatusException.class, () -> channel.unaryCall(UNARY, "fail", CallOptions.DEFAULT));

    assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
    assertEquals(List.of("outer in", "handler", "outer saw FAILED_PRECONDITION"), events);
  }

  @Test
  void anInterceptorSeesAndChangesEveryMessageOfEveryCallKind() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    ServerInterceptor tagging = (requests, responses, context, next) -> {
      String method = context.method().methodName();
      StreamSource<Object> taggedRequests = () -> {
        Object request = requests.receive();
        if (request != null) {
          seen.add(method + " request " + request);
        }
        return request == null ? null : request + "+";
      };
      StreamSink<Object> taggedResponses = response -> {
        seen.add(method + " response " + response);
        responses.send(response + "!");
      };
      next.proceed(taggedRequests, taggedResponses, context);
    };
    start(transport.serve(Server.builder()).intercept(tagging).service(service()));

    assertEquals("null:a+:null!", channel.unaryCall(UNARY, "a", CallOptions.DEFAULT));

    List<String> streamed = new ArrayList<>();
    try (ResponseStream<String> responses = channel.serverStreamingCall(SERVER_STREAMING, "b", CallOptions.DEFAULT)) {
      responses.forEach(streamed::add);
    }
    assertEquals(List.of("b+-1!", "b+-2!"), streamed);

    try (ClientStreamingCall<String, String> call = channel.clientStreamingCall(CLIENT_STREAMING, CallOptions.DEFAULT)) {
      call.send("c");
      call.send("d");
      assertEquals("c+d+!", call.finish());
    }

    List<String> echoed = new ArrayList<>();
    try (BidiCall<String, String> call = channel.bidiStreamingCall(BIDI, CallOptions.DEFAULT)) {
      call.send("e");
      call.send("f");
      call.halfClose();
      call.forEach(echoed::add);
    }
    assertEquals(List.of("E+!", "F+!"), echoed);

    assertEquals(
        List.of(
            "Unary request a", "Unary response null:a+:null",
            "ServerStreaming request b", "ServerStreaming response b+-1", "ServerStreaming response b+-2",
            "ClientStreaming request c", "ClientStreaming request d", "ClientStreaming response c+d+",
            "Bidi request e", "Bidi response E+", "Bidi request f", "Bidi response F+"),
        seen);
  }

  @Test
  void aUnaryInterceptorThatSendsTwoResponsesFailsTheCall() throws Exception {
    ServerInterceptor doubling = (requests, responses, context, next) -> {
      next.proceed(requests, response -> {
        responses.send(response);
        responses.send(response);
      }, context);
    };
    start(transport.serve(Server.builder()).intercept(doubling).service(service()));

    StatusException e = assertThrows(StatusException.class, () -> channel.unaryCall(UNARY, "a", CallOptions.DEFAULT));
    assertEquals(Status.Code.INTERNAL, e.code());
  }
}
