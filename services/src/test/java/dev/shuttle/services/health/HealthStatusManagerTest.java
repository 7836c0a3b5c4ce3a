package dev.shuttle.services.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shuttle.services.health.v1.HealthCheckResponse.ServingStatus;
import org.junit.jupiter.api.Test;

class HealthStatusManagerTest {
  private final HealthStatusManager health = new HealthStatusManager();

  @Test
  void theWholeServerIsServingAndNoOtherServiceIsKnownAtFirst() {
    assertEquals(ServingStatus.SERVING, health.status(HealthStatusManager.SERVER));
    assertNull(health.status("demo.Greeter"));
  }

  @Test
  void serviceUnknownIsNotAStatusToSet() {
    assertThrows(IllegalArgumentException.class, () -> health.setStatus("demo.Greeter", ServingStatus.SERVICE_UNKNOWN));
    assertThrows(IllegalArgumentException.class, () -> health.setStatus("demo.Greeter", ServingStatus.UNRECOGNIZED));
    assertNull(health.status("demo.Greeter"));
  }

  @Test
  void aWatchStartedAfterTheServerShutDownEndsAfterItsFirstStatus() throws Exception {
    health.setStatus("demo.Greeter", ServingStatus.SERVING);
    dev.shuttle.Server server = health.addTo(dev.shuttle.Server.builder()).start();
    try {
      server.shutdown();

      StatusWatch late = health.watch("demo.Greeter");
      assertEquals(ServingStatus.NOT_SERVING, late.next());
      assertNull(late.next());
    } finally {
      server.shutdownNow();
    }
  }
}
