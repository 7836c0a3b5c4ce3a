package dev.shuttle.bench;

import dev.shuttle.BidiCall;
import dev.shuttle.Channel;
import dev.shuttle.ResponseStream;
import dev.shuttle.StatusException;
import dev.shuttle.bench.proto.Payload;
import dev.shuttle.bench.streaming.DownloadRequest;
import dev.shuttle.bench.streaming.StopRequest;
import dev.shuttle.bench.streaming.StreamingClient;
import dev.shuttle.http2.config.TlsClientConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Shuttle's side of bin/bench-streaming: its blocking calls, each on a virtual thread. */
final class ShuttleStreamingStack implements StreamingBenchClient.Stack {
  private final Channel channel;
  private final StreamingClient client;

  ShuttleStreamingStack(int port, Path tlsCa) throws IOException {
    String target = "127.0.0.1:" + port;
    channel = tlsCa == null ? Channel.plaintext(target) : Channel.tls(target, TlsClientConfig.trusting(tlsCa));
    client = StreamingClient.of(channel);
  }

  @Override
  public StreamingBenchClient.Call download(DownloadRequest request, StreamingBenchClient.Receiver receiver) {
    ResponseStream<Payload> responses = client.download(request);
    return new ShuttleCall(responses, receiveAll(responses, receiver));
  }

  @Override
  public StreamingBenchClient.Call echo(Supplier<Payload> outgoing, StreamingBenchClient.Receiver receiver) {
    BidiCall<Payload, Payload> call = client.echo();
    Thread.ofVirtual().name("echo-sender").start(() -> {
      try {
        Payload message;
        while ((message = outgoing.get()) != null) {
          call.send(message); // blocks while the server's window is closed
        }
        call.halfClose();
      } catch (StatusException e) {
        // The call ended under the sender; the receiver reports how.
      }
    });
    return new ShuttleCall(call, receiveAll(call, receiver));
  }

  @Override
  public Boolean stop(long stopId, Duration deadline) {
    try {
      return client.withTimeout(deadline).stop(StopRequest.newBuilder().setStopId(stopId).build()).getKnown();
    } catch (StatusException e) {
      if (e.code() == dev.shuttle.Status.Code.DEADLINE_EXCEEDED) {
        return null;
      }
      throw e;
    }
  }

  private static CompletableFuture<String> receiveAll(ResponseStream<Payload> responses, StreamingBenchClient.Receiver receiver) {
    CompletableFuture<String> end = new CompletableFuture<>();
    Thread.ofVirtual().name("stream-receiver").start(() -> {
      try {
        for (Payload message : responses) {
          receiver.received(message);
        }
        end.complete("OK");
      } catch (StatusException e) {
        end.complete(e.code() + ": " + e.status().description());
      } catch (RuntimeException e) {
        end.complete(e.toString());
      }
    });
    return end;
  }

  private record ShuttleCall(ResponseStream<Payload> responses, CompletableFuture<String> end) implements StreamingBenchClient.Call {
    @Override
    public void cancel() {
      responses.close();
    }
  }

  @Override
  public void close() {
    channel.close();
  }
}
