package dev.shuttle.protobuf;

import dev.shuttle.Channel;
import dev.shuttle.Server;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Ours to ours in-process: the details cross as trailers, copied, with no HTTP/2 between. */
class ShuttleClientReadsShuttleDetailsInProcessTest extends ShuttleClientReadsDetailsTests {
  private static Server server;
  private static Channel channel;

  @BeforeAll
  static void start() throws Exception {
    server = Server.builder().inProcess("details-in-process").service(ErrorDetailsService.shuttle()).start();
    channel = Channel.inProcess("details-in-process");
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
