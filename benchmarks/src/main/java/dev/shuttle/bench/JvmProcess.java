package dev.shuttle.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark program (a server or a load client) in a JVM of its own, optionally pinned to one
 * CPU with {@code taskset}, started with {@link GrpcBench#serverJvmFlags()} so that every process
 * of a run differs only in its code.
 *
 * <p>Its stdout is read line by line into a queue: a server's {@code listening} line, a client's
 * answer to a command written to its stdin ({@link #ask}). Its stderr goes to a log file that
 * {@link #close} deletes unless {@link #keepLog} was called, so a failure leaves its evidence.
 */
final class JvmProcess implements AutoCloseable {
  /** What a client prints as the answer to one command: {@code result ...} or {@code error ...}. */
  static final String RESULT = "result ";

  static final String ERROR = "error ";

  /** Marks the end of stdout in the line queue. */
  private static final String EOF = new String("<eof>");

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  private final String name;
  private final Process process;
  private final Path log;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private boolean keepLog;

  private JvmProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread.ofPlatform().daemon().name(name + "-stdout").start(this::readStdout);
  }

  /**
   * Starts {@code mainClass} with this JVM's class path; {@code cpu} null leaves it unpinned.
   * {@code extraJvmFlags} come after the common flags (for example a client's heap).
   */
  static JvmProcess start(String name, String cpu, Class<?> mainClass, List<String> extraJvmFlags,
      List<String> args) throws IOException {
    List<String> command = ChildJvm.command(cpu, extraJvmFlags, mainClass, args);
    Path log = Files.createTempFile(name + "-", ".log");
    try {
      return new JvmProcess(name, new ProcessBuilder(command).redirectError(log.toFile()).start(), log);
    } catch (IOException e) {
      Files.deleteIfExists(log);
      throw e;
    }
  }

  private void readStdout() {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // The process went away; EOF below says so.
    } finally {
      lines.add(EOF);
    }
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  /** Keeps the stderr log after {@link #close}, for a run that went wrong. */
  void keepLog() {
    keepLog = true;
  }

  /** Waits for the line saying {@code listening on 127.0.0.1:PORT} and returns the port. */
  int awaitListening(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = nextLine(deadline, "a listening line");
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
  }

  /**
   * Writes {@code command} as a line to the process's stdin and returns its answer, the text after
   * {@code result }; an {@code error } answer, an exit or the timeout is an IOException.
   */
  String ask(String command, Duration timeout) throws IOException, InterruptedException {
    stdin.write(command + "\n");
    stdin.flush();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = nextLine(deadline, "an answer to \"" + command + "\"");
      if (line.startsWith(RESULT)) {
        return line.substring(RESULT.length());
      }
      if (line.startsWith(ERROR)) {
        throw new IOException(name + ": " + line.substring(ERROR.length()));
      }
    }
  }

  private String nextLine(long deadline, String awaited) throws IOException, InterruptedException {
    String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    if (line == null) {
      throw new IOException(name + " printed no " + awaited + " in time");
    }
    if (line == EOF) {
      lines.add(EOF); // every later read sees the end too
      throw new IOException(name + " exited before " + awaited + " (see " + log + ")");
    }
    return line;
  }

  /**
   * Stops the process and returns its exit status, or -1 if it had to be killed. A client's
   * command loop ends when its stdin closes ({@code stdinEnds}); a server stops on SIGTERM.
   */
  int stop(boolean stdinEnds, Duration grace) throws InterruptedException {
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    if (!stdinEnds) {
      process.destroy();
    }
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      return -1;
    }
    return process.exitValue();
  }

  /** Kills the process if it still runs, and deletes its log unless {@link #keepLog} was asked. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!keepLog) {
      try {
        Files.deleteIfExists(log);
      } catch (IOException e) {
        // a temp file left behind is no failure of the run
      }
    }
  }

  /** The last lines of the stderr log, for a message about what went wrong. */
  String logTail(int n) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
