package dev.shuttle.attack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * An {@link AttackTargetServer} in a JVM of its own: the same JDK and class path as the tests, a
 * small heap, and {@code -XX:+ExitOnOutOfMemoryError}, so that running out of memory kills it
 * (which {@link #assertHealthy()} reports) instead of leaving a half-working server.
 *
 * <p>{@link #close()} always ends the process, forcibly if it does not quit; a shutdown hook does
 * the same if the test JVM exits without closing it, and the server exits by itself when its
 * stdin closes, so no server outlives its test run.
 */
final class TargetProcess implements AutoCloseable {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final int KEPT_LOG_LINES = 400;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
  }

  private final Process process;
  private volatile int port;
  private final Writer commands;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private final ReentrantLock logLock = new ReentrantLock();
  private final Condition logged = logLock.newCondition();
  // Guarded by logLock.
  private final ArrayDeque<String> logTail = new ArrayDeque<>();
  private final List<String> outOfMemory = new ArrayList<>();
  private long logLines;

  /** What the server reports after a full GC; see {@link AttackTargetServer}. */
  record Stats(
      long heapUsed,
      long heapMax,
      long buffered,
      long peakBuffered,
      int connections,
      int liveHandlers,
      int peakHandlers,
      int peakHandlersPerConnection,
      int handlersStarted,
      long messagesSent) {
    static Stats parse(String line) {
      Map<String, String> f = new HashMap<>();
      for (String part : line.substring("stats ".length()).split(" ")) {
        int eq = part.indexOf('=');
        f.put(part.substring(0, eq), part.substring(eq + 1));
      }
      return new Stats(
          Long.parseLong(f.get("heapUsed")),
          Long.parseLong(f.get("heapMax")),
          Long.parseLong(f.get("buffered")),
          Long.parseLong(f.get("peakBuffered")),
          Integer.parseInt(f.get("connections")),
          Integer.parseInt(f.get("liveHandlers")),
          Integer.parseInt(f.get("peakHandlers")),
          Integer.parseInt(f.get("peakHandlersPerConnection")),
          Integer.parseInt(f.get("handlersStarted")),
          Long.parseLong(f.get("messagesSent")));
    }

    @Override
    public String toString() {
      return "heapUsed=" + mib(heapUsed) + " (max " + mib(heapMax) + ") buffered=" + buffered
          + " peakBuffered=" + peakBuffered + " connections=" + connections + " liveHandlers=" + liveHandlers
          + " peakHandlers=" + peakHandlers + " peakHandlersPerConnection=" + peakHandlersPerConnection
          + " handlersStarted=" + handlersStarted + " messagesSent=" + messagesSent;
    }
  }

  private TargetProcess(Process process) {
    this.process = process;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread.ofPlatform().daemon().name("attack-target-stdout").start(() -> pumpStdout(process.getInputStream()));
    Thread.ofPlatform().daemon().name("attack-target-stderr").start(() -> pumpStderr(process.getErrorStream()));
  }

  /**
   * Starts a server with this maximum heap ({@code "256m"}) and these {@code name=value} limits,
   * and waits until it listens.
   */
  static TargetProcess start(String maxHeap, String... options) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command"));
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx" + maxHeap);
    command.add("-XX:+UseSerialGC"); // light on a shared machine; a full GC leaves only what is live
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-XX:-UsePerfData");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(AttackTargetServer.class.getName());
    command.addAll(List.of(options));
    Process process = new ProcessBuilder(command).start();
    LIVE.add(process);
    TargetProcess target = new TargetProcess(process);
    boolean started = false;
    try {
      String ready = target.replies.poll(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (ready == null || !ready.startsWith("ready port=")) {
        fail("the attack target did not start: " + ready + "\n" + target.logTail());
      }
      target.port = Integer.parseInt(ready.substring("ready port=".length()));
      started = true;
      return target;
    } finally {
      if (!started) {
        target.close();
      }
    }
  }

  /** Every line of stdout is a reply (or the ready line); it goes to the log tail too. */
  private void pumpStdout(InputStream stdout) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        noteLine(line);
        if (line.startsWith("ready ") || line.startsWith("stats ") || line.equals("ok") || line.equals("bye")
            || line.startsWith("unknown command")) {
          replies.add(line);
        }
      }
    } catch (IOException e) {
      // The process ended.
    }
  }

  private void pumpStderr(InputStream stderr) {
    try (BufferedReader err = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
      for (String line; (line = err.readLine()) != null; ) {
        noteLine(line);
      }
    } catch (IOException e) {
      // The process ended.
    }
  }

  private void noteLine(String line) {
    logLock.lock();
    try {
      logLines++;
      logTail.addLast(line);
      if (logTail.size() > KEPT_LOG_LINES) {
        logTail.removeFirst();
      }
      if (line.contains("OutOfMemoryError")) {
        outOfMemory.add(line);
      }
      logged.signalAll();
    } finally {
      logLock.unlock();
    }
  }

  int port() {
    return port;
  }

  /**
   * Runs a check (a neighbour's calls, say); if it fails, the server's own failure (dead, out
   * of memory) is reported first, as the likelier cause, with the check's failure attached.
   */
  void check(Check check) throws Exception {
    try {
      check.run();
    } catch (Exception | AssertionError e) {
      try {
        assertHealthy();
      } catch (AssertionError dead) {
        dead.addSuppressed(e);
        throw dead;
      }
      throw e;
    }
  }

  /** A step of a test that may fail. */
  interface Check {
    void run() throws Exception;
  }

  /** The server process is alive and never ran out of memory. */
  void assertHealthy() {
    logLock.lock();
    try {
      assertTrue(outOfMemory.isEmpty(), "the attack target ran out of memory: " + outOfMemory + "\n" + logTail());
    } finally {
      logLock.unlock();
    }
    assertTrue(process.isAlive(), () -> "the attack target died, exit code " + exitCode() + "\n" + logTail());
  }

  private String exitCode() {
    try {
      return process.waitFor(1, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  /** The last lines the server printed, for failure messages. */
  String logTail() {
    logLock.lock();
    try {
      return "--- last lines of the attack target's output ---\n" + String.join("\n", logTail);
    } finally {
      logLock.unlock();
    }
  }

  /**
   * The server's threads, virtual ones included (jcmd Thread.dump_to_file), for diagnosing a
   * server that stopped making progress.
   */
  String threadDump() {
    try {
      String javaCommand = ProcessHandle.current().info().command().orElseThrow();
      String jcmd = javaCommand.substring(0, javaCommand.length() - "java".length()) + "jcmd";
      Path file = Files.createTempFile("attack-target-threads", ".txt");
      Files.delete(file);
      Process p = new ProcessBuilder(jcmd, String.valueOf(process.pid()), "Thread.dump_to_file", file.toString())
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(30, TimeUnit.SECONDS);
      String dump = Files.readString(file);
      Files.deleteIfExists(file);
      return dump;
    } catch (Exception e) {
      return "<no thread dump: " + e + ">";
    }
  }

  /** The largest classes on the server's heap (jcmd GC.class_histogram), first lines only. */
  String heapHistogram(int lines) {
    try {
      String javaCommand = ProcessHandle.current().info().command().orElseThrow();
      String jcmd = javaCommand.substring(0, javaCommand.length() - "java".length()) + "jcmd";
      Process p = new ProcessBuilder(jcmd, String.valueOf(process.pid()), "GC.class_histogram").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return String.join("\n", out.lines().limit(lines).toList());
    } catch (Exception e) {
      return "<no histogram: " + e + ">";
    }
  }

  /** Counts output lines from now on; see {@link #awaitLogLine}. */
  long logMark() {
    logLock.lock();
    try {
      return logLines;
    } finally {
      logLock.unlock();
    }
  }

  /**
   * Waits for a line the server prints (its log) after {@code mark} that matches; the lines kept
   * are the last few hundred, which is enough when the caller waits while it happens.
   */
  String awaitLogLine(long mark, Predicate<String> match, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    logLock.lock();
    try {
      while (true) {
        long first = logLines - logTail.size();
        long index = first;
        for (String line : logTail) {
          if (index++ >= mark && match.test(line)) {
            return line;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return fail("the attack target never logged " + what + " within " + timeout + "\n" + logTail());
        }
        logged.awaitNanos(left);
      }
    } finally {
      logLock.unlock();
    }
  }

  /** Sends a command and returns its one-line reply. */
  synchronized String command(String command) throws IOException, InterruptedException {
    assertHealthy();
    commands.write(command + "\n");
    commands.flush();
    String reply = replies.poll(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertNotNull(reply, () -> "no reply to " + command + " within " + COMMAND_TIMEOUT + "\n" + logTail());
    return reply;
  }

  Stats stats() throws IOException, InterruptedException {
    String reply = command("stats");
    assertTrue(reply.startsWith("stats "), reply);
    return Stats.parse(reply);
  }

  /** Lets every Hold handler waiting now return. */
  void release() throws IOException, InterruptedException {
    command("release");
  }

  void resetPeaks() throws IOException, InterruptedException {
    command("resetPeaks");
  }

  /**
   * Waits until the server is back where it was before an attack: nothing buffered, no handler
   * running, {@code connections} connections open, and a heap (after GC) at most
   * {@code marginBytes} above {@code baseline}. Fails with the last figures if that does not
   * happen within the timeout (which only detects a server that never recovers).
   */
  Stats awaitRecovered(Stats baseline, long marginBytes, int connections, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Stats now;
    while (true) {
      now = stats();
      boolean recovered =
          now.buffered() == 0
              && now.liveHandlers() == 0
              && now.connections() == connections
              && now.heapUsed() <= baseline.heapUsed() + marginBytes;
      if (recovered) {
        return now;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(250);
    }
    return fail(
        "the server did not return to its baseline within " + timeout + " (heap margin " + mib(marginBytes)
            + ", expected " + connections + " connection(s))\nbaseline: " + baseline + "\nnow:      " + now
            + "\n" + logTail());
  }

  /** Ends the server: {@code quit}, and if it does not go within 5 seconds, a kill. */
  @Override
  public void close() {
    boolean interrupted = false;
    try {
      if (process.isAlive()) {
        try {
          commands.write("quit\n");
          commands.flush();
          commands.close();
        } catch (IOException e) {
          // Already going.
        }
        try {
          process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
      LIVE.remove(process);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    assertFalse(process.isAlive(), "the attack target is still running");
  }

  static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / 1048576.0);
  }
}
