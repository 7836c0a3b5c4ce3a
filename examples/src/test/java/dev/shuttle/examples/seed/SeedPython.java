package dev.shuttle.examples.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The seed's own Python client and server (src/test/python, copied verbatim from the tutorial),
 * ready to run with Debian's grpcio: stubs generated as the tutorial does, and the scripts with
 * nothing changed but their address.
 */
final class SeedPython {
  static final String PYTHON = "/usr/bin/python3"; // Debian's grpcio installs for this one
  private static final String SEED_ADDRESS = "127.0.0.1:8888";
  private static final Path SOURCES = Paths.get("src", "test", "python");
  private static final Path PROTO = Paths.get("src", "main", "proto", "test.proto");

  private final Path dir;

  private SeedPython(Path dir) {
    this.dir = dir;
  }

  /** Generates test_pb2.py and test_pb2_grpc.py in {@code dir}, as the tutorial's step 2 does. */
  static SeedPython in(Path dir) throws Exception {
    Run check = run(List.of(PYTHON, "-c", "import grpc, grpc_tools.protoc"), dir, 30);
    if (check.exitCode() != 0) {
      fail("these tests need Debian's python3-grpcio and python3-grpc-tools for " + PYTHON
          + " (.ci/run installs them): " + check.output());
    }
    Files.copy(PROTO, dir.resolve("test.proto"));
    Run protoc =
        run(List.of(PYTHON, "-m", "grpc_tools.protoc", "-I", ".", "--python_out=.", "--grpc_python_out=.", "test.proto"), dir, 60);
    assertEquals(0, protoc.exitCode(), protoc.output());
    return new SeedPython(dir);
  }

  Path dir() {
    return dir;
  }

  /** The seed's script {@code name} with only its address changed; returns its file name. */
  String script(String name, String address) throws IOException {
    String source = Files.readString(SOURCES.resolve(name), StandardCharsets.UTF_8);
    assertTrue(source.contains(SEED_ADDRESS), name + " no longer names " + SEED_ADDRESS);
    Files.writeString(dir.resolve(name), source.replace(SEED_ADDRESS, address), StandardCharsets.UTF_8);
    return name;
  }

  /** Runs the seed's client against {@code address} to completion. */
  Run runClient(String address) throws Exception {
    return run(List.of(PYTHON, script("seed_client.py", address)), dir, 60);
  }

  /** Starts the seed's server on {@code port} and waits until it accepts connections. */
  Process startServer(int port, Path log) throws Exception {
    Process process =
        new ProcessBuilder(PYTHON, "-u", script("seed_server.py", "127.0.0.1:" + port))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    awaitListening(process, port, log);
    return process;
  }

  /**
   * Copies tls_peer.py (the seed's service and a raw-bytes echo over TLS, see its docstring) and
   * grpc-java's interop certificates (io.grpc:grpc-testing: server1.pem/.key for
   * *.test.google.fr, client.pem/.key, ca.pem) into the directory.
   */
  SeedPython withTls() throws IOException {
    Files.copy(SOURCES.resolve("tls_peer.py"), dir.resolve("tls_peer.py"), StandardCopyOption.REPLACE_EXISTING);
    for (String name : new String[] {"server1.pem", "server1.key", "client.pem", "client.key", "ca.pem"}) {
      try (InputStream in = SeedPython.class.getResourceAsStream("/certs/" + name)) {
        if (in == null) {
          fail("certs/" + name + " (io.grpc:grpc-testing) is not on the test class path");
        }
        Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return this;
  }

  /** The name in server1.pem that TLS clients check instead of 127.0.0.1. */
  static final String TLS_SERVER_NAME = "foo.test.google.fr";

  /** Starts tls_peer.py's TLS server on {@code port} (requiring client certificates signed by {@code clientCa}, if given). */
  Process startTlsServer(int port, Path log, String... clientCa) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(PYTHON, "-u", "tls_peer.py", "server", String.valueOf(port), "server1.pem", "server1.key"));
    command.addAll(List.of(clientCa));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    awaitListening(process, port, log);
    return process;
  }

  /** Runs tls_peer.py's client against {@code 127.0.0.1:port}: GetRandom, then echoes of the sizes given. */
  Run runTlsClient(int port, String... extra) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(PYTHON, "tls_peer.py", "client", "127.0.0.1:" + port, "ca.pem", TLS_SERVER_NAME));
    command.addAll(List.of(extra));
    return runSeparately(command, dir, 120);
  }

  /**
   * A port nobody listens on. The seed's server takes a fixed address and does not report the
   * port it got, so a free one is found first and handed to it.
   */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void awaitListening(Process process, int port, Path log) throws Exception {
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
    process.destroyForcibly();
    fail("the Python server did not listen on " + port + ": " + Files.readString(log));
  }

  /** Waits up to 10 s for {@code file} to contain {@code expected}; returns what it holds. */
  static String awaitContent(Path file, String expected) throws Exception {
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

  /** The number the seed's client printed last, checked to be in 10..20. */
  static int printedRandom(String output) {
    String[] lines = output.strip().split("\n");
    int random = Integer.parseInt(lines[lines.length - 1].strip());
    assertTrue(random >= 10 && random <= 20, "random out of range: " + output);
    assertTrue(output.contains("random: " + random), output);
    return random;
  }

  record Run(int exitCode, String output, String errors) {
    Run(int exitCode, String output) {
      this(exitCode, output, "");
    }
  }

  /** Runs a command to completion, stdout and stderr merged. */
  static Run run(List<String> command, Path directory, int timeoutSeconds) throws Exception {
    Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    return await(p, command, timeoutSeconds);
  }

  /** Runs a command to completion, stdout and stderr apart. */
  static Run runSeparately(List<String> command, Path directory, int timeoutSeconds) throws Exception {
    Process p = new ProcessBuilder(command).directory(directory.toFile()).start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread errors = pump(p.getErrorStream(), err);
    Run run = await(p, command, timeoutSeconds);
    errors.join();
    return new Run(run.exitCode(), run.output(), err.toString(StandardCharsets.UTF_8));
  }

  private static Run await(Process p, List<String> command, int timeoutSeconds) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread output = pump(p.getInputStream(), out);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail(command + " did not finish in " + timeoutSeconds + " s");
    }
    output.join();
    return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
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
}
