package dev.shuttle.services.reflection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.Server;
import dev.shuttle.ServerContext;
import dev.shuttle.services.reflection.test.Animal;
import dev.shuttle.services.reflection.test.ZooService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reflection client on Python grpcio (Debian's, for /usr/bin/python3) reads Shuttle's answers
 * and builds a descriptor pool from them, which checks every cross-file reference the way protoc
 * and the C++ runtime do.
 */
class PythonReflectionClientTest {
  private static final String PYTHON = "/usr/bin/python3";

  @Test
  void aPythonClientBuildsTheServicesDescriptorsFromTheAnswers(@TempDir Path dir) throws Exception {
    Files.copy(
        Path.of(System.getProperty("basedir", "."), "src/main/proto/grpc/reflection/v1/reflection.proto"),
        dir.resolve("reflection_v1.proto")); // renamed: a package "grpc" would hide grpcio's
    run(List.of(PYTHON, "-m", "grpc_tools.protoc", "-I", ".", "--python_out=.", "--grpc_python_out=.", "reflection_v1.proto"), dir);
    Path script = dir.resolve("reflection_client.py");
    try (InputStream in = getClass().getResourceAsStream("/python/reflection_client.py")) {
      Files.copy(in, script);
    }

    try (Server server =
        Server.builder().service(new Zoo()).service(ReflectionService.v1()).service(ReflectionService.v1alpha()).start()) {
      Map<String, String> facts = new HashMap<>();
      for (String line : run(List.of(PYTHON, script.toString(), "127.0.0.1:" + server.port(), dir.toString()), dir).lines().toList()) {
        int equals = line.indexOf('=');
        if (equals > 0) {
          facts.put(line.substring(0, equals), line.substring(equals + 1));
        }
      }
      assertEquals(
          "shuttle.reflection.test.Zoo,grpc.reflection.v1.ServerReflection,grpc.reflection.v1alpha.ServerReflection",
          facts.get("services"));
      assertTrue(facts.get("files").startsWith("shuttle/reflection/test/zoo.proto,"), facts.toString());
      assertEquals("shuttle.reflection.test.Animal->shuttle.reflection.test.Animal.Meal", facts.get("feed"));
      assertEquals("shuttle.reflection.test.weight", facts.get("extension100"));
      assertEquals("5", facts.get("missing")); // NOT_FOUND, and the stream went on:
      assertEquals("3", facts.get("servicesAgain"));
    }
  }

  private static String run(List<String> command, Path dir) throws IOException, InterruptedException {
    Path output = dir.resolve("python-output.txt");
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "python did not finish: " + command);
      String printed = Files.readString(output, StandardCharsets.UTF_8);
      assertEquals(0, process.exitValue(), printed);
      return printed;
    } finally {
      process.destroyForcibly();
    }
  }

  private static final class Zoo extends ZooService {
    @Override
    public Animal.Meal feed(Animal request, ServerContext context) {
      return Animal.Meal.getDefaultInstance();
    }
  }
}
