package dev.shuttle.bench.jmh;

import dev.shuttle.bench.helloworld.HelloRequest;
import dev.shuttle.internal.FramedMessage;
import dev.shuttle.internal.MessageDeframer;
import dev.shuttle.internal.MessageFramer;
import dev.shuttle.protobuf.ProtoMarshaller;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * gRPC message framing of one {@code HelloRequest}, Shuttle only: serializing it behind its
 * 5-byte prefix ({@code MessageFramer}), and reading it back out of a DATA payload
 * ({@code MessageDeframer}) and parsing it. grpc-java's framer and deframer live in
 * {@code io.grpc.internal}, which is not public API, so there is no like-for-like call to time;
 * their cost is inside the allocation per unary RPC ({@link UnaryRpc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MessageFraming {
  private final ProtoMarshaller<HelloRequest> marshaller = ProtoMarshaller.of(HelloRequest.getDefaultInstance());
  private final byte[] framed = MessageFramer.frame(marshaller, Workload.REQUEST).toArray();
  private final MessageDeframer deframer = new MessageDeframer(4 * 1024 * 1024);
  private final Parsed parsed = new Parsed();

  @Benchmark
  public FramedMessage shuttleFrame() {
    return MessageFramer.frame(marshaller, Workload.REQUEST);
  }

  @Benchmark
  public HelloRequest shuttleDeframe() {
    deframer.feed(framed, 0, framed.length, parsed);
    return parsed.message;
  }

  /** Parses each message as the call does once it has one. */
  private final class Parsed implements MessageDeframer.Sink {
    HelloRequest message;

    @Override
    public void onMessage(byte[] bytes, boolean compressed) {
      try {
        message = marshaller.parse(bytes, 0, bytes.length);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
