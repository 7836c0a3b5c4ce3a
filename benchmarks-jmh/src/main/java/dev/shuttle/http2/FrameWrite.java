package dev.shuttle.http2;

import dev.shuttle.bench.jmh.Workload;
import dev.shuttle.http2.hpack.HpackEncoder;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelOutboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.embedded.EmbeddedChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Writes the frames of one unary request (HEADERS with seven fields, DATA with the framed
 * request, END_STREAM) on a new stream and flushes them, HPACK included: Shuttle's
 * {@code WriteScheduler} (package-private; this class sits in its package on the class path)
 * queueing and draining into a discarding output stream, against Netty's public
 * {@code DefaultHttp2FrameWriter} writing through an {@code EmbeddedChannel} whose output is
 * released, the headers as {@code AsciiString}s as grpc-java gives them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameWrite {
  private static final WriteScheduler.Events NO_EVENTS = new WriteScheduler.Events() {
    @Override
    public void onOutputDone() {}

    @Override
    public void onWriteFailure(Throwable failure) {
      throw new IllegalStateException(failure);
    }
  };

  private final byte[] framedRequest = Workload.framed(Workload.REQUEST.toByteArray());
  private final Http2Headers shuttleHeaders = new Http2Headers();
  private WriteScheduler scheduler;
  private int shuttleStreamId = 1;

  private final DefaultHttp2Headers nettyHeaders = new DefaultHttp2Headers();
  private final DefaultHttp2FrameWriter nettyWriter = new DefaultHttp2FrameWriter();
  private EmbeddedChannel channel;
  private ChannelHandlerContext ctx;
  private int nettyStreamId = 1;

  @Setup
  public void setUp() {
    for (Map.Entry<String, String> h : Workload.REQUEST_HEADERS) {
      shuttleHeaders.add(h.getKey(), h.getValue());
      nettyHeaders.add(AsciiString.of(h.getKey()), AsciiString.of(h.getValue()));
    }
    scheduler = new WriteScheduler(OutputStream.nullOutputStream(), 1 << 20, HpackEncoder.Policy.DEFAULT, NO_EVENTS,
        "jmh-writer");
    ChannelOutboundHandlerAdapter passOn = new ChannelOutboundHandlerAdapter();
    channel = new EmbeddedChannel(passOn);
    ctx = channel.pipeline().context(passOn);
  }

  @TearDown
  public void tearDown() {
    scheduler.stop();
    channel.finishAndReleaseAll();
  }

  @Benchmark
  public void shuttle() {
    Http2Stream stream = new Http2Stream(nextId(shuttleStreamId), null);
    shuttleStreamId = stream.id;
    scheduler.stream(new WriteOp.Headers(stream, shuttleHeaders, null, false, false));
    scheduler.stream(new WriteOp.Data(stream, framedRequest, 0, framedRequest.length, true, false));
    scheduler.flush();
  }

  @Benchmark
  public void netty() {
    int id = nettyStreamId = nextId(nettyStreamId);
    nettyWriter.writeHeaders(ctx, id, nettyHeaders, 0, false, ctx.voidPromise());
    nettyWriter.writeData(ctx, id, Unpooled.wrappedBuffer(framedRequest), 0, true, ctx.voidPromise());
    ctx.flush();
    channel.releaseOutbound();
  }

  /** The next client stream id, starting over before it runs out. */
  private static int nextId(int id) {
    return id >= Integer.MAX_VALUE - 2 ? 1 : id + 2;
  }
}
