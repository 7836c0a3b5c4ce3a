package dev.shuttle.services.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shuttle.Server;
import dev.shuttle.services.health.v1.HealthCheckResponse.ServingStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python grpcio (Debian's, for /usr/bin/python3) calls our health service with stubs that
 * grpc_tools.protoc generates from this module's health.proto at test time.
 */
class PythonHealthClientTest {
  private static final String PYTHON = "/usr/bin/python3"; // Debian's grpcio installs for this one

  @TempDir Path dir;

  @Test
  void grpcioChecksAndWatchesAServiceRegisteredLater() throws Exception {
    Files.copy(Path.of("src", "main", "proto", "grpc", "health", "v1", "health.proto"), dir.resolve("health.proto"));
    Files.copy(Path.of("src", "test", "python", "health_peer.py"), dir.resolve("health_peer.py"));
    // Flat, not grpc/health/v1/: that package path would land inside grpcio's own "grpc" package.
    Process protoc =
        new ProcessBuilder(PYTHON, "-m", "grpc_tools.protoc", "-I", ".", "--python_out=.", "--grpc_python_out=.", "health.proto")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String protocOutput = new String(protoc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(protoc.waitFor(60, TimeUnit.SECONDS), "grpc_tools.protoc did not finish");
    assertEquals(0, protoc.exitValue(), "this test needs Debian's python3-grpcio and python3-grpc-tools (.ci/run): " + protocOutput);

    HealthStatusManager health = new HealthStatusManager();
    Server server = health.addTo(Server.builder().listen("127.0.0.1", 0)).start();
    Process peer = null;
    try {
      peer =
          new ProcessBuilder(PYTHON, "-u", "health_peer.py", "127.0.0.1:" + server.port(), "demo.Later")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      List<String> lines = new ArrayList<>();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
          if (line.equals("watch SERVICE_UNKNOWN")) {
            health.setStatus("demo.Later", ServingStatus.SERVING);
          }
        }
      }
      if (!peer.waitFor(60, TimeUnit.SECONDS)) {
        fail("health_peer.py did not finish: " + lines);
      }
      assertEquals(
          List.of("check '' SERVING", "check 'demo.Unknown' NOT_FOUND", "watch SERVICE_UNKNOWN", "watch SERVING"),
          lines);
      assertEquals(0, peer.exitValue(), String.valueOf(lines));
    } finally {
      if (peer != null) {
        peer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(10));
    }
  }
}
