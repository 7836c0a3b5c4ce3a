package dev.shuttle.bench.jmh;

import dev.shuttle.http2.hpack.ByteSink;
import dev.shuttle.http2.hpack.HpackEncoder;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * HPACK-encodes one unary request's header block on a connection in its steady state (the
 * dynamic table already holds what repeats): Shuttle's {@code HpackEncoder} against Netty's
 * public HPACK encoder, which grpc-java's transport builds on, given the names and values as
 * {@code AsciiString}s as grpc-java gives them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HpackEncode {
  private final HpackEncoder shuttleEncoder = new HpackEncoder();
  private final ByteSink sink = new ByteSink(256);
  private final DefaultHttp2HeadersEncoder nettyEncoder = new DefaultHttp2HeadersEncoder();
  private final Http2Headers nettyHeaders = new DefaultHttp2Headers();
  private final ByteBuf buf = Unpooled.buffer(256);

  @Setup
  public void setUp() throws Http2Exception {
    for (Map.Entry<String, String> h : Workload.REQUEST_HEADERS) {
      nettyHeaders.add(AsciiString.of(h.getKey()), AsciiString.of(h.getValue()));
    }
    shuttle(); // the first block fills the dynamic tables; what is measured is the steady state
    netty();
  }

  @Benchmark
  public int shuttle() {
    sink.reset();
    shuttleEncoder.beginBlock(sink);
    for (Map.Entry<String, String> h : Workload.REQUEST_HEADERS) {
      shuttleEncoder.encodeHeader(h.getKey(), h.getValue(), sink);
    }
    return sink.size();
  }

  @Benchmark
  public int netty() throws Http2Exception {
    buf.clear();
    nettyEncoder.encodeHeaders(1, nettyHeaders, buf);
    return buf.readableBytes();
  }
}
