package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Builder.onShutdown: actions run once, in order, when shutdown begins and before calls are refused. */
@ParameterizedClass
@EnumSource(Transport.class)
class ServerShutdownActionTest {
  @Parameter Transport transport;

  static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of(MethodType.UNARY, "test.ShutdownAction", "Echo", TestMarshallers.UTF8, TestMarshallers.UTF8);

  private static ServiceDefinition echo() {
    return ServiceDefinition.builder("test.ShutdownAction").unary(ECHO, (request, context) -> request).build();
  }

  @Test
  void actionsRunOnceInOrderBeforeTheServerStopsTakingCalls() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    Server[] self = new Server[1];
    Server server =
        transport.serve(Server.builder())
            .service(echo())
            .onShutdown(() -> {
              // Still serving: a call made from the action is answered.
              try (Channel channel = transport.connect(self[0])) {
                seen.add("first:" + channel.unaryCall(ECHO, "still-serving", CallOptions.DEFAULT));
              }
            })
            .onShutdown(() -> seen.add("second"))
            .start();
    self[0] = server;

    server.shutdown();
    server.shutdown();
    server.shutdownNow();

    assertEquals(List.of("first:still-serving", "second"), seen);
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
  }

  @Test
  void aFailingActionNeitherStopsTheOthersNorTheShutdown() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    Server server =
        transport.serve(Server.builder())
            .service(echo())
            .onShutdown(() -> {
              throw new IllegalStateException("broken action");
            })
            .onShutdown(() -> seen.add("ran"))
            .start();

    server.close();

    assertEquals(List.of("ran"), seen);
    assertTrue(server.isShutdown());
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
  }
}
