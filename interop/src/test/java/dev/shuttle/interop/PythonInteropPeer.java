package dev.shuttle.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python grpcio's side of the interop matrix: {@code src/test/python/interop_client.py} and
 * {@code interop_server.py}, run with Debian's {@code /usr/bin/python3} (python3-grpcio and
 * python3-grpc-tools, which .ci/run installs). Every process it starts is destroyed, with its
 * descendants, before the call that started it returns or, for a server, when it is closed.
 *
 * <pre>{@code
 * PythonInteropPeer python = PythonInteropPeer.locate();
 * try (PythonInteropPeer.Server server = python.startServer(null)) {
 *   python.runClient(InteropCase.LARGE_UNARY, InteropTarget.plaintext("127.0.0.1", server.port()));
 * }
 * }</pre>
 */
final class PythonInteropPeer {
  private static final System.Logger LOG = System.getLogger(PythonInteropPeer.class.getName());

  static final Path PYTHON = Path.of("/usr/bin/python3");

  /** The client's exit status for a case it cannot run faithfully; its stderr says why. */
  static final int EXIT_UNSUPPORTED = 3;

  /** Longer than any case takes; a client still running then is killed and the case fails. */
  static final Duration CASE_TIMEOUT = Duration.ofSeconds(90);

  private static final Duration SERVER_START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  /**
   * Flags for the cases whose defaults suit a long-running interop job, not a unit test: few
   * soak iterations, a per-iteration latency bound no healthy run reaches (tests assert no
   * timings), and only a short wait in pick_first_unary for other backends, as there are none.
   */
  static final List<String> QUICK_CASE_FLAGS =
      List.of(
          "--soak_iterations=3",
          "--soak_per_iteration_max_acceptable_latency_ms=20000",
          "--soak_overall_timeout_seconds=60",
          "--pick_first_settle_ms=200");

  private final Path scripts;
  private final Path protos;
  private final Path stubs;
  private final Map<InteropCase, String> clientCannotRun;
  private final Map<InteropCase, String> serverCannotServe;

  private PythonInteropPeer(Path scripts, Path protos, Path stubs) throws IOException, InterruptedException {
    this.scripts = scripts;
    this.protos = protos;
    this.stubs = stubs;
    this.clientCannotRun = unsupported("interop_client.py");
    this.serverCannotServe = unsupported("interop_server.py");
  }

  /**
   * Finds the Python programs in this module and a /usr/bin/python3 that has grpcio and
   * grpc_tools, or fails saying what is missing.
   */
  static PythonInteropPeer locate() throws IOException, InterruptedException {
    Path module = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path scripts = module.resolve("src/test/python");
    if (!Files.isRegularFile(scripts.resolve("interop_client.py"))) {
      throw new IllegalStateException("no src/test/python/interop_client.py under " + module
          + ": run the tests from the interop module (Maven does)");
    }
    if (!Files.isExecutable(PYTHON)) {
      throw new IllegalStateException(PYTHON + " is missing: the Python interop peer needs Debian's python3 "
          + "with python3-grpcio and python3-grpc-tools (.ci/run installs them)");
    }
    Result check = run(List.of(PYTHON.toString(), "-c", "import grpc, grpc_tools.protoc; print(grpc.__version__)"),
        scripts, Duration.ofSeconds(30));
    if (check.exitCode() != 0) {
      throw new IllegalStateException(PYTHON + " cannot import grpc and grpc_tools: install python3-grpcio and "
          + "python3-grpc-tools (.ci/run does).\n" + check.output());
    }
    LOG.log(System.Logger.Level.INFO, "Python interop peer: grpcio {0}", check.output().strip());
    return new PythonInteropPeer(scripts, module.resolve("src/main/proto"), module.resolve("target/python-interop-stubs"));
  }

  /** The cases interop_client.py cannot run as the spec describes them, with its reasons. */
  Map<InteropCase, String> clientCannotRun() {
    return clientCannotRun;
  }

  /** The cases interop_server.py cannot serve as the spec describes them, with its reasons. */
  Map<InteropCase, String> serverCannotServe() {
    return serverCannotServe;
  }

  /**
   * Runs interop_client.py for one case. Returns when it passed; throws
   * {@link InteropMatrix.NotSupported} when the client says it cannot run the case, and an
   * {@link AssertionError} with its output when the case failed or did not finish in time.
   */
  void runClient(InteropCase testCase, InteropTarget target, String... extraFlags) throws IOException, InterruptedException {
    List<String> command = clientCommand(testCase, target);
    command.addAll(List.of(extraFlags));
    Result result = runCommand(command);
    if (result.exitCode() == 0) {
      return;
    }
    String output = result.output().strip();
    if (result.exitCode() == EXIT_UNSUPPORTED) {
      throw new InteropMatrix.NotSupported("Python client: " + lastLine(output));
    }
    throw new AssertionError("Python client, " + testCase.flag() + " against " + target
        + (result.timedOut() ? ": still running after " + CASE_TIMEOUT.toSeconds() + " s, killed" : ": exit " + result.exitCode())
        + ": " + lastLine(output) + (output.contains("\n") ? "\nfull output:\n" + output : ""));
  }

  /** Runs a command line of {@link #clientCommand} (perhaps changed) in the scripts' directory. */
  Result runCommand(List<String> command) throws IOException, InterruptedException {
    return run(command, scripts, CASE_TIMEOUT);
  }

  /** The interop_client.py command line {@link #runClient} runs. */
  List<String> clientCommand(InteropCase testCase, InteropTarget target) {
    List<String> command = new ArrayList<>(List.of(
        PYTHON.toString(), "interop_client.py",
        "--server_host=" + target.host(),
        "--server_port=" + target.port(),
        "--test_case=" + testCase.flag(),
        "--use_tls=" + target.usesTls()));
    if (target.usesTls()) {
      command.add("--use_test_ca=true");
      command.add("--server_host_override=" + GrpcTestCertificates.SERVER_NAME);
      command.add("--certs_dir=" + target.certs().dir());
    }
    command.addAll(QUICK_CASE_FLAGS);
    command.addAll(stubFlags());
    return command;
  }

  /**
   * Starts interop_server.py on a free port of 127.0.0.1, over TLS with server1.pem when certs is
   * not null, and returns once it says it is listening.
   */
  Server startServer(GrpcTestCertificates certs) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        PYTHON.toString(), "interop_server.py", "--port=0", "--bind_address=127.0.0.1",
        "--use_tls=" + (certs != null)));
    if (certs != null) {
      command.add("--certs_dir=" + certs.dir());
    }
    command.addAll(stubFlags());
    Process process = processBuilder(command, scripts).redirectErrorStream(true).start();
    Server server = new Server(process);
    try {
      server.awaitPort();
      return server;
    } catch (InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private List<String> stubFlags() {
    return List.of("--proto_dir=" + protos, "--stubs_dir=" + stubs);
  }

  private Map<InteropCase, String> unsupported(String program) throws IOException, InterruptedException {
    Result result = run(List.of(PYTHON.toString(), program, "--list_unsupported_cases"), scripts, Duration.ofSeconds(30));
    if (result.exitCode() != 0) {
      throw new IllegalStateException(program + " --list_unsupported_cases failed:\n" + result.output());
    }
    Map<InteropCase, String> reasons = new EnumMap<>(InteropCase.class);
    for (String line : result.output().split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        reasons.put(InteropCase.valueOf(line.substring(0, colon).toUpperCase(Locale.ROOT)), line.substring(colon + 2).strip());
      }
    }
    return Collections.unmodifiableMap(reasons);
  }

  /** A running interop_server.py. Closing it sends SIGTERM and waits; see {@link #stop()}. */
  static final class Server implements AutoCloseable {
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Thread reader;
    private volatile Integer exitCode;

    private Server(Process process) {
      this.process = process;
      reader = new Thread(this::readOutput, "python-interop-server-output-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    private void readOutput() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          output.append(line).append('\n');
          Matcher listening = LISTENING.matcher(line);
          if (listening.find()) {
            port.complete(Integer.parseInt(listening.group(1)));
          }
        }
      } catch (IOException e) {
        // the process is gone; awaitPort reports what it printed
      } finally {
        port.completeExceptionally(new IllegalStateException("interop_server.py ended before listening"));
      }
    }

    private void awaitPort() throws InterruptedException {
      try {
        port.get(SERVER_START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("interop_server.py did not say it was listening within "
            + SERVER_START_TIMEOUT.toSeconds() + " s:\n" + output, e);
      }
    }

    int port() {
      return port.join();
    }

    /** What the server printed so far (its stdout and stderr). */
    String output() {
      return output.toString();
    }

    /**
     * Sends SIGTERM and waits for the server to end, killing it (and anything it started) if it
     * does not; returns its exit status, 0 when it stopped cleanly.
     */
    int stop() throws InterruptedException {
      if (exitCode == null) {
        exitCode = terminate(process);
        reader.join(STOP_TIMEOUT.toMillis()); // so that output() has its last words
      }
      return exitCode;
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }

  record Result(int exitCode, boolean timedOut, String output) {}

  /** Runs a command to its end or its timeout, stdout and stderr together; never leaves it running. */
  static Result run(List<String> command, Path directory, Duration timeout) throws IOException, InterruptedException {
    Path log = Files.createTempFile("python-interop-", ".log");
    Process process = null;
    try {
      process = processBuilder(command, directory).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      int exit = finished ? process.exitValue() : terminate(process);
      process = null;
      return new Result(exit, !finished, Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      if (process != null) {
        terminate(process); // interrupted while waiting
      }
      Files.deleteIfExists(log);
    }
  }

  private static ProcessBuilder processBuilder(List<String> command, Path directory) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    Map<String, String> env = builder.environment();
    // Debian's interpreter with its own packages, whatever the caller's Python setup says.
    env.remove("PYTHONPATH");
    env.remove("PYTHONHOME");
    env.put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
    env.put("PYTHONUNBUFFERED", "1");
    return builder;
  }

  /**
   * SIGTERM to the process and its descendants, then SIGKILL to whatever is left; the exit status.
   * Signals go through the ProcessHandle: Process.destroy would also close our end of the
   * process's pipes, and a server logging its shutdown would then die of the broken pipe.
   */
  private static int terminate(Process process) throws InterruptedException {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.toHandle().destroy();
    descendants.forEach(ProcessHandle::destroy);
    if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.toHandle().destroyForcibly();
      process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    for (ProcessHandle descendant : descendants) {
      if (descendant.isAlive()) {
        descendant.destroyForcibly();
      }
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  private static String lastLine(String output) {
    int newline = output.lastIndexOf('\n');
    return newline < 0 ? output : output.substring(newline + 1);
  }
}
