package dev.shuttle.http2;

import dev.shuttle.bench.jmh.Workload;
import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.hpack.ByteSink;
import dev.shuttle.http2.hpack.HpackDecoder;
import dev.shuttle.http2.hpack.HpackEncoder;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.embedded.EmbeddedChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2FrameAdapter;
import java.io.InputStream;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reads the frames of one unary response (HEADERS, DATA with the framed reply, trailers HEADERS)
 * as a client does, HPACK included: Shuttle's {@code FrameReader} (package-private; this class
 * sits in its package on the class path) from an input stream that delivers one response per
 * read, against Netty's public {@code DefaultHttp2FrameReader}, which grpc-java's transport uses.
 * Both read the same bytes, on a connection in its steady state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameRead {
  private FrameReader shuttleReader;
  private final DefaultHttp2FrameReader nettyReader = new DefaultHttp2FrameReader(new DefaultHttp2HeadersDecoder(true));
  private ByteBuf steadyBuf;
  /** The reader allocates through its context, as it does on a channel of grpc-java's. */
  private EmbeddedChannel channel;
  private ChannelHandlerContext ctx;
  private Blackhole blackhole;
  private final FrameHandler shuttleHandler = new ConsumingHandler();
  private final Http2FrameAdapter nettyListener = new Http2FrameAdapter() {
    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      blackhole.consume(data);
      return data.readableBytes() + padding;
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId,
        io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers headers, int padding, boolean endOfStream) {
      blackhole.consume(headers);
    }
  };

  @Setup
  public void setUp(Blackhole blackhole) throws Exception {
    this.blackhole = blackhole;
    HpackEncoder encoder = new HpackEncoder();
    byte[] reply = Workload.framed(Workload.REPLY.toByteArray());
    byte[] first = response(encoder, reply);
    byte[] steady = response(encoder, reply);
    shuttleReader = new FrameReader(new OneResponsePerRead(first, steady), new HpackDecoder(4096, 8192),
        Http2Config.defaults());
    for (int i = 0; i < 3; i++) {
      shuttleReader.readFrame(shuttleHandler); // the first response fills the HPACK table
    }
    ChannelInboundHandlerAdapter handler = new ChannelInboundHandlerAdapter();
    channel = new EmbeddedChannel(handler);
    ctx = channel.pipeline().context(handler);
    nettyReader.readFrame(ctx, Unpooled.wrappedBuffer(first), nettyListener);
    steadyBuf = Unpooled.wrappedBuffer(steady);
  }

  @TearDown
  public void tearDown() {
    channel.finishAndReleaseAll();
  }

  /** HEADERS, DATA, trailers HEADERS of stream 1, header blocks from {@code encoder}'s state. */
  private static byte[] response(HpackEncoder encoder, byte[] framedReply) {
    ByteSink out = new ByteSink(512);
    byte[] headers = block(encoder, Workload.RESPONSE_HEADERS);
    Frames.writeHeader(out, headers.length, FrameType.HEADERS, FrameType.FLAG_END_HEADERS, 1);
    out.write(headers, 0, headers.length);
    Frames.writeHeader(out, framedReply.length, FrameType.DATA, 0, 1);
    out.write(framedReply, 0, framedReply.length);
    byte[] trailers = block(encoder, Workload.TRAILERS);
    Frames.writeHeader(out, trailers.length, FrameType.HEADERS, FrameType.FLAG_END_HEADERS | FrameType.FLAG_END_STREAM, 1);
    out.write(trailers, 0, trailers.length);
    return out.toByteArray();
  }

  private static byte[] block(HpackEncoder encoder, List<Map.Entry<String, String>> fields) {
    ByteSink sink = new ByteSink(128);
    encoder.beginBlock(sink);
    for (Map.Entry<String, String> f : fields) {
      encoder.encodeHeader(f.getKey(), f.getValue(), sink);
    }
    return sink.toByteArray();
  }

  @Benchmark
  public void shuttle() throws Exception {
    shuttleReader.readFrame(shuttleHandler);
    shuttleReader.readFrame(shuttleHandler);
    shuttleReader.readFrame(shuttleHandler);
  }

  @Benchmark
  public void netty() throws Exception {
    steadyBuf.readerIndex(0);
    nettyReader.readFrame(ctx, steadyBuf, nettyListener);
  }

  /** {@code first} once, then {@code steady} over and over, one copy per read as a socket would. */
  private static final class OneResponsePerRead extends InputStream {
    private final byte[] steady;
    private byte[] current;
    private int pos;

    OneResponsePerRead(byte[] first, byte[] steady) {
      this.current = first;
      this.steady = steady;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos == current.length) {
        current = steady;
        pos = 0;
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }
  }

  private final class ConsumingHandler implements FrameHandler {
    @Override
    public void onData(int streamId, byte[] buf, int offset, int length, int flowControlledLength, boolean endStream) {
      blackhole.consume(buf);
    }

    @Override
    public void onHeaders(int streamId, Http2Headers headers, boolean endStream) {
      blackhole.consume(headers);
    }

    @Override
    public void onHeaderListTooLarge(int streamId, boolean endStream) {}

    @Override
    public void onPriority(int streamId, int dependency) {}

    @Override
    public void onRstStream(int streamId, Http2ErrorCode code) {}

    @Override
    public void onSettings(Http2Settings settings) {}

    @Override
    public void onSettingsAck() {}

    @Override
    public void onPushPromise(int streamId) {}

    @Override
    public void onPing(boolean ack, long payload) {}

    @Override
    public void onGoAway(int lastStreamId, Http2ErrorCode code, String debugData) {}

    @Override
    public void onWindowUpdate(int streamId, int increment) {}
  }
}
