package dev.shuttle.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shuttle.ClientInterceptor;
import dev.shuttle.ForwardingBidiCall;
import dev.shuttle.ServerInterceptor;
import dev.shuttle.StatusException;
import dev.shuttle.interop.proto.Empty;
import dev.shuttle.interop.proto.TestServiceClient;
import io.grpc.ForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.testing.integration.EmptyProtos;
import io.grpc.testing.integration.TestServiceGrpc;
import io.grpc.testing.integration.TestServiceImpl;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shuttle's interceptors seen by grpc-java: a header a Shuttle client interceptor adds reaches
 * grpc-java's server, and the response metadata and refusals of Shuttle server interceptors
 * reach grpc-java's client.
 */
class InterceptorInteropTest {
  private static final Metadata.Key<String> ADDED = Metadata.Key.of("x-added-by", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> REPLIED = Metadata.Key.of("x-replied-by", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> OUTCOME = Metadata.Key.of("x-outcome", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> DENY = Metadata.Key.of("x-deny", Metadata.ASCII_STRING_MARSHALLER);

  private static ScheduledExecutorService grpcExecutor;
  private static io.grpc.Server grpcJavaServer;
  private static dev.shuttle.Server shuttleServer;
  private static ManagedChannel grpcJavaChannel;
  private static final List<String> grpcJavaServerSaw = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    grpcExecutor = Executors.newScheduledThreadPool(2);
    io.grpc.ServerInterceptor recordHeaders = new io.grpc.ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        grpcJavaServerSaw.add(headers.get(ADDED));
        return next.startCall(
            new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
              @Override
              public void sendHeaders(Metadata responseHeaders) {
                responseHeaders.put(REPLIED, "grpc-java");
                super.sendHeaders(responseHeaders);
              }
            },
            headers);
      }
    };
    grpcJavaServer =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(ServerInterceptors.intercept(new TestServiceImpl(grpcExecutor), recordHeaders))
            .build()
            .start();

    ServerInterceptor replying = (requests, responses, context, next) -> {
      context.responseHeaders().put("x-replied-by", "shuttle-interceptor");
      next.proceed(requests, responses, context);
      context.responseTrailers().put("x-outcome", "handled");
    };
    ServerInterceptor denying = (requests, responses, context, next) -> {
      if (context.requestMetadata().get("x-deny") != null) {
        throw new StatusException(dev.shuttle.Status.PERMISSION_DENIED.withDescription("denied by an interceptor"));
      }
      next.proceed(requests, responses, context);
    };
    shuttleServer =
        dev.shuttle.Server.builder()
            .listen("127.0.0.1", 0)
            .intercept(replying, denying)
            .service(new InteropTestService("interceptor-test", new BackendMetrics()))
            .start();
    grpcJavaChannel =
        NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", shuttleServer.port())).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (grpcJavaChannel != null) {
      grpcJavaChannel.shutdownNow().awaitTermination(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
    }
    if (shuttleServer != null) {
      shuttleServer.shutdownNow();
    }
    if (grpcJavaServer != null) {
      grpcJavaServer.shutdownNow().awaitTermination(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
    }
    if (grpcExecutor != null) {
      grpcExecutor.shutdownNow();
    }
  }

  @Test
  void aHeaderAddedByAShuttleClientInterceptorReachesGrpcJavasServer() {
    AtomicReference<String> responseHeaderSeen = new AtomicReference<>();
    ClientInterceptor adding = (method, options, next) -> new ForwardingBidiCall<>(next.newCall(options.withHeader("x-added-by", "shuttle-client"))) {
      @Override
      public Object receive() {
        Object response = super.receive();
        responseHeaderSeen.set(headers().get("x-replied-by"));
        return response;
      }
    };
    try (dev.shuttle.Channel channel = dev.shuttle.Channel.plaintext("127.0.0.1:" + grpcJavaServer.getPort())) {
      TestServiceClient client = TestServiceClient.of(channel).withInterceptors(adding);
      grpcJavaServerSaw.clear();
      assertEquals(Empty.getDefaultInstance(), client.emptyCall(Empty.getDefaultInstance()));
      assertEquals(List.of("shuttle-client"), grpcJavaServerSaw);
      assertEquals("grpc-java", responseHeaderSeen.get(), "the interceptor sees the response headers");
    }
  }

  @Test
  void grpcJavasClientSeesTheResponseMetadataOfShuttleServerInterceptors() {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    TestServiceGrpc.TestServiceBlockingStub stub =
        TestServiceGrpc.newBlockingStub(grpcJavaChannel)
            .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));

    stub.emptyCall(EmptyProtos.Empty.getDefaultInstance());

    assertEquals("shuttle-interceptor", headers.get().get(REPLIED));
    assertEquals("handled", trailers.get().get(OUTCOME));
  }

  @Test
  void grpcJavasClientGetsTheStatusOfAShuttleServerInterceptorThatRefuses() {
    Metadata deny = new Metadata();
    deny.put(DENY, "yes");
    TestServiceGrpc.TestServiceBlockingStub stub =
        TestServiceGrpc.newBlockingStub(grpcJavaChannel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(deny));

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> stub.emptyCall(EmptyProtos.Empty.getDefaultInstance()));

    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertEquals("denied by an interceptor", e.getStatus().getDescription());
  }
}
