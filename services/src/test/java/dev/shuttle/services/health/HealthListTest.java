package dev.shuttle.services.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shuttle.Channel;
import dev.shuttle.Server;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.services.health.v1.HealthCheckResponse.ServingStatus;
import dev.shuttle.services.health.v1.HealthClient;
import dev.shuttle.services.health.v1.HealthListRequest;
import dev.shuttle.services.health.v1.HealthListResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * List, which grpc-java 1.79's health stub does not have yet: called with our own generated
 * client over a socket.
 */
class HealthListTest {
  private final HealthStatusManager health = new HealthStatusManager();
  private Server server;
  private Channel channel;
  private HealthClient client;

  @BeforeEach
  void start() throws Exception {
    server = health.addTo(Server.builder().listen("127.0.0.1", 0)).start();
    channel = Channel.plaintext("127.0.0.1:" + server.port());
    client = HealthClient.of(channel).withTimeout(Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() throws Exception {
    channel.close();
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(10));
  }

  private Map<String, ServingStatus> list() {
    HealthListResponse response = client.list(HealthListRequest.getDefaultInstance());
    Map<String, ServingStatus> statuses = new TreeMap<>();
    response.getStatusesMap().forEach((service, status) -> statuses.put(service, status.getStatus()));
    return statuses;
  }

  @Test
  void listsEveryKnownServiceWithTheWholeServer() {
    health.setStatus("demo.Up", ServingStatus.SERVING);
    health.setStatus("demo.Down", ServingStatus.NOT_SERVING);
    health.setStatus("demo.Gone", ServingStatus.SERVING);
    health.clearStatus("demo.Gone");

    assertEquals(
        Map.of("", ServingStatus.SERVING, "demo.Up", ServingStatus.SERVING, "demo.Down", ServingStatus.NOT_SERVING),
        list());
  }

  @Test
  void moreServicesThanListMayReturnIsResourceExhausted() {
    for (int i = 1; i < HealthService.MAX_LISTED_SERVICES; i++) {
      health.setStatus("demo.S" + i, ServingStatus.SERVING);
    }
    assertEquals(HealthService.MAX_LISTED_SERVICES, list().size());

    health.setStatus("demo.OneTooMany", ServingStatus.SERVING);
    StatusException tooMany = assertThrows(StatusException.class, this::list);
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooMany.code());
  }
}
