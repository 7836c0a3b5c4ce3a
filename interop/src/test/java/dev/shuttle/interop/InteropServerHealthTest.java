package dev.shuttle.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The interop server answers grpc.health.v1 health checks, as Kubernetes' gRPC probes and
 * grpc_health_probe ask them (here through grpc-java's health client): the whole server is
 * SERVING, and NOT_SERVING to a watcher once its stop (what SIGTERM runs) begins.
 */
class InteropServerHealthTest {
  @Test
  void theWholeServerIsServingUntilItStops() throws Exception {
    InteropServer server = InteropServer.start(new InetSocketAddress("127.0.0.1", 0), false);
    // grpc-java's own threads, so that closing them is ours to do and none outlive the test.
    EventLoopGroup eventLoop = new NioEventLoopGroup(1);
    ExecutorService grpcExecutor = Executors.newCachedThreadPool();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", server.port()))
            .usePlaintext()
            .eventLoopGroup(eventLoop)
            .channelType(NioSocketChannel.class)
            .executor(grpcExecutor)
            .offloadExecutor(grpcExecutor)
            .build();
    try {
      HealthGrpc.HealthBlockingStub health =
          HealthGrpc.newBlockingStub(channel).withDeadlineAfter(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
      HealthCheckRequest wholeServer = HealthCheckRequest.getDefaultInstance();
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.check(wholeServer).getStatus());

      Iterator<HealthCheckResponse> watch = health.watch(wholeServer);
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, watch.next().getStatus());
      Thread stopping = Thread.ofVirtual().start(() -> {
        try {
          server.stop();
        } catch (InterruptedException e) {
          server.close();
        }
      });
      assertEquals(HealthCheckResponse.ServingStatus.NOT_SERVING, watch.next().getStatus());
      assertFalse(watch.hasNext(), "the watch went on after NOT_SERVING");
      stopping.join();
    } finally {
      channel.shutdownNow();
      channel.awaitTermination(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
      server.close();
      grpcExecutor.shutdownNow();
      grpcExecutor.awaitTermination(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
      eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
    }
  }
}
