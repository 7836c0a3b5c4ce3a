package dev.shuttle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.Server;
import dev.shuttle.http2.config.TlsServerConfig;
import dev.shuttle.services.health.HealthStatusManager;
import dev.shuttle.services.reflection.ReflectionService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI over TLS to a Shuttle server presenting gRPC's interop test certificate (for
 * {@code *.test.google.fr}, signed by the interop test CA).
 */
class TlsTest {
  @TempDir static Path certs;
  private static Server server;
  private static String target;

  @BeforeAll
  static void start() throws IOException {
    for (String name : List.of("server1.pem", "server1.key", "ca.pem")) {
      try (InputStream in = TlsTest.class.getResourceAsStream("/certs/" + name)) {
        Files.copy(in, certs.resolve(name));
      }
    }
    server = new HealthStatusManager()
        .addTo(Server.builder().listen("127.0.0.1", 0).service(new EchoServiceImpl()))
        .service(ReflectionService.v1())
        .tls(TlsServerConfig.fromPem(certs.resolve("server1.pem"), certs.resolve("server1.key")))
        .start();
    target = "127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.shutdownNow();
  }

  @Test
  void callsOverTlsTrustingTheCaAndCheckingTheServerName() {
    CliRun run = CliRun.run("call", target, "shuttle.cli.test.Echo/Say", "-d", "{\"text\": \"secret\"}",
        "--cacert", certs.resolve("ca.pem").toString(), "--servername", "foo.test.google.fr");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(List.of("{\"text\":\"secret\"}"), run.lines(), run.toString());

    CliRun health = CliRun.run("health", target, "--cacert", certs.resolve("ca.pem").toString(),
        "--servername", "foo.test.google.fr");
    assertEquals(0, health.exitCode(), health.toString());
  }

  @Test
  void aCertificateForAnotherNameOrACleartextClientFailsToConnect() {
    CliRun wrongName = CliRun.run("list", target, "--cacert", certs.resolve("ca.pem").toString());
    assertEquals(1, wrongName.exitCode(), wrongName.toString());
    assertTrue(wrongName.err().startsWith("shuttle: UNAVAILABLE"), wrongName.toString());

    CliRun wrongNameHealth = CliRun.run("health", target, "--cacert", certs.resolve("ca.pem").toString());
    assertEquals(2, wrongNameHealth.exitCode(), wrongNameHealth.toString());

    CliRun cleartext = CliRun.run("health", target);
    assertEquals(2, cleartext.exitCode(), cleartext.toString());
  }
}
