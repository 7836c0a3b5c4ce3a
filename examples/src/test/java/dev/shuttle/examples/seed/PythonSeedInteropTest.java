package dev.shuttle.examples.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shuttle.Channel;
import dev.shuttle.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's own Python client and server (src/test/python, copied verbatim from the tutorial)
 * against Shuttle, with Debian's grpcio. The only change made to the Python code is the address,
 * substituted at run time.
 */
class PythonSeedInteropTest {
  private static final String PYTHON = "/usr/bin/python3"; // Debian's grpcio installs for this one
  private static final String SEED_ADDRESS = "127.0.0.1:8888";
  private static final Path SOURCES = Paths.get("src", "test", "python");
  private static final Path PROTO = Paths.get("src", "main", "proto", "test.proto");

  @TempDir static Path work;

  private Process process;
  private Server server;

  @BeforeAll
  static void generatePythonStubs() throws Exception {
    Run check = run(List.of(PYTHON, "-c", "import grpc, grpc_tools.protoc"), work, 30);
    if (check.exitCode != 0) {
      fail("these tests need Debian's python3-grpcio and python3-grpc-tools for " + PYTHON
          + " (.ci/run installs them): " + check.output);
    }
    Files.copy(PROTO, work.resolve("test.proto"));
    // As in the tutorial: python -m grpc_tools.protoc -I ./ --python_out=. --grpc_python_out=.
    Run protoc =
        run(List.of(PYTHON, "-m", "grpc_tools.protoc", "-I", ".", "--python_out=.", "--grpc_python_out=.", "test.proto"), work, 60);
    assertEquals(0, protoc.exitCode, protoc.output);
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
    ByteArrayOutputStream serverOutput = new ByteArrayOutputStream();
    server =
        Server.builder()
            .listen("127.0.0.1", 0)
            .service(new Work(new java.io.PrintStream(serverOutput, true, StandardCharsets.UTF_8)))
            .start();
    Path client = seedScript("seed_client.py", "127.0.0.1:" + server.port());

    Run run = run(List.of(PYTHON, client.getFileName().toString()), work, 60);

    assertEquals(0, run.exitCode, run.output);
    // The client prints the response message, then response.random on the last line.
    String[] lines = run.output.strip().split("\n");
    int random = Integer.parseInt(lines[lines.length - 1].strip());
    assertTrue(random >= 10 && random <= 20, "random out of range: " + run.output);
    assertTrue(run.output.contains("random: " + random), run.output);
    assertEquals("id: \"123\"\n\n123\n", serverOutput.toString(StandardCharsets.UTF_8));
  }

  @Test
  void javaClientGetsANumberFromTheSeedPythonServer() throws Exception {
    int port = freePort();
    Path script = seedScript("seed_server.py", "127.0.0.1:" + port);
    Path log = work.resolve("python-server.log");
    process =
        new ProcessBuilder(PYTHON, "-u", script.getFileName().toString())
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    awaitListening(port, log);

    try (Channel channel = Channel.plaintext("127.0.0.1:" + port)) {
      Response response = TestServerClient.of(channel).getRandom(Request.newBuilder().setId("123").build());
      assertTrue(response.getRandom() >= 10 && response.getRandom() <= 20, "random out of range: " + response);
    }
    // The Python server prints each request: print(request) then print(request.id).
    String printed = awaitContent(log, "123\n");
    assertTrue(printed.contains("id: \"123\""), printed);
  }

  /** The seed's script with only its address changed. */
  private static Path seedScript(String name, String address) throws IOException {
    String source = Files.readString(SOURCES.resolve(name), StandardCharsets.UTF_8);
    assertTrue(source.contains(SEED_ADDRESS), name + " no longer names " + SEED_ADDRESS);
    Path target = work.resolve(name);
    Files.writeString(target, source.replace(SEED_ADDRESS, address), StandardCharsets.UTF_8);
    return target;
  }

  private static int freePort() throws IOException {
    // The seed's server takes a fixed address and does not report the port it got, so a free
    // port is found first and handed to it.
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void awaitListening(int port, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("the Python server exited: " + Files.readString(log));
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    fail("the Python server did not listen on " + port + ": " + Files.readString(log));
  }

  private static String awaitContent(Path file, String expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String content = "";
    while (System.nanoTime() < deadline) {
      content = Files.readString(file, StandardCharsets.UTF_8);
      if (content.contains(expected)) {
        return content;
      }
      Thread.sleep(50);
    }
    return content;
  }

  private record Run(int exitCode, String output) {}

  private static Run run(List<String> command, Path directory, int timeoutSeconds) throws Exception {
    Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread pump =
        Thread.ofVirtual()
            .start(() -> {
              try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail(command + " did not finish in " + timeoutSeconds + " s");
    }
    pump.join();
    return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
  }
}
