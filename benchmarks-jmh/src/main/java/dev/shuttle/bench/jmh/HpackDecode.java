package dev.shuttle.bench.jmh;

import dev.shuttle.http2.Http2Headers;
import dev.shuttle.http2.hpack.ByteSink;
import dev.shuttle.http2.hpack.HpackDecoder;
import dev.shuttle.http2.hpack.HpackEncoder;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
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
 * HPACK-decodes one unary request's header block, as a server reads it on a connection in its
 * steady state, into each stack's header list: Shuttle's {@code HpackDecoder} into its
 * {@code Http2Headers}, against Netty's public HPACK decoder into {@code DefaultHttp2Headers}
 * (grpc-java decodes into header classes of its own, which are not public).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HpackDecode {
  private final HpackDecoder shuttleDecoder = new HpackDecoder(4096, 8192);
  private final DefaultHttp2HeadersDecoder nettyDecoder = new DefaultHttp2HeadersDecoder(true);
  /** The same bytes for both: the block as first sent (it fills the table), then as repeated. */
  private byte[] first;
  private byte[] steady;
  private ByteBuf steadyBuf;

  @Setup
  public void setUp() throws Exception {
    HpackEncoder encoder = new HpackEncoder();
    first = encode(encoder);
    steady = encode(encoder);
    shuttleDecoder.decode(first, 0, first.length, new Http2Headers());
    nettyDecoder.decodeHeaders(1, Unpooled.wrappedBuffer(first));
    steadyBuf = Unpooled.wrappedBuffer(steady);
  }

  private static byte[] encode(HpackEncoder encoder) {
    ByteSink sink = new ByteSink(256);
    encoder.beginBlock(sink);
    for (Map.Entry<String, String> h : Workload.REQUEST_HEADERS) {
      encoder.encodeHeader(h.getKey(), h.getValue(), sink);
    }
    return sink.toByteArray();
  }

  @Benchmark
  public Http2Headers shuttle() throws Exception {
    Http2Headers headers = new Http2Headers();
    shuttleDecoder.decode(steady, 0, steady.length, headers);
    return headers;
  }

  @Benchmark
  public Object netty() throws Http2Exception {
    steadyBuf.readerIndex(0);
    return nettyDecoder.decodeHeaders(1, steadyBuf);
  }
}
