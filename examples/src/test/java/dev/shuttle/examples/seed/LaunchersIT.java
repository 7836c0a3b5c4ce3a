package dev.shuttle.examples.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shuttle.BidiCall;
import dev.shuttle.Channel;
import dev.shuttle.services.reflection.v1.ServerReflectionClient;
import dev.shuttle.services.reflection.v1.ServerReflectionRequest;
import dev.shuttle.services.reflection.v1.ServerReflectionResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers other tools drive, {@code bin/seed-server} and {@code bin/seed-client}: their
 * arguments, the {@code listening} line, exit codes and a clean stop on SIGTERM, run from a
 * directory other than the repository's against the seed's own Python code. An integration test:
 * it runs after {@code package}, when the launchers find the examples built.
 */
class LaunchersIT {
  private static final Path BIN = Paths.get("..", "bin").toAbsolutePath().normalize();

  @TempDir static Path work;
  private static SeedPython python;
  private Process process;

  @BeforeAll
  static void generatePythonStubs() throws Exception {
    python = SeedPython.in(work).withTls();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void seedServerServesTheSeedPythonClientAndStopsWithExitZeroOnSigterm() throws Exception {
    int port = SeedPython.freePort();
    process =
        new ProcessBuilder(BIN.resolve("seed-server").toString(), "127.0.0.1:" + port)
            .directory(work.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(120, TimeUnit.SECONDS);
    assertTrue(first != null && first.contains("listening"), "first line: " + first);

    SeedPython.Run run = python.runClient("127.0.0.1:" + port);
    assertEquals(0, run.exitCode(), run.output());
    SeedPython.printedRandom(run.output());
    assertEquals("id: \"123\"", readLine(out));

    process.destroy(); // SIGTERM
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "seed-server did not stop on SIGTERM");
    assertEquals(0, process.exitValue());
  }

  @Test
  void seedServerListsItsServicesThroughReflection() throws Exception {
    int port = SeedPython.freePort();
    process =
        new ProcessBuilder(BIN.resolve("seed-server").toString(), "127.0.0.1:" + port)
            .directory(work.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(120, TimeUnit.SECONDS);
    assertTrue(first != null && first.contains("listening"), "first line: " + first);

    try (Channel channel = Channel.plaintext("127.0.0.1:" + port);
        BidiCall<ServerReflectionRequest, ServerReflectionResponse> reflection =
            ServerReflectionClient.of(channel).withTimeout(Duration.ofSeconds(30)).serverReflectionInfo()) {
      reflection.send(ServerReflectionRequest.newBuilder().setListServices("").build());
      reflection.halfClose();
      List<String> services = new ArrayList<>();
      for (ServerReflectionResponse response : reflection) {
        response.getListServicesResponse().getServiceList().forEach(service -> services.add(service.getName()));
      }
      assertEquals(
          List.of("TestServer", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
              "grpc.reflection.v1alpha.ServerReflection"),
          services);
    }
  }

  @Test
  void seedClientGetsANumberFromTheSeedPythonServer() throws Exception {
    int port = SeedPython.freePort();
    process = python.startServer(port, work.resolve("python-server.log"));

    SeedPython.Run run =
        SeedPython.runSeparately(List.of(BIN.resolve("seed-client").toString(), "127.0.0.1:" + port), work, 120);

    assertEquals(0, run.exitCode(), run.output() + run.errors());
    SeedPython.printedRandom(run.output());
  }

  @Test
  void seedClientExitsNonZeroWithTheStatusOnStderrWhenNoServerListens() throws Exception {
    int port = SeedPython.freePort();

    SeedPython.Run run =
        SeedPython.runSeparately(List.of(BIN.resolve("seed-client").toString(), "127.0.0.1:" + port), work, 120);

    assertNotEquals(0, run.exitCode(), run.output());
    assertTrue(run.errors().contains("UNAVAILABLE"), "stderr: " + run.errors());
  }

  @Test
  void seedServerWithTlsFlagsServesAPythonTlsClientAndStopsWithExitZeroOnSigterm() throws Exception {
    int port = SeedPython.freePort();
    process =
        new ProcessBuilder(
                BIN.resolve("seed-server").toString(),
                "127.0.0.1:" + port, "--tls-cert", "server1.pem", "--tls-key", "server1.key")
            .directory(work.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(120, TimeUnit.SECONDS);
    assertEquals("listening on 127.0.0.1:" + port, first);

    SeedPython.Run run = python.runTlsClient(port);
    assertEquals(0, run.exitCode(), run.output() + run.errors());
    assertEquals("id: \"123\"", readLine(out));

    process.destroy(); // SIGTERM
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "seed-server did not stop on SIGTERM");
    assertEquals(0, process.exitValue());
  }

  @Test
  void seedClientWithTlsFlagsGetsANumberFromAPythonTlsServer() throws Exception {
    int port = SeedPython.freePort();
    process = python.startTlsServer(port, work.resolve("python-tls-server.log"));

    SeedPython.Run run =
        SeedPython.runSeparately(
            List.of(
                BIN.resolve("seed-client").toString(), "127.0.0.1:" + port,
                "--tls-ca", "ca.pem", "--tls-server-name", SeedPython.TLS_SERVER_NAME),
            work,
            120);

    assertEquals(0, run.exitCode(), run.output() + run.errors());
    assertEquals("random: 15\n\n15\n", run.output());
  }

  @Test
  void seedClientOverTlsToACleartextServerExitsNonZeroWithUnavailable() throws Exception {
    int port = SeedPython.freePort();
    process = python.startServer(port, work.resolve("python-server-cleartext.log"));

    SeedPython.Run run =
        SeedPython.runSeparately(
            List.of(BIN.resolve("seed-client").toString(), "127.0.0.1:" + port, "--tls-ca", "ca.pem"), work, 120);

    assertEquals(1, run.exitCode(), run.output() + run.errors());
    assertTrue(run.errors().startsWith("UNAVAILABLE: ") && run.errors().contains("TLS"), run.errors());
  }

  @Test
  void bothLaunchersDocumentTheirTlsFlagsInHelpAndExitZero() throws Exception {
    for (String launcher : List.of("seed-server", "seed-client")) {
      SeedPython.Run run = SeedPython.runSeparately(List.of(BIN.resolve(launcher).toString(), "--help"), work, 120);
      assertEquals(0, run.exitCode(), launcher + ": " + run.output() + run.errors());
      for (String flag : List.of("--tls-cert", "--tls-key", "--tls-ca")) {
        assertTrue(run.output().contains(flag), launcher + " --help does not mention " + flag + ": " + run.output());
      }
    }
    SeedPython.Run bad = SeedPython.runSeparately(List.of(BIN.resolve("seed-server").toString(), "--tls-cert"), work, 120);
    assertEquals(64, bad.exitCode(), bad.errors());
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (java.io.IOException e) {
      fail(e);
      return null;
    }
  }
}
