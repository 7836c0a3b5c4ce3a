package dev.shuttle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against the Echo service on Python grpcio (Debian's grpcio has no reflection), with the
 * descriptor set that the same grpc_tools.protoc run which made the Python stubs wrote; and with
 * the .proto itself, which the CLI compiles with grpc_tools.protoc.
 */
class PythonServerTest {
  private static final String PYTHON = "/usr/bin/python3"; // Debian's grpcio installs for this one
  private static final Path ECHO_PROTO = Path.of("src", "test", "proto", "shuttle", "cli", "test", "echo.proto");

  @TempDir static Path dir;
  private static Process server;
  private static String target;
  private static Path protoset;

  @BeforeAll
  static void start() throws Exception {
    Path protoDir = dir.resolve("proto");
    Files.createDirectories(protoDir.resolve("shuttle/cli/test"));
    Files.copy(ECHO_PROTO, protoDir.resolve("shuttle/cli/test/echo.proto"));
    Files.copy(Path.of("src", "test", "python", "echo_server.py"), dir.resolve("echo_server.py"));
    protoset = dir.resolve("echo.protoset");
    Process protoc = new ProcessBuilder(PYTHON, "-m", "grpc_tools.protoc", "-I", protoDir.toString(),
        "--python_out=.", "--grpc_python_out=.", "--descriptor_set_out=" + protoset, "--include_imports",
        "shuttle/cli/test/echo.proto")
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String protocOutput = new String(protoc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(protoc.waitFor(60, TimeUnit.SECONDS), "grpc_tools.protoc did not finish");
    assertEquals(0, protoc.exitValue(), "this test needs Debian's python3-grpcio and python3-grpc-tools (.ci/run): " + protocOutput);

    server = new ProcessBuilder(PYTHON, "-u", "echo_server.py").directory(dir.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line = lines.readLine();
    assertTrue(line != null && line.startsWith("listening "), "the Python server did not start: " + line);
    target = "127.0.0.1:" + line.substring("listening ".length()).trim();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (server != null) {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void listsAndDescribesFromTheDescriptorSet() {
    CliRun list = CliRun.run("list", target, "--protoset", protoset.toString());
    assertEquals(List.of("shuttle.cli.test.Echo"), list.lines(), list.toString());
    CliRun describe = CliRun.run("describe", target, "shuttle.cli.test.Echo.Repeat", "--protoset", protoset.toString());
    assertTrue(describe.out().contains("rpc Repeat(.shuttle.cli.test.EchoRequest) returns (stream .shuttle.cli.test.EchoResponse);"),
        describe.toString());
  }

  @Test
  void callsUnaryWithHeadersServerStreamingAndBidiOnPythonWithTheDescriptorSet() {
    CliRun say = CliRun.run("call", target, "shuttle.cli.test.Echo/Say", "--protoset", protoset.toString(),
        "-d", "{\"text\": \"py\", \"echoHeaders\": [\"x-user\"]}", "-H", "x-user: ada");
    assertEquals(0, say.exitCode(), say.toString());
    assertEquals(List.of("{\"text\":\"py\",\"headers\":{\"x-user\":\"ada\"}}"), say.lines(), say.toString());

    CliRun repeat = CliRun.run("call", target, "shuttle.cli.test.Echo/Repeat", "--protoset", protoset.toString(),
        "-d", "{\"text\": \"r\", \"times\": 2}");
    assertEquals(List.of("{\"text\":\"r\",\"index\":1}", "{\"text\":\"r\",\"index\":2}"), repeat.lines(), repeat.toString());

    CliRun chat = CliRun.withStdin("{\"text\": \"a\"}\n{\"text\": \"b\"}\n", "call", target, "shuttle.cli.test.Echo/Chat",
        "--protoset", protoset.toString());
    assertEquals(0, chat.exitCode(), chat.toString());
    assertEquals(List.of("{\"text\":\"A\",\"index\":1}", "{\"text\":\"B\",\"index\":2}"), chat.lines(), chat.toString());
  }

  @Test
  void aMethodPythonDoesNotImplementFailsWithUnimplemented() {
    CliRun join = CliRun.run("call", target, "shuttle.cli.test.Echo/Join", "--protoset", protoset.toString(), "-d", "{}");
    assertEquals(1, join.exitCode(), join.toString());
    assertTrue(join.err().startsWith("shuttle: UNIMPLEMENTED"), join.toString());
  }

  @Test
  void callsWithTheProtoFileCompiledByGrpcTools() {
    CliRun say = CliRun.run("call", target, "shuttle.cli.test.Echo/Say",
        "--proto", dir.resolve("proto/shuttle/cli/test/echo.proto").toString(), "-I", dir.resolve("proto").toString(),
        "-d", "{\"text\": \"compiled\"}");
    assertEquals(0, say.exitCode(), say.toString());
    assertEquals(List.of("{\"text\":\"compiled\"}"), say.lines(), say.toString());
  }
}
