package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a benchmark's main class as a process of its own, as its launcher does, for smoke tests. */
final class BenchProcess {
  private BenchProcess() {}

  /** What the run printed and how it ended; {@link #diagnostics()} for assertion messages. */
  record Outcome(int exit, String stdout, String stderrTail) {
    String diagnostics() {
      return stdout + "\n--- stderr ---\n" + stderrTail;
    }
  }

  /** Runs {@code main} with {@code args} on the test classpath; whatever it started goes with it. */
  static Outcome run(Class<?> main, List<String> args) throws IOException, InterruptedException {
    return run(main, List.of(), args);
  }

  static Outcome run(Class<?> main, List<String> jvmFlags, List<String> args) throws IOException, InterruptedException {
    Path stderr = Files.createTempFile(main.getSimpleName() + "-smoke", ".err");
    List<String> command = ChildJvm.command(null, jvmFlags, main, args);
    Process bench = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    try {
      String stdout = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(bench.waitFor(4, TimeUnit.MINUTES), "the smoke run did not finish");
      return new Outcome(bench.exitValue(), stdout, tail(stderr));
    } finally {
      // The benchmark stops what it starts; if it is cut short, its children go with it.
      bench.descendants().forEach(ProcessHandle::destroyForcibly);
      bench.destroyForcibly();
      bench.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(stderr);
    }
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
