package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** shutdown() lets calls in progress finish (GOAWAY, then close); shutdownNow() ends them. */
@ParameterizedClass
@EnumSource(Transport.class)
class ServerShutdownTest {
  @Parameter Transport transport;

  static final MethodDescriptor<String, String> WAIT =
      MethodDescriptor.of(MethodType.UNARY, "test.Shutdown", "Wait", TestMarshallers.UTF8, TestMarshallers.UTF8);

  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  private Server start() throws Exception {
    return transport.serve(Server.builder())
        .service(
            ServiceDefinition.builder("test.Shutdown")
                .unary(WAIT, (request, context) -> {
                  entered.countDown();
                  try {
                    release.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return "done:" + request;
                })
                .build())
        .start();
  }

  @Test
  void gracefulShutdownLetsTheCallInProgressFinishAndRefusesNewOnes() throws Exception {
    Server server = start();
    try (Channel channel = transport.connect(server)) {
      CompletableFuture<String> inFlight = channel.unaryCallAsync(WAIT, "a", CallOptions.DEFAULT);
      assertTrue(entered.await(10, TimeUnit.SECONDS));

      server.shutdown();
      assertFalse(server.awaitTermination(Duration.ofMillis(200)), "terminated with a call in progress");
      try (Channel late = transport.connect(server)) {
        StatusException refused = assertThrows(StatusException.class, () -> late.unaryCall(WAIT, "b", CallOptions.DEFAULT));
        assertEquals(Status.Code.UNAVAILABLE, refused.code());
      }

      release.countDown();
      assertEquals("done:a", inFlight.get(10, TimeUnit.SECONDS));
      assertTrue(server.awaitTermination(Duration.ofSeconds(10)), "did not terminate after the last call");
    }
  }

  @Test
  void shutdownNowEndsTheCallInProgress() throws Exception {
    Server server = start();
    try (Channel channel = transport.connect(server)) {
      CompletableFuture<String> inFlight = channel.unaryCallAsync(WAIT, "a", CallOptions.DEFAULT);
      assertTrue(entered.await(10, TimeUnit.SECONDS));

      server.shutdownNow();

      Throwable failure = assertThrows(Exception.class, () -> inFlight.get(10, TimeUnit.SECONDS)).getCause();
      assertTrue(failure instanceof StatusException, String.valueOf(failure));
      assertEquals(Status.Code.UNAVAILABLE, ((StatusException) failure).code());
      assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
    } finally {
      release.countDown();
    }
  }
}
