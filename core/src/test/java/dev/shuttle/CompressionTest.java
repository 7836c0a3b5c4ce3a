package dev.shuttle;

import static dev.shuttle.RawH2.FLAG_END_HEADERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Message compression both ways: what each side advertises in {@code grpc-accept-encoding}, what
 * it chooses per call and per message, how it answers an encoding it does not know, and how a
 * message that inflates far past the size limit is refused without being inflated whole.
 */
class CompressionTest {
  private static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of(MethodType.UNARY, "zip.Echo", "Echo", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> REPEAT =
      MethodDescriptor.of(MethodType.SERVER_STREAMING, "zip.Echo", "Repeat", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> FLAGS =
      MethodDescriptor.of(MethodType.CLIENT_STREAMING, "zip.Echo", "Flags", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<byte[], byte[]> SIZE =
      MethodDescriptor.of(MethodType.UNARY, "zip.Echo", "Size", TestMarshallers.BYTES, TestMarshallers.BYTES);
  private static final String ECHO_PATH = "/zip.Echo/Echo";
  private static final int MAX_MESSAGE = 4 << 20;
  /** Inflates to 1 GiB of zeros from about 1 MiB on the wire. */
  private static final long BOMB_SIZE = 1L << 30;

  private static volatile byte[] bomb;

  /** Bytes every decompressor of the server produced, to show what inflating cost. */
  private final AtomicLong serverInflated = new AtomicLong();
  /** Holds the server's inflating of one message until released (the reader must not wait). */
  private volatile CountDownLatch inflateGate;

  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws IOException {
    CompressionRegistry serverCompression =
        CompressionRegistry.defaults()
            .with(new ReversingCompressor(), new ReversingDecompressor())
            .with(gzipCompressor(), countingGzip(serverInflated));
    server =
        Server.builder()
            .listen("127.0.0.1", 0)
            .maxInboundMessageSize(MAX_MESSAGE)
            .compression(serverCompression)
            .service(
                ServiceDefinition.builder("zip.Echo")
                    .unary(ECHO, (request, context) -> {
                      String respondWith = context.requestMetadata().get("x-respond-with");
                      if (respondWith != null) {
                        context.setCompression(respondWith);
                      }
                      return (context.isMessageCompressed() ? "compressed:" : "plain:") + request;
                    })
                    .serverStreaming(REPEAT, (request, out, context) -> {
                      context.setCompression(CompressionRegistry.GZIP);
                      for (int i = 0; i < 4; i++) {
                        context.setMessageCompression(i % 2 == 0);
                        out.send(request + i);
                      }
                    })
                    .clientStreaming(FLAGS, (in, context) -> {
                      StringBuilder flags = new StringBuilder();
                      for (String ignored : in) {
                        flags.append(context.isMessageCompressed() ? 'c' : 'p');
                      }
                      return flags.toString();
                    })
                    .unary(SIZE, (request, context) -> {
                      String bombBack = context.requestMetadata().get("x-bomb-back");
                      if (bombBack != null) {
                        context.setCompression(bombBack);
                      }
                      return request;
                    })
                    .build())
            .start();
    channel = Channel.builder("127.0.0.1:" + server.port()).maxInboundMessageSize(MAX_MESSAGE).build();
  }

  @AfterEach
  void stop() {
    channel.close();
    server.shutdownNow();
  }

  @Test
  void aClientCompressesItsRequestWhenAskedAndTheServerSeesIt() {
    assertEquals("compressed:x", channel.unaryCall(ECHO, "x", CallOptions.DEFAULT.withCompression("gzip")));
    assertEquals("plain:x", channel.unaryCall(ECHO, "x", CallOptions.DEFAULT));
    assertEquals("plain:x", channel.unaryCall(ECHO, "x", CallOptions.DEFAULT.withCompression("identity")));
  }

  @Test
  void aPluggedInEncodingWorksOnBothSides() throws Exception {
    Channel reversing =
        Channel.builder("127.0.0.1:" + server.port())
            .compression(CompressionRegistry.defaults().with(new ReversingCompressor(), new ReversingDecompressor()))
            .build();
    try (reversing) {
      Metadata respondReversed = new Metadata().add("x-respond-with", ReversingCompressor.NAME);
      String reply =
          reversing.unaryCall(
              ECHO, "abc", CallOptions.DEFAULT.withCompression(ReversingCompressor.NAME).withMetadata(respondReversed));
      assertEquals("compressed:abc", reply);
    }
    try (RawH2 conn = RawH2.connect(server.port()).handshake()) {
      conn.send(
          RawH2.headers(
              1,
              FLAG_END_HEADERS,
              RawH2.grpcRequest(
                  ECHO_PATH, "grpc-accept-encoding", ReversingCompressor.NAME, "x-respond-with", ReversingCompressor.NAME)),
          RawH2.data(1, true, RawH2.grpcMessage("abc")));
      RawH2.Response response = conn.awaitResponse(1);
      assertEquals(ReversingCompressor.NAME, response.header("grpc-encoding"));
      assertEquals(1, response.data()[0], "the message's compressed flag");
      assertEquals(new StringBuilder("plain:abc").reverse().toString(), response.firstMessage());
    }
  }

  @Test
  void aClientOfUnknownEncodingIsToldItIsUnsupported() {
    StatusException e =
        assertThrows(
            StatusException.class, () -> channel.unaryCall(ECHO, "x", CallOptions.DEFAULT.withCompression("zstd")));
    assertEquals(Status.Code.INTERNAL, e.code(), "the client cannot compress with what it does not have: " + e);
  }

  @Test
  void aRequestInAnEncodingTheServerLacksIsUnimplementedWithTheSupportedList() throws Exception {
    try (RawH2 conn = RawH2.connect(server.port()).handshake()) {
      conn.send(
          RawH2.headers(1, FLAG_END_HEADERS, RawH2.grpcRequest(ECHO_PATH, "grpc-encoding", "zstd")),
          RawH2.data(1, true, compressedMessage(new byte[] {1, 2, 3})));
      RawH2.Response response = conn.awaitResponse(1);
      assertEquals(String.valueOf(Status.Code.UNIMPLEMENTED.value()), response.grpcStatus());
      String accepted = response.header("grpc-accept-encoding");
      assertTrue(
          accepted != null && accepted.contains("gzip") && accepted.contains(ReversingCompressor.NAME),
          "grpc-accept-encoding lists what the server supports: " + accepted);
    }
  }

  @Test
  void theServerCompressesOnlyInAnEncodingTheClientAccepts() throws Exception {
    try (RawH2 conn = RawH2.connect(server.port()).handshake()) {
      conn.send(
          RawH2.headers(
              1, FLAG_END_HEADERS, RawH2.grpcRequest(ECHO_PATH, "grpc-accept-encoding", "deflate, gzip", "x-respond-with", "gzip")),
          RawH2.data(1, true, RawH2.grpcMessage("x")));
      RawH2.Response gzipped = conn.awaitResponse(1);
      assertEquals("gzip", gzipped.header("grpc-encoding"));
      assertEquals(1, gzipped.data()[0], "the message's compressed flag");

      // A client that advertises no grpc-accept-encoding gets the response uncompressed.
      conn.send(
          RawH2.headers(3, FLAG_END_HEADERS, RawH2.grpcRequest(ECHO_PATH, "x-respond-with", "gzip")),
          RawH2.data(3, true, RawH2.grpcMessage("x")));
      RawH2.Response plain = conn.awaitResponse(3);
      assertEquals("0", plain.grpcStatus());
      assertNull(plain.header("grpc-encoding"));
      assertEquals(0, plain.data()[0], "the message's compressed flag");
      assertEquals("plain:x", plain.firstMessage());
    }
    Metadata respondGzip = new Metadata().add("x-respond-with", "gzip");
    assertEquals("plain:x", channel.unaryCall(ECHO, "x", CallOptions.DEFAULT.withMetadata(respondGzip)));
  }

  @Test
  void theServerTurnsCompressionOffAndOnPerMessageAndTheClientSeesEach() {
    List<Boolean> compressed = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    try (ResponseStream<String> stream = channel.serverStreamingCall(REPEAT, "m", CallOptions.DEFAULT)) {
      for (String message; (message = stream.receive()) != null; ) {
        messages.add(message);
        compressed.add(stream.isMessageCompressed());
      }
    }
    assertEquals(List.of("m0", "m1", "m2", "m3"), messages);
    assertEquals(List.of(true, false, true, false), compressed);
  }

  @Test
  void theClientTurnsCompressionOffAndOnPerMessageAndTheServerSeesEach() {
    try (ClientStreamingCall<String, String> call =
        channel.clientStreamingCall(FLAGS, CallOptions.DEFAULT.withCompression("gzip"))) {
      call.send("a");
      call.setMessageCompression(false);
      call.send("b");
      call.send("c");
      call.setMessageCompression(true);
      call.send("d");
      assertEquals("cppc", call.finish());
    }
  }

  @Test
  void aGzipBombIsRefusedWithoutBeingInflatedWhole() {
    // The client's "gzip" sends the bomb whatever the message: 1 GiB of zeros once inflated.
    CompressionRegistry bombing = CompressionRegistry.defaults().with(bombCompressor(), gzipDecompressor());
    try (Channel attacker = Channel.builder("127.0.0.1:" + server.port()).compression(bombing).build()) {
      StatusException e =
          assertThrows(
              StatusException.class,
              () -> attacker.unaryCall(SIZE, new byte[1], CallOptions.DEFAULT.withCompression("gzip")));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code(), e.toString());
    }
    assertTrue(
        serverInflated.get() <= MAX_MESSAGE + 64 * 1024,
        "the server inflated " + serverInflated.get() + " bytes of the bomb's " + BOMB_SIZE);
    assertEquals("plain:after", channel.unaryCall(ECHO, "after", CallOptions.DEFAULT), "the server goes on");
  }

  @Test
  void aClientRefusesAGzipBombResponseWithoutInflatingItWhole() throws IOException {
    AtomicLong clientInflated = new AtomicLong();
    server.shutdownNow();
    server =
        Server.builder()
            .listen("127.0.0.1", 0)
            .compression(CompressionRegistry.defaults().with(bombCompressor(), gzipDecompressor()))
            .service(ServiceDefinition.builder("zip.Echo").unary(SIZE, (request, context) -> {
              context.setCompression("gzip");
              return request;
            }).build())
            .start();
    CompressionRegistry counting = CompressionRegistry.defaults().with(gzipCompressor(), countingGzip(clientInflated));
    try (Channel victim =
        Channel.builder("127.0.0.1:" + server.port()).maxInboundMessageSize(MAX_MESSAGE).compression(counting).build()) {
      StatusException e =
          assertThrows(StatusException.class, () -> victim.unaryCall(SIZE, new byte[1], CallOptions.DEFAULT));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code(), e.toString());
    }
    assertTrue(
        clientInflated.get() <= MAX_MESSAGE + 64 * 1024,
        "the client inflated " + clientInflated.get() + " bytes of the bomb's " + BOMB_SIZE);
  }

  @Test
  void inflatingIsOnTheHandlersThreadSoOtherStreamsOfTheConnectionGoOn() throws Exception {
    inflateGate = new CountDownLatch(1);
    var held =
        channel.unaryCallAsync(SIZE, new byte[100_000], CallOptions.DEFAULT.withCompression("gzip"));
    try {
      // While that message's inflating waits, the same connection serves other calls.
      for (int i = 0; i < 5; i++) {
        assertEquals("plain:" + i, channel.unaryCall(ECHO, String.valueOf(i), CallOptions.DEFAULT));
      }
      assertFalse(held.isDone(), "the compressed call is still being inflated");
    } finally {
      inflateGate.countDown();
    }
    assertEquals(100_000, held.get(10, TimeUnit.SECONDS).length);
  }

  // ---------------------------------------------------------------------------------------------

  private static byte[] compressedMessage(byte[] payload) {
    byte[] framed = RawH2.grpcMessage(payload);
    framed[0] = 1;
    return framed;
  }

  private static synchronized byte[] bomb() {
    if (bomb == null) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1_100_000);
      byte[] zeros = new byte[1 << 20];
      try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
        for (long written = 0; written < BOMB_SIZE; written += zeros.length) {
          gzip.write(zeros);
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      bomb = out.toByteArray();
    }
    return bomb;
  }

  /** A "gzip" that writes {@link #bomb()}, whatever it is given. */
  private static Compressor bombCompressor() {
    return new Compressor() {
      @Override
      public String encoding() {
        return "gzip";
      }

      @Override
      public OutputStream compress(OutputStream out) {
        return new OutputStream() {
          @Override
          public void write(int b) {}

          @Override
          public void close() throws IOException {
            out.write(bomb());
          }
        };
      }
    };
  }

  private static Compressor gzipCompressor() {
    return CompressionRegistry.defaults().compressor("gzip");
  }

  private static Decompressor gzipDecompressor() {
    return CompressionRegistry.defaults().decompressor("gzip");
  }

  /** gzip that counts what it inflates into {@code inflated}, and waits at {@link #inflateGate}. */
  private Decompressor countingGzip(AtomicLong inflated) {
    return new Decompressor() {
      @Override
      public String encoding() {
        return "gzip";
      }

      @Override
      public InputStream decompress(InputStream in) throws IOException {
        CountDownLatch gate = inflateGate;
        if (gate != null) {
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while held");
          }
        }
        return new FilterInputStream(new GZIPInputStream(in)) {
          @Override
          public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
              inflated.incrementAndGet();
            }
            return b;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
              inflated.addAndGet(n);
            }
            return n;
          }
        };
      }
    };
  }

  /** A toy encoding of our own: the message's bytes in reverse order. */
  private static final class ReversingCompressor implements Compressor {
    static final String NAME = "x-reverse";

    @Override
    public String encoding() {
      return NAME;
    }

    @Override
    public OutputStream compress(OutputStream out) {
      return new ByteArrayOutputStream() {
        @Override
        public void close() throws IOException {
          byte[] bytes = toByteArray();
          for (int i = bytes.length - 1; i >= 0; i--) {
            out.write(bytes[i]);
          }
        }
      };
    }
  }

  private static final class ReversingDecompressor implements Decompressor {
    @Override
    public String encoding() {
      return ReversingCompressor.NAME;
    }

    @Override
    public InputStream decompress(InputStream in) throws IOException {
      byte[] bytes = in.readAllBytes();
      byte[] reversed = new byte[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        reversed[i] = bytes[bytes.length - 1 - i];
      }
      return new java.io.ByteArrayInputStream(reversed);
    }
  }
}
