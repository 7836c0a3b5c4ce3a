package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A benchmark's main class run in --smoke mode as its own process, as its launcher runs it. */
record SmokeRun(int exit, String table, String stderrTail) {
  static SmokeRun of(Class<?> mainClass) throws IOException, InterruptedException {
    Path stderr = Files.createTempFile(mainClass.getSimpleName() + "-smoke", ".err");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(GrpcBench.serverJvmFlags());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName(), "--smoke"));
    Process bench = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    try {
      String table = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(bench.waitFor(3, TimeUnit.MINUTES), "the smoke run did not finish");
      List<String> lines = Files.readAllLines(stderr);
      return new SmokeRun(bench.exitValue(), table,
          String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
    } finally {
      // The benchmark stops what it started; if it is cut short, its servers and clients go with it.
      bench.descendants().forEach(ProcessHandle::destroyForcibly);
      bench.destroyForcibly();
      bench.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(stderr);
    }
  }

  String diagnostics() {
    return table + "\n--- stderr ---\n" + stderrTail;
  }

  /** The numbers after {@code prefix} on the table line that starts with it, or null without such a line. */
  String[] numbersAfter(String prefix) {
    return table.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .map(l -> l.substring(prefix.length()).strip().split("\\s+")).orElse(null);
  }
}
