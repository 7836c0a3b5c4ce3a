package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Transport.class)
class StreamingCallTest {
  @Parameter Transport transport;

  static final MethodDescriptor<String, String> COUNT =
      MethodDescriptor.of(MethodType.SERVER_STREAMING, "test.Stream", "Count", TestMarshallers.UTF8, TestMarshallers.UTF8);
  static final MethodDescriptor<String, String> JOIN =
      MethodDescriptor.of(MethodType.CLIENT_STREAMING, "test.Stream", "Join", TestMarshallers.UTF8, TestMarshallers.UTF8);
  static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of(MethodType.BIDI_STREAMING, "test.Stream", "Echo", TestMarshallers.UTF8, TestMarshallers.UTF8);

  Server server;
  Channel channel;
  final CountDownLatch serverSawCancel = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    server =
        transport.serve(Server.builder())
            .initialStreamWindow(65_535)
            .service(
                ServiceDefinition.builder("test.Stream")
                    .serverStreaming(COUNT, (req, out, ctx) -> {
                      int n = Integer.parseInt(req);
                      try {
                        for (int i = 0; i < n; i++) {
                          out.send("m" + i + "x".repeat(1000));
                        }
                      } catch (StatusException e) {
                        serverSawCancel.countDown();
                        throw e;
                      }
                    })
                    .clientStreaming(JOIN, (in, ctx) -> {
                      StringBuilder sb = new StringBuilder();
                      for (String s : in) {
                        sb.append(s);
                      }
                      return sb.toString();
                    })
                    .bidiStreaming(ECHO, (in, out, ctx) -> {
                      for (String s : in) {
                        out.send("re:" + s);
                      }
                    })
                    .build())
            .start();
    channel = transport.channel(server).initialStreamWindow(65_535).build();
  }

  @AfterEach
  void stop() {
    channel.close();
    server.shutdownNow();
  }

  @Test
  void serverStreamsManyMessagesThroughSmallWindows() {
    int count = 0;
    try (ResponseStream<String> stream = channel.serverStreamingCall(COUNT, "2000", CallOptions.DEFAULT)) {
      for (String s : stream) {
        assertTrue(s.startsWith("m" + count));
        count++;
      }
    }
    assertEquals(2000, count);
  }

  @Test
  void clientStreamsAndGetsOneResponse() {
    try (ClientStreamingCall<String, String> call = channel.clientStreamingCall(JOIN, CallOptions.DEFAULT)) {
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < 500; i++) {
        call.send("p" + i);
        expected.append("p").append(i);
      }
      assertEquals(expected.toString(), call.finish());
    }
  }

  @Test
  void bidiEchoesInterleaved() {
    try (BidiCall<String, String> call = channel.bidiStreamingCall(ECHO, CallOptions.DEFAULT)) {
      for (int i = 0; i < 100; i++) {
        call.send("n" + i);
        assertEquals("re:n" + i, call.receive());
      }
      call.halfClose();
      assertNull(call.receive());
    }
  }

  @Test
  void closingAResponseStreamEarlyCancelsTheServer() throws Exception {
    List<String> got = new ArrayList<>();
    try (ResponseStream<String> stream = channel.serverStreamingCall(COUNT, "1000000", CallOptions.DEFAULT)) {
      got.add(stream.receive());
    }
    assertEquals(1, got.size());
    assertTrue(serverSawCancel.await(10, TimeUnit.SECONDS));
    StatusException afterClose = assertThrows(StatusException.class, () -> {
      ResponseStream<String> s = channel.serverStreamingCall(COUNT, "1000000", CallOptions.DEFAULT);
      s.close();
      s.receive();
    });
    assertEquals(Status.Code.CANCELLED, afterClose.code());
    try (ResponseStream<String> stream = channel.serverStreamingCall(COUNT, "3", CallOptions.DEFAULT)) {
      int n = 0;
      for (String s : stream) {
        n++;
      }
      assertEquals(3, n);
    }
  }
}
