package dev.shuttle.backpressure;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test class path to its end in a JVM of its own, the way the attack
 * suite's {@code TargetProcess} starts its server: the same JDK and class path, a small heap,
 * the serial collector, and {@code -XX:+ExitOnOutOfMemoryError} so that running out of memory
 * ends the process with a non-zero exit code rather than limping on.
 *
 * <p>The process never outlives its run: past the timeout it is killed (after a thread dump,
 * for the failure message), it is killed in any case once the run is over, a shutdown hook kills
 * it if the test JVM exits first, and its stdin is a pipe from this JVM, whose closing the main
 * class is expected to take as the signal to exit.
 */
final class SmallHeapJvm {
  private static final int KEPT_LINES = 1000;
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
  }

  /** How a run ended: its exit code and everything it printed (stdout and stderr, in order). */
  record Outcome(int exitCode, List<String> output) {
    /** The one output line starting with {@code prefix}, or null. */
    String line(String prefix) {
      return output.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
    }

    boolean ranOutOfMemory() {
      return output.stream().anyMatch(l -> l.contains("OutOfMemoryError"));
    }

    String log() {
      return "--- output of the forked JVM (exit code " + exitCode + ") ---\n" + String.join("\n", output);
    }
  }

  private SmallHeapJvm() {}

  /** Runs {@code main} with {@code -Xmx<maxHeap>} and these arguments; fails past {@code timeout}. */
  static Outcome run(Class<?> main, String maxHeap, Duration timeout, String... args)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command"));
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx" + maxHeap);
    command.add("-XX:+UseSerialGC");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-XX:-UsePerfData");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    LIVE.add(process);
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread pump = Thread.ofPlatform().daemon().name("small-heap-jvm-output").start(() -> pump(process.getInputStream(), output));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        String threads = threadDump(process);
        process.destroyForcibly();
        fail("the forked JVM did not finish within " + timeout + "\n" + new Outcome(-1, List.copyOf(output)).log()
            + "\n--- its threads ---\n" + threads);
      }
      pump.join(TimeUnit.SECONDS.toMillis(10)); // the rest of its output
      synchronized (output) {
        return new Outcome(process.exitValue(), List.copyOf(output));
      }
    } finally {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      LIVE.remove(process);
    }
  }

  private static void pump(InputStream in, List<String> output) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        output.add(line);
        if (output.size() > KEPT_LINES) {
          output.remove(0);
        }
      }
    } catch (IOException e) {
      // The process ended.
    }
  }

  /** Its threads, virtual ones included (jcmd Thread.dump_to_file), to see where it got stuck. */
  private static String threadDump(Process process) {
    try {
      String javaCommand = ProcessHandle.current().info().command().orElseThrow();
      String jcmd = javaCommand.substring(0, javaCommand.length() - "java".length()) + "jcmd";
      Path file = Files.createTempFile("small-heap-jvm-threads", ".txt");
      Files.delete(file);
      Process p = new ProcessBuilder(jcmd, String.valueOf(process.pid()), "Thread.dump_to_file", file.toString())
          .redirectErrorStream(true)
          .start();
      p.getInputStream().readAllBytes();
      p.waitFor(30, TimeUnit.SECONDS);
      String dump = Files.readString(file);
      Files.deleteIfExists(file);
      return dump;
    } catch (Exception e) {
      return "<no thread dump: " + e + ">";
    }
  }
}
