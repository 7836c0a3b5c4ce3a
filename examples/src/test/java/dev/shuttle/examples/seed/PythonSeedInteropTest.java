package dev.shuttle.examples.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.Channel;
import dev.shuttle.Server;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's own Python client and server, with Debian's grpcio, against Shuttle's. */
class PythonSeedInteropTest {
  @TempDir static Path work;
  private static SeedPython python;

  private Process process;
  private Server server;

  @BeforeAll
  static void generatePythonStubs() throws Exception {
    python = SeedPython.in(work);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void seedPythonClientGetsANumberFromTheJavaServer() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    server =
        Server.builder()
            .listen("127.0.0.1", 0)
            .service(new Work(new PrintStream(printed, true, StandardCharsets.UTF_8)))
            .start();

    SeedPython.Run run = python.runClient("127.0.0.1:" + server.port());

    assertEquals(0, run.exitCode(), run.output());
    SeedPython.printedRandom(run.output());
    assertEquals("id: \"123\"\n\n123\n", printed.toString(StandardCharsets.UTF_8));
  }

  @Test
  void javaClientGetsANumberFromTheSeedPythonServer() throws Exception {
    int port = SeedPython.freePort();
    Path log = work.resolve("python-server.log");
    process = python.startServer(port, log);

    try (Channel channel = Channel.plaintext("127.0.0.1:" + port)) {
      Response response = TestServerClient.of(channel).getRandom(Request.newBuilder().setId("123").build());
      assertTrue(response.getRandom() >= 10 && response.getRandom() <= 20, "random out of range: " + response);
    }
    // The Python server prints each request: print(request) then print(request.id).
    String printedByServer = SeedPython.awaitContent(log, "123\n");
    assertTrue(printedByServer.contains("id: \"123\""), printedByServer);
  }
}
