package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A client refuses response headers over its header list limit; the connection goes on. */
class ResponseHeaderLimitTest {
  static final MethodDescriptor<String, String> HEADERS =
      MethodDescriptor.of(MethodType.UNARY, "test.Limits", "Headers", TestMarshallers.UTF8, TestMarshallers.UTF8);

  @Test
  void responseHeadersOverTheClientLimitAreResourceExhaustedAndTheChannelStaysUsable() throws Exception {
    Server server =
        Server.builder()
            .service(
                ServiceDefinition.builder("test.Limits")
                    .unary(HEADERS, (size, context) -> {
                      context.responseHeaders().add("x-big", "v".repeat(Integer.parseInt(size)));
                      return "ok";
                    })
                    .build())
            .start();
    try (Channel channel = Channel.plaintext("127.0.0.1:" + server.port())) {
      StatusException e =
          assertThrows(StatusException.class, () -> channel.unaryCall(HEADERS, "10000", CallOptions.DEFAULT));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code());
      assertEquals("ok", channel.unaryCall(HEADERS, "100", CallOptions.DEFAULT));
    } finally {
      server.shutdownNow();
    }
  }
}
