package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The response's encoding is named in its headers, which leave with the first message: a handler
 * that asks for compression after that is refused, and the stream stays readable. It used to
 * compress the next messages, which the client could not read.
 */
@ParameterizedClass
@EnumSource(Transport.class)
class LateCompressionTest {
  @Parameter Transport transport;

  static final MethodDescriptor<String, String> TWO =
      MethodDescriptor.of(MethodType.SERVER_STREAMING, "test.Late", "Two", TestMarshallers.UTF8, TestMarshallers.UTF8);

  Server server;
  Channel channel;
  volatile String refusal;

  @BeforeEach
  void start() throws Exception {
    server =
        transport.serve(Server.builder())
            .service(
                ServiceDefinition.builder("test.Late")
                    .serverStreaming(TWO, (request, responses, context) -> {
                      responses.send("first " + "x".repeat(1000));
                      try {
                        context.setCompression(CompressionRegistry.GZIP);
                      } catch (IllegalStateException e) {
                        refusal = e.getMessage();
                      }
                      responses.send("second " + "x".repeat(1000));
                    })
                    .build())
            .start();
    channel = transport.connect(server);
  }

  @AfterEach
  void stop() {
    channel.close();
    server.shutdownNow();
  }

  @Test
  void compressionAskedAfterTheFirstMessageIsRefusedAndTheStreamStaysReadable() {
    List<String> received = new ArrayList<>();
    try (ResponseStream<String> responses = channel.serverStreamingCall(TWO, "go", CallOptions.DEFAULT)) {
      for (String response : responses) {
        received.add(response.substring(0, response.indexOf(' ')));
        assertFalse(responses.isMessageCompressed());
      }
    }
    assertEquals(List.of("first", "second"), received);
    assertEquals("setCompression after the response headers were sent (the first message)", refusal);
  }
}
