package dev.shuttle.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers other tools drive, {@code bin/interop-server} and {@code bin/interop-client}, as
 * processes, run from a directory other than the repository's: the server's {@code listening}
 * line, a clean stop with exit 0 on SIGTERM, the client's exit status (0 passed, 1 failed with
 * the reason on stderr, 2 usage), in cleartext and with {@code --use_tls=true}, against
 * grpc-java's official interop programs. An integration test: it runs after {@code package}, when
 * the launchers find the interop module built.
 */
class InteropLaunchersIT {
  private static final Path BIN = Paths.get("..", "bin").toAbsolutePath().normalize();
  private static final Pattern LISTENING = Pattern.compile("listening on [^ ]*:(\\d+)");
  private static final int LAUNCH_SECONDS = 120;

  @TempDir Path work;
  private Process server;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null && server.isAlive()) {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void interopServerServesGrpcJavasClientAndOursThenStopsWithExitZeroOnSigterm() throws Exception {
    int port = startServer("--port=0", "--host=127.0.0.1");

    for (InteropCase c : List.of(InteropCase.LARGE_UNARY, InteropCase.PING_PONG, InteropCase.CUSTOM_METADATA)) {
      GrpcJavaInteropPrograms.runClient(c, InteropTarget.plaintext("127.0.0.1", port));
    }
    Run ours = client("--server_host=127.0.0.1", "--server_port=" + port, "--test_case=server_compressed_streaming");
    assertEquals(0, ours.exitCode(), ours.toString());
    assertTrue(ours.output().contains("server_compressed_streaming passed"), ours.toString());

    assertStopsWithExitZeroOnSigterm();
  }

  @Test
  void interopServerWithUseTlsServesGrpcJavasTlsClientThenStopsOnSigterm() throws Exception {
    int port = startServer("--port=0", "--host=127.0.0.1", "--use_tls=true");

    for (InteropCase c : List.of(InteropCase.EMPTY_UNARY, InteropCase.CLIENT_COMPRESSED_STREAMING)) {
      GrpcJavaInteropPrograms.runClient(c, InteropTarget.tls("127.0.0.1", port, GrpcTestCertificates.copyTo(work)));
    }
    Run ours =
        client(
            "--server_host=127.0.0.1", "--server_port=" + port, "--test_case=status_code_and_message",
            "--use_tls=true", "--use_test_ca=true", "--server_host_override=foo.test.google.fr");
    assertEquals(0, ours.exitCode(), ours.toString());

    assertStopsWithExitZeroOnSigterm();
  }

  @Test
  void interopClientPassesAgainstGrpcJavasServerInCleartextAndOverTls() throws Exception {
    try (GrpcJavaInteropPrograms.Server plain = GrpcJavaInteropPrograms.startServer(false);
        GrpcJavaInteropPrograms.Server tls = GrpcJavaInteropPrograms.startServer(true)) {
      Run cleartext = client("--server_host=127.0.0.1", "--server_port=" + plain.port(), "--test_case=large_unary");
      assertEquals(0, cleartext.exitCode(), cleartext.toString());
      assertTrue(cleartext.output().contains("large_unary passed"), cleartext.toString());

      Run overTls =
          client(
              "--server_host=127.0.0.1", "--server_port=" + tls.port(), "--test_case=ping_pong",
              "--use_tls=true", "--use_test_ca=true", "--server_host_override=foo.test.google.fr");
      assertEquals(0, overTls.exitCode(), overTls.toString());
    }
  }

  @Test
  void interopClientExitsOneWithTheReasonOnStderrWhenACaseFails() throws Exception {
    // grpc-java's server accepts the uncompressed probe of client_compressed_unary, which the
    // case requires the server to refuse: a real failure, with a real reason.
    try (GrpcJavaInteropPrograms.Server grpcJava = GrpcJavaInteropPrograms.startServer(false)) {
      Run probe = client("--server_host=127.0.0.1", "--server_port=" + grpcJava.port(), "--test_case=client_compressed_unary");
      assertEquals(1, probe.exitCode(), probe.toString());
      assertTrue(probe.errors().contains("client_compressed_unary FAILED: the probe"), probe.toString());
    }
    int closedPort = freePort();
    Run unreachable = client("--server_host=127.0.0.1", "--server_port=" + closedPort, "--test_case=empty_unary");
    assertEquals(1, unreachable.exitCode(), unreachable.toString());
    assertTrue(unreachable.errors().contains("UNAVAILABLE"), unreachable.toString());
  }

  @Test
  void bothLaunchersAnswerHelpWithExitZeroAndABadFlagWithExitTwo() throws Exception {
    Run serverHelp = run(List.of(BIN.resolve("interop-server").toString(), "--help"));
    assertEquals(0, serverHelp.exitCode(), serverHelp.toString());
    assertTrue(serverHelp.output().contains("--use_tls"), serverHelp.toString());
    Run clientHelp = client("--help");
    assertEquals(0, clientHelp.exitCode(), clientHelp.toString());
    for (InteropCase c : InteropCase.values()) {
      assertTrue(clientHelp.output().contains(c.flag()), "--help does not list " + c.flag() + ": " + clientHelp);
    }

    Run badServer = run(List.of(BIN.resolve("interop-server").toString(), "--port=0", "--no_such_flag=1"));
    assertEquals(2, badServer.exitCode(), badServer.toString());
    assertTrue(badServer.errors().contains("unknown flag --no_such_flag"), badServer.toString());
    Run badCase = client("--server_port=1", "--test_case=no_such_case");
    assertEquals(2, badCase.exitCode(), badCase.toString());
    assertTrue(badCase.errors().contains("unknown --test_case no_such_case"), badCase.toString());
  }

  // ---------------------------------------------------------------------------------------------

  /** Starts bin/interop-server and returns the port its listening line names. */
  private int startServer(String... flags) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(BIN.resolve("interop-server").toString());
    command.addAll(List.of(flags));
    server =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectError(work.resolve("interop-server.err").toFile())
            .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(LAUNCH_SECONDS, TimeUnit.SECONDS);
    Matcher listening = LISTENING.matcher(String.valueOf(first));
    assertTrue(listening.find(), "first line of interop-server: " + first);
    // Keep reading, so that the server never blocks on a full pipe.
    Thread.ofVirtual().start(() -> drain(out));
    return Integer.parseInt(listening.group(1));
  }

  private void assertStopsWithExitZeroOnSigterm() throws InterruptedException {
    server.destroy(); // SIGTERM
    assertTrue(server.waitFor(30, TimeUnit.SECONDS), "interop-server did not stop on SIGTERM");
    assertEquals(0, server.exitValue());
  }

  private Run client(String... flags) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(BIN.resolve("interop-client").toString());
    command.addAll(List.of(flags));
    return run(command);
  }

  /** What a finished launcher printed and how it exited. */
  private record Run(int exitCode, String output, String errors) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout: " + output + "\nstderr: " + errors;
    }
  }

  private Run run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).directory(work.toFile()).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread output = pump(p.getInputStream(), out);
    Thread errors = pump(p.getErrorStream(), err);
    if (!p.waitFor(LAUNCH_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail(command + " did not finish in " + LAUNCH_SECONDS + " s");
    }
    output.join();
    errors.join();
    return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream out) {
    return Thread.ofVirtual()
        .start(() -> {
          try (in) {
            in.transferTo(out);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
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
        // discarded
      }
    } catch (IOException e) {
      // the server went away
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
