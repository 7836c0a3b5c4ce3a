package dev.shuttle.protobuf;

import dev.shuttle.Channel;
import dev.shuttle.Server;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Ours to ours: a Shuttle server failing with {@link StatusProtos}, a Shuttle client reading the details. */
class ShuttleClientReadsShuttleDetailsTest extends ShuttleClientReadsDetailsTests {
  private static Server server;
  private static Channel channel;

  @BeforeAll
  static void start() throws Exception {
    server = Server.builder().listen("127.0.0.1", 0).service(ErrorDetailsService.shuttle()).start();
    channel = Channel.plaintext("127.0.0.1:" + server.port());
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.close();
    }
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(10));
    }
  }

  @Override
  Channel channel() {
    return channel;
  }
}
