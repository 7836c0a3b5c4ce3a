package dev.shuttle.services.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.Server;
import dev.shuttle.services.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * grpc-java's own health client ({@code io.grpc:grpc-services}' {@code HealthGrpc}) calls our
 * {@link HealthService} over a socket: what Kubernetes probes, grpc_health_probe and client-side
 * health checking rely on.
 */
class GrpcJavaHealthClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static EventLoopGroup eventLoop;
  private static ExecutorService grpcExecutor;

  private final HealthStatusManager health = new HealthStatusManager();
  private Server server;
  private ManagedChannel channel;

  @BeforeAll
  static void grpcThreads() {
    // grpc-java's own threads, so that closing them is ours to do and none outlive the class.
    eventLoop = new NioEventLoopGroup(1);
    grpcExecutor = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stopGrpcThreads() throws Exception {
    grpcExecutor.shutdownNow();
    grpcExecutor.awaitTermination(10, TimeUnit.SECONDS);
    eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }

  /** Starts a server with health registered as {@code register} says, and a grpc-java channel to it. */
  private void start(UnaryOperator<Server.Builder> register) throws Exception {
    server = register.apply(Server.builder().listen("127.0.0.1", 0)).start();
    channel =
        NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", server.port()))
            .usePlaintext()
            .eventLoopGroup(eventLoop)
            .channelType(NioSocketChannel.class)
            .executor(grpcExecutor)
            .offloadExecutor(grpcExecutor)
            .build();
  }

  private void start() throws Exception {
    start(health::addTo);
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
      channel.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(WAIT);
    }
  }

  private HealthCheckResponse.ServingStatus check(String service) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  @Test
  void checkReportsServingNotServingAndNotFoundForAnUnknownService() throws Exception {
    start();
    health.setStatus("demo.Up", ServingStatus.SERVING);
    health.setStatus("demo.Down", ServingStatus.NOT_SERVING);

    assertEquals(HealthCheckResponse.ServingStatus.SERVING, check(""), "the whole server, by default");
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, check("demo.Up"));
    assertEquals(HealthCheckResponse.ServingStatus.NOT_SERVING, check("demo.Down"));
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> check("demo.Unknown"));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());

    health.clearStatus("demo.Up");
    StatusRuntimeException cleared = assertThrows(StatusRuntimeException.class, () -> check("demo.Up"));
    assertEquals(Status.Code.NOT_FOUND, cleared.getStatus().getCode());
  }

  @Test
  void watchSendsTheCurrentStatusThenEachChangeInOrder() throws Exception {
    start();
    health.setStatus("demo.Greeter", ServingStatus.SERVING);
    try (Watch watch = new Watch("demo.Greeter")) {
      watch.expect(HealthCheckResponse.ServingStatus.SERVING);

      health.setStatus("demo.Greeter", ServingStatus.NOT_SERVING);
      watch.expect(HealthCheckResponse.ServingStatus.NOT_SERVING);
      // Setting the status it already has is no change: the next message is the next change.
      health.setStatus("demo.Greeter", ServingStatus.NOT_SERVING);
      health.setStatus("demo.Greeter", ServingStatus.SERVING);
      watch.expect(HealthCheckResponse.ServingStatus.SERVING);
      health.clearStatus("demo.Greeter");
      watch.expect(HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN);
    }
  }

  @Test
  void watchOfAnUnknownServiceStaysOpenAndSeesItWhenItIsRegistered() throws Exception {
    start();
    try (Watch watch = new Watch("demo.Later")) {
      watch.expect(HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN);

      health.setStatus("demo.Later", ServingStatus.SERVING);
      watch.expect(HealthCheckResponse.ServingStatus.SERVING);
    }
  }

  @ParameterizedTest(name = "interruptHandlersOnCancel={0}")
  @ValueSource(booleans = {true, false})
  void watchEndsWhenTheClientCancelsIt(boolean interruptHandlers) throws Exception {
    // Health served without addTo: nothing but the client's cancel can end the watch.
    start(builder -> builder.interruptHandlersOnCancel(interruptHandlers).service(health.service()));
    Watch watch = new Watch("");
    watch.expect(HealthCheckResponse.ServingStatus.SERVING);

    watch.close();
    assertEquals(Status.Code.CANCELLED, watch.awaitEnd().getCode());

    // A graceful shutdown waits for every handler: it finishes only if the watch's has returned.
    server.shutdown();
    assertTrue(server.awaitTermination(WAIT), "the cancelled watch's handler is still running");
  }

  @Test
  void serverShutdownTurnsEverythingNotServingAndEndsTheWatches() throws Exception {
    start();
    health.setStatus("demo.Greeter", ServingStatus.SERVING);
    Watch wholeServer = new Watch("");
    Watch greeter = new Watch("demo.Greeter");
    Watch unknown = new Watch("demo.Unknown");
    wholeServer.expect(HealthCheckResponse.ServingStatus.SERVING);
    greeter.expect(HealthCheckResponse.ServingStatus.SERVING);
    unknown.expect(HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN);

    server.shutdown();

    wholeServer.expect(HealthCheckResponse.ServingStatus.NOT_SERVING);
    greeter.expect(HealthCheckResponse.ServingStatus.NOT_SERVING);
    assertEquals(Status.Code.OK, wholeServer.awaitEnd().getCode());
    assertEquals(Status.Code.OK, greeter.awaitEnd().getCode());
    assertEquals(Status.Code.OK, unknown.awaitEnd().getCode());
    assertTrue(server.awaitTermination(WAIT), "watches held up the graceful shutdown");
    health.setStatus("demo.Greeter", ServingStatus.SERVING);
    assertEquals(ServingStatus.NOT_SERVING, health.status("demo.Greeter"), "a status set after shutdown began");
  }

  @Test
  void terminalStateMarksEverythingNotServingAndIgnoresLaterChanges() throws Exception {
    start();
    health.setStatus("demo.Greeter", ServingStatus.SERVING);
    try (Watch watch = new Watch("demo.Greeter")) {
      watch.expect(HealthCheckResponse.ServingStatus.SERVING);

      health.enterTerminalState();
      watch.expect(HealthCheckResponse.ServingStatus.NOT_SERVING);
      health.setStatus("demo.Greeter", ServingStatus.SERVING);
      health.setStatus("", ServingStatus.SERVING);
      health.clearStatus("demo.Greeter");

      assertEquals(HealthCheckResponse.ServingStatus.NOT_SERVING, check(""));
      assertEquals(HealthCheckResponse.ServingStatus.NOT_SERVING, check("demo.Greeter"));
      // The watch stays open in the terminal state; the next thing it sees is our cancel.
      watch.close();
      assertEquals(Status.Code.CANCELLED, watch.awaitEnd().getCode());
    }
  }

  /** A Watch call through grpc-java's async stub; what it receives, in order. */
  private final class Watch implements AutoCloseable {
    private final BlockingQueue<HealthCheckResponse.ServingStatus> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<Status> end = new LinkedBlockingQueue<>();
    private volatile ClientCallStreamObserver<HealthCheckRequest> call;

    Watch(String service) {
      HealthGrpc.newStub(channel)
          .watch(
              HealthCheckRequest.newBuilder().setService(service).build(),
              new ClientResponseObserver<HealthCheckRequest, HealthCheckResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<HealthCheckRequest> requestStream) {
                  call = requestStream;
                }

                @Override
                public void onNext(HealthCheckResponse response) {
                  received.add(response.getStatus());
                }

                @Override
                public void onError(Throwable t) {
                  end.add(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                  end.add(Status.OK);
                }
              });
    }

    void expect(HealthCheckResponse.ServingStatus status) throws InterruptedException {
      HealthCheckResponse.ServingStatus next = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertNotNull(next, "no status within " + WAIT + "; expected " + status);
      assertEquals(status, next);
    }

    Status awaitEnd() throws InterruptedException {
      Status status = end.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertNotNull(status, "the watch did not end within " + WAIT);
      assertTrue(received.isEmpty(), "statuses after the last one expected: " + received);
      return status;
    }

    @Override
    public void close() {
      call.cancel("test done", null);
    }
  }
}
