package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs every JMH benchmark in --smoke mode (one fork, 200 ms iterations) as its own process, as
 * bin/bench-jmh does, and checks that each one reported a positive rate and an allocation figure,
 * and that the results file got a row for each. What the numbers are is never checked.
 */
class JmhBenchSmokeTest {
  @Test
  void smokeRunReportsARateAndAnAllocationForEveryBenchmark() throws Exception {
    Path results = Files.createTempFile("jmh-results", ".tsv");
    Path stderr = Files.createTempFile("jmh-smoke", ".err");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), JmhBench.class.getName(), "--smoke", "--results", results.toString()));
    if (Runtime.version().feature() >= 24) {
      command.add(1, "--sun-misc-unsafe-memory-access=allow");
    }
    Process run = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    String table;
    try {
      table = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(run.waitFor(3, TimeUnit.MINUTES), "the smoke run did not finish");
    } finally {
      run.descendants().forEach(ProcessHandle::destroyForcibly); // JMH's forks
      run.destroyForcibly();
      run.waitFor(10, TimeUnit.SECONDS);
    }
    List<String> errors = Files.readAllLines(stderr);
    String diagnostics = table + "\n--- stderr ---\n"
        + String.join("\n", errors.subList(Math.max(0, errors.size() - 40), errors.size()));
    List<Results.Row> rows = Results.read(results);
    Files.deleteIfExists(stderr);
    Files.deleteIfExists(results);

    assertEquals(0, run.exitValue(), diagnostics);
    for (Map.Entry<String, JmhBench.Label> e : JmhBench.LABELS.entrySet()) {
      JmhBench.Label label = e.getValue();
      String prefix = String.format("%-60s  %-34s", label.topic(), label.impl());
      String row = table.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
      assertTrue(row != null, "no row for " + e.getKey() + "\n" + diagnostics);
      String[] numbers = row.substring(prefix.length()).strip().split("\\s+");
      assertTrue(Double.parseDouble(numbers[0]) > 0, "ops/s of " + row);
      assertTrue(Double.parseDouble(numbers[1]) >= 0, "B/op of " + row);
      for (String metric : List.of("ops/s", "B/op")) {
        assertTrue(rows.stream().anyMatch(r -> r.scenario().equals(label.topic()) && r.impl().equals(label.impl())
            && r.metric().equals(metric)), "a results row of " + metric + " for " + e.getKey());
      }
    }
  }
}
