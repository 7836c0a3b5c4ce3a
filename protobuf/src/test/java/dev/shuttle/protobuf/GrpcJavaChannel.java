package dev.shuttle.protobuf;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A grpc-java client channel to a server on 127.0.0.1, on threads of its own, so that closing
 * them is the test's to do and none outlive the test class.
 */
final class GrpcJavaChannel implements AutoCloseable {
  private final EventLoopGroup eventLoop = new NioEventLoopGroup(1);
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ManagedChannel channel;

  GrpcJavaChannel(int port, int maxInboundMessageSize) {
    channel =
        NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .usePlaintext()
            .eventLoopGroup(eventLoop)
            .channelType(NioSocketChannel.class)
            .executor(executor)
            .offloadExecutor(executor)
            .maxInboundMessageSize(maxInboundMessageSize)
            .build();
  }

  ManagedChannel channel() {
    return channel;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
    eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }
}
