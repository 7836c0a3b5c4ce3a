package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whether a unary message travels compressed, as both ends see it: the handler through
 * {@link ServerContext#isMessageCompressed()}, the caller through
 * {@link ResponseMetadata#isMessageCompressed()}.
 */
@ParameterizedClass
@EnumSource(Transport.class)
class UnaryCompressionTest {
  @Parameter Transport transport;

  /** Answers whether the request came compressed; compresses its answer as the request says. */
  static final MethodDescriptor<String, String> PROBE =
      MethodDescriptor.of(MethodType.UNARY, "test.Compression", "Probe", TestMarshallers.UTF8, TestMarshallers.UTF8);

  Server server;
  Channel channel;

  @BeforeEach
  void start() throws Exception {
    server =
        transport.serve(Server.builder())
            .service(
                ServiceDefinition.builder("test.Compression")
                    .unary(PROBE, (request, context) -> {
                      switch (request) {
                        case "gzip" -> context.setCompression(CompressionRegistry.GZIP);
                        case "gzip-but-not-this-message" -> {
                          context.setCompression(CompressionRegistry.GZIP);
                          context.setMessageCompression(false);
                        }
                        default -> {}
                      }
                      return "request compressed: " + context.isMessageCompressed();
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
  void aRequestSentWithGzipArrivesCompressedAndOneSentWithoutDoesNot() {
    CallOptions gzip = CallOptions.DEFAULT.withCompression(CompressionRegistry.GZIP);
    assertEquals("request compressed: true", channel.unaryCall(PROBE, "plain", gzip));
    assertEquals("request compressed: false", channel.unaryCall(PROBE, "plain", CallOptions.DEFAULT));
  }

  @Test
  void theCallerSeesWhetherTheResponseMessageWasCompressed() {
    ResponseMetadata compressed = new ResponseMetadata();
    channel.unaryCall(PROBE, "gzip", CallOptions.DEFAULT.withResponseMetadata(compressed));
    assertTrue(compressed.isMessageCompressed());

    ResponseMetadata optedOut = new ResponseMetadata();
    channel.unaryCall(PROBE, "gzip-but-not-this-message", CallOptions.DEFAULT.withResponseMetadata(optedOut));
    assertFalse(optedOut.isMessageCompressed());

    ResponseMetadata plain = new ResponseMetadata();
    channel.unaryCall(PROBE, "plain", CallOptions.DEFAULT.withResponseMetadata(plain));
    assertFalse(plain.isMessageCompressed());
  }
}
