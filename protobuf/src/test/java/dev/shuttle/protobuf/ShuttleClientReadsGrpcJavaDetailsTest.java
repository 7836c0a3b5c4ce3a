package dev.shuttle.protobuf;

import dev.shuttle.Channel;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A grpc-java server failing with {@code StatusProto.toStatusRuntimeException}; a Shuttle client reads the details. */
class ShuttleClientReadsGrpcJavaDetailsTest extends ShuttleClientReadsDetailsTests {
  private static EventLoopGroup boss;
  private static EventLoopGroup workers;
  private static ExecutorService grpcExecutor;
  private static io.grpc.Server server;
  private static Channel channel;

  @BeforeAll
  static void start() throws Exception {
    // grpc-java's own threads, so that closing them is ours to do and none outlive the class.
    boss = new NioEventLoopGroup(1);
    workers = new NioEventLoopGroup(1);
    grpcExecutor = Executors.newCachedThreadPool();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .channelType(NioServerSocketChannel.class)
            .executor(grpcExecutor)
            .addService(ErrorDetailsService.grpcJava())
            .build()
            .start();
    channel = Channel.plaintext("127.0.0.1:" + server.getPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.close();
    }
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (grpcExecutor != null) {
      grpcExecutor.shutdownNow();
      grpcExecutor.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }

  @Override
  Channel channel() {
    return channel;
  }
}
