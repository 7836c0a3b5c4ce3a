package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A server knows the services it serves, and a handler reaches its server through its context. */
class ServerServicesTest {
  static final MethodDescriptor<String, String> NAMES =
      MethodDescriptor.of(MethodType.UNARY, "test.Directory", "Names", TestMarshallers.UTF8, TestMarshallers.UTF8);
  static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of(MethodType.UNARY, "test.Echo", "Echo", TestMarshallers.UTF8, TestMarshallers.UTF8);

  @Test
  void aHandlerListsTheServicesOfItsServerInRegistrationOrder() throws Exception {
    Object schema = new Object();
    ServiceDefinition directory =
        ServiceDefinition.builder("test.Directory")
            .unary(NAMES, (request, context) -> context.server().services().stream()
                .map(ServiceDefinition::name)
                .collect(Collectors.joining(",")))
            .build();
    ServiceDefinition echo =
        ServiceDefinition.builder("test.Echo").schemaDescriptor(schema).unary(ECHO, (request, context) -> request).build();
    try (Server server = Server.builder().service(directory).service(echo).start();
        Channel channel = Channel.plaintext("127.0.0.1:" + server.port())) {
      assertEquals(List.of(directory, echo), server.services());
      assertEquals("test.Directory,test.Echo", channel.unaryCall(NAMES, "", CallOptions.DEFAULT));
      assertSame(schema, server.services().get(1).schemaDescriptor());
      assertNull(server.services().get(0).schemaDescriptor());
    }
  }

  @Test
  void aSchemaGivenAsASupplierIsResolvedWhenFirstAskedForAndOnce() {
    Object schema = new Object();
    java.util.concurrent.atomic.AtomicInteger resolved = new java.util.concurrent.atomic.AtomicInteger();
    ServiceDefinition echo = ServiceDefinition.builder("test.Echo")
        .schemaDescriptor(() -> {
          resolved.incrementAndGet();
          return schema;
        })
        .unary(ECHO, (request, context) -> request)
        .build();
    ServiceDefinition intercepted = echo.withInterceptors();
    assertEquals(0, resolved.get(), "nothing asked for the schema yet");

    assertSame(schema, intercepted.schemaDescriptor());
    assertSame(schema, echo.schemaDescriptor());
    assertEquals(1, resolved.get(), "resolved once, for the definition and its intercepted copy");
  }
}
