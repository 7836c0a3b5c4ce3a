package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** maxInboundMessageSize on either side fails the call with RESOURCE_EXHAUSTED, over every transport. */
@ParameterizedClass
@EnumSource(Transport.class)
class MessageSizeLimitTest {
  @Parameter Transport transport;

  private static final MethodDescriptor<String, String> REPEAT =
      MethodDescriptor.of(MethodType.UNARY, "limits.Size", "Repeat", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final int LIMIT = 1024;

  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    server =
        transport
            .serve(Server.builder())
            .maxInboundMessageSize(LIMIT)
            .service(
                ServiceDefinition.builder("limits.Size")
                    .unary(REPEAT, (request, context) -> "r".repeat(Integer.parseInt(request.trim())))
                    .build())
            .start();
    channel = transport.channel(server).maxInboundMessageSize(LIMIT).build();
  }

  @AfterEach
  void stop() {
    channel.close();
    server.shutdownNow();
  }

  @Test
  void aRequestOverTheServersLimitFailsResourceExhausted() {
    String request = "10" + " ".repeat(LIMIT);
    StatusException e = assertThrows(StatusException.class, () -> channel.unaryCall(REPEAT, request, CallOptions.DEFAULT));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code(), e.toString());
  }

  @Test
  void aResponseOverTheChannelsLimitFailsResourceExhausted() {
    StatusException e =
        assertThrows(StatusException.class, () -> channel.unaryCall(REPEAT, String.valueOf(LIMIT + 1), CallOptions.DEFAULT));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code(), e.toString());
  }

  @Test
  void messagesAtTheLimitPassBothWays() {
    String request = " ".repeat(LIMIT - 4) + LIMIT;
    assertEquals(LIMIT, channel.unaryCall(REPEAT, request, CallOptions.DEFAULT).length());
  }
}
