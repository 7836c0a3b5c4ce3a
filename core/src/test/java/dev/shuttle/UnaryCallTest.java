package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Transport.class)
class UnaryCallTest {
  @Parameter Transport transport;

  static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of(MethodType.UNARY, "test.Echo", "Echo", TestMarshallers.UTF8, TestMarshallers.UTF8);
  static final MethodDescriptor<byte[], byte[]> BLOB =
      MethodDescriptor.of(MethodType.UNARY, "test.Echo", "Blob", TestMarshallers.BYTES, TestMarshallers.BYTES);
  static final MethodDescriptor<String, String> FAIL =
      MethodDescriptor.of(MethodType.UNARY, "test.Echo", "Fail", TestMarshallers.UTF8, TestMarshallers.UTF8);
  static final MethodDescriptor<String, String> MISSING =
      MethodDescriptor.of(MethodType.UNARY, "test.Echo", "Missing", TestMarshallers.UTF8, TestMarshallers.UTF8);
  static final MethodDescriptor<String, String> SLEEP =
      MethodDescriptor.of(MethodType.UNARY, "test.Echo", "Sleep", TestMarshallers.UTF8, TestMarshallers.UTF8);

  Server server;
  Channel channel;

  @BeforeEach
  void start() throws Exception {
    server =
        transport.serve(Server.builder())
            .maxInboundMessageSize(16 << 20)
            .initialStreamWindow(65_535)
            .connectionWindow(65_535)
            .service(
                ServiceDefinition.builder("test.Echo")
                    .unary(ECHO, (req, ctx) -> {
                      ctx.responseHeaders().add("x-echo", String.valueOf(ctx.requestMetadata().get("x-in")));
                      ctx.responseTrailers().add("x-trailer", "t");
                      return "echo:" + req;
                    })
                    .unary(BLOB, (req, ctx) -> req)
                    .unary(FAIL, (req, ctx) -> {
                      if (req.equals("status")) {
                        throw new StatusException(Status.NOT_FOUND.withDescription(req + " ü 漢字 %"));
                      }
                      throw new IllegalStateException("secret detail");
                    })
                    .unary(SLEEP, (req, ctx) -> {
                      try {
                        Thread.sleep(5_000);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return req;
                    })
                    .build())
            .start();
    channel =
        transport.channel(server)
            .maxInboundMessageSize(16 << 20)
            .initialStreamWindow(65_535)
            .connectionWindow(65_535)
            .build();
  }

  @AfterEach
  void stop() {
    channel.close();
    server.shutdownNow();
  }

  @Test
  void echoesWithMetadata() {
    ResponseMetadata received = new ResponseMetadata();
    String reply =
        channel.unaryCall(
            ECHO, "hi", CallOptions.DEFAULT.withMetadata(new Metadata().add("x-in", "v")).withResponseMetadata(received));
    assertEquals("echo:hi", reply);
    assertEquals("v", received.headers().get("x-echo"));
    assertEquals("t", received.trailers().get("x-trailer"));
  }

  @Test
  void manySequentialCalls() {
    for (int i = 0; i < 2000; i++) {
      assertEquals("echo:" + i, channel.unaryCall(ECHO, "" + i, CallOptions.DEFAULT));
    }
  }

  @Test
  void tenMebibytesBothWaysWithDefaultProtocolWindows() {
    byte[] big = new byte[10 << 20];
    new Random(1).nextBytes(big);
    assertArrayEquals(big, channel.unaryCall(BLOB, big, CallOptions.DEFAULT));
  }

  @Test
  void statusWithNonAsciiMessageRoundTrips() {
    StatusException e = assertThrows(StatusException.class, () -> channel.unaryCall(FAIL, "status", CallOptions.DEFAULT));
    assertEquals(Status.Code.NOT_FOUND, e.code());
    assertEquals("status ü 漢字 %", e.status().description());
  }

  @Test
  void handlerExceptionBecomesUnknownWithoutDetail() {
    StatusException e = assertThrows(StatusException.class, () -> channel.unaryCall(FAIL, "boom", CallOptions.DEFAULT));
    assertEquals(Status.Code.UNKNOWN, e.code());
    assertEquals(null, e.status().description());
  }

  @Test
  void unknownMethodIsUnimplemented() {
    StatusException e = assertThrows(StatusException.class, () -> channel.unaryCall(MISSING, "x", CallOptions.DEFAULT));
    assertEquals(Status.Code.UNIMPLEMENTED, e.code());
  }

  @Test
  void deadlineExceeded() {
    StatusException e =
        assertThrows(
            StatusException.class,
            () -> channel.unaryCall(SLEEP, "x", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(200))));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code());
    assertEquals("echo:after", channel.unaryCall(ECHO, "after", CallOptions.DEFAULT));
  }

  @Test
  void requestOverServerLimitIsResourceExhausted() {
    byte[] big = new byte[(16 << 20) + 1];
    StatusException e = assertThrows(StatusException.class, () -> channel.unaryCall(BLOB, big, CallOptions.DEFAULT));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code());
    assertEquals("echo:ok", channel.unaryCall(ECHO, "ok", CallOptions.DEFAULT));
  }
}
