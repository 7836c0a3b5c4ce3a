package dev.shuttle.bench;

import dev.shuttle.bench.proto.Payload;
import dev.shuttle.bench.streaming.DownloadRequest;
import dev.shuttle.bench.streaming.StopRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * grpc-java's side of bin/bench-streaming: async stubs on a directExecutor() channel, sending only
 * while isReady(), as its fastest flow-controlled code is written.
 */
final class GrpcStreamingStack implements StreamingBenchClient.Stack {
  private final ManagedChannel channel;

  GrpcStreamingStack(int port, SslContext tls) {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", port);
    if (tls == null) {
      builder.usePlaintext();
    } else {
      builder.sslContext(tls);
    }
    // Callbacks on the event loop: these only count, never block.
    channel = builder.directExecutor().build();
  }

  @Override
  public StreamingBenchClient.Call download(DownloadRequest request, StreamingBenchClient.Receiver receiver) {
    ClientCall<DownloadRequest, Payload> call = channel.newCall(StreamingBenchServer.GRPC_DOWNLOAD, CallOptions.DEFAULT);
    CompletableFuture<String> end = new CompletableFuture<>();
    ClientCalls.asyncServerStreamingCall(call, request, new StreamObserver<>() {
      @Override
      public void onNext(Payload message) {
        receiver.received(message);
      }

      @Override
      public void onError(Throwable t) {
        end.complete(describe(t));
      }

      @Override
      public void onCompleted() {
        end.complete("OK");
      }
    });
    return new GrpcCall(call, end);
  }

  @Override
  public StreamingBenchClient.Call echo(Supplier<Payload> outgoing, StreamingBenchClient.Receiver receiver) {
    ClientCall<Payload, Payload> call = channel.newCall(StreamingBenchServer.GRPC_ECHO, CallOptions.DEFAULT);
    CompletableFuture<String> end = new CompletableFuture<>();
    ClientCalls.asyncBidiStreamingCall(call, new ClientResponseObserver<Payload, Payload>() {
      private ClientCallStreamObserver<Payload> requests;
      private boolean halfClosed; // touched only in grpc-java's serialized callbacks

      @Override
      public void beforeStart(ClientCallStreamObserver<Payload> requests) {
        this.requests = requests;
        requests.setOnReadyHandler(this::sendWhileReady);
      }

      private void sendWhileReady() {
        while (!halfClosed && requests.isReady()) {
          Payload message = outgoing.get();
          if (message == null) {
            halfClosed = true;
            requests.onCompleted();
          } else {
            requests.onNext(message);
          }
        }
      }

      @Override
      public void onNext(Payload message) {
        receiver.received(message);
      }

      @Override
      public void onError(Throwable t) {
        end.complete(describe(t));
      }

      @Override
      public void onCompleted() {
        end.complete("OK");
      }
    });
    return new GrpcCall(call, end);
  }

  @Override
  public Boolean stop(long stopId, Duration deadline) {
    try {
      return ClientCalls.blockingUnaryCall(channel, StreamingBenchServer.GRPC_STOP,
          CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS),
          StopRequest.newBuilder().setStopId(stopId).build()).getKnown();
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
        return null;
      }
      throw e;
    }
  }

  private static String describe(Throwable t) {
    io.grpc.Status status = io.grpc.Status.fromThrowable(t);
    return status.getCode() + ": " + status.getDescription();
  }

  private record GrpcCall(ClientCall<?, ?> call, CompletableFuture<String> end) implements StreamingBenchClient.Call {
    @Override
    public void cancel() {
      call.cancel("the benchmark stopped waiting for its end", null);
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
