package dev.shuttle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.Server;
import dev.shuttle.services.health.HealthStatusManager;
import dev.shuttle.services.reflection.ReflectionService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/shuttle} as a process, started from a directory other than the repository's,
 * against a Shuttle server in this JVM. An integration test: it runs after {@code package}, when
 * the launcher finds the cli module built.
 */
class ShuttleLauncherIT {
  private static final Path SHUTTLE = Paths.get("..", "bin", "shuttle").toAbsolutePath().normalize();

  @TempDir Path work;

  @Test
  void binShuttleListsCallsAndChecksHealthFromAnyDirectory() throws Exception {
    Server server = new HealthStatusManager()
        .addTo(Server.builder().listen("127.0.0.1", 0).service(new EchoServiceImpl()))
        .service(ReflectionService.v1())
        .start();
    try {
      String target = "127.0.0.1:" + server.port();
      Run list = shuttle("", "list", target);
      assertEquals(0, list.exitCode, list.toString());
      assertTrue(list.out.contains("shuttle.cli.test.Echo\n"), list.toString());

      Run call = shuttle("{\"text\": \"one\"}\n{\"text\": \"two\"}\n", "call", target, "shuttle.cli.test.Echo/Chat");
      assertEquals(0, call.exitCode, call.toString());
      assertEquals("{\"text\":\"ONE\",\"index\":1}\n{\"text\":\"TWO\",\"index\":2}\n", call.out, call.toString());

      Run health = shuttle("", "health", target);
      assertEquals(0, health.exitCode, health.toString());
      assertEquals("SERVING\n", health.out, health.toString());

      Run usage = shuttle("", "call", target);
      assertEquals(2, usage.exitCode, usage.toString());
    } finally {
      server.shutdownNow();
    }
  }

  private record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Run shuttle(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(SHUTTLE.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
    String repository = System.getProperty("shuttle.test.mavenRepository");
    if (repository != null && !repository.isBlank()) {
      // Should the launcher rebuild (a source newer than the jar), it installs into the build's
      // own local repository, not into ~/.m2.
      builder.environment().put("MAVEN_OPTS", "-Dmaven.repo.local=" + repository);
    }
    Process process = builder.start();
    try {
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String out = read(process.getInputStream());
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "bin/shuttle did not finish");
      return new Run(process.exitValue(), out, err.join());
    } finally {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
