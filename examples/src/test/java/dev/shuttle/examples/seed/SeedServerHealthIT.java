package dev.shuttle.examples.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.Channel;
import dev.shuttle.ResponseStream;
import dev.shuttle.services.health.v1.HealthCheckRequest;
import dev.shuttle.services.health.v1.HealthCheckResponse;
import dev.shuttle.services.health.v1.HealthCheckResponse.ServingStatus;
import dev.shuttle.services.health.v1.HealthClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/seed-server} answers gRPC health checks (grpc.health.v1, what Kubernetes' gRPC probes
 * and grpc_health_probe call): the whole server is SERVING, and NOT_SERVING to a watcher once
 * SIGTERM begins the shutdown, which the watch does not hold up. An integration test: it runs
 * after {@code package}, when the launcher finds the examples built.
 */
class SeedServerHealthIT {
  private static final Path BIN = Paths.get("..", "bin").toAbsolutePath().normalize();

  @TempDir Path work;
  private Process process;

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void seedServerIsServingAndTellsAWatcherNotServingOnSigterm() throws Exception {
    int port = SeedPython.freePort();
    process =
        new ProcessBuilder(BIN.resolve("seed-server").toString(), "127.0.0.1:" + port)
            .directory(work.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(120, TimeUnit.SECONDS);
    assertTrue(first != null && first.contains("listening"), "first line: " + first);
    Thread.ofVirtual().start(() -> drain(out));

    try (Channel channel = Channel.plaintext("127.0.0.1:" + port)) {
      HealthClient health = HealthClient.of(channel).withTimeout(Duration.ofSeconds(30));
      HealthCheckRequest wholeServer = HealthCheckRequest.getDefaultInstance();
      assertEquals(ServingStatus.SERVING, health.check(wholeServer).getStatus());

      try (ResponseStream<HealthCheckResponse> watch = health.watch(wholeServer)) {
        Iterator<HealthCheckResponse> statuses = watch.iterator();
        assertEquals(ServingStatus.SERVING, statuses.next().getStatus());

        process.destroy(); // SIGTERM
        assertEquals(ServingStatus.NOT_SERVING, statuses.next().getStatus());
        assertFalse(statuses.hasNext(), "the watch went on after NOT_SERVING");
      }
    }
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "seed-server did not stop on SIGTERM");
    assertEquals(0, process.exitValue());
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void drain(BufferedReader reader) {
    try {
      while (reader.readLine() != null) {
        // the server's request log, not checked here
      }
    } catch (IOException e) {
      // the server went away
    }
  }
}
