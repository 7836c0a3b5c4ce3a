package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shuttle.bench.GreeterServer.Impl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the grpc_bench-style benchmark in --smoke mode as its own process, as bin/bench-grpc-bench
 * does, and checks that its table is complete. What the numbers are is never checked: only that
 * every server answered the gRPC check and got a positive rate at every setting.
 */
class GrpcBenchSmokeTest {
  @Test
  void smokeRunReportsEveryServerCheckedAndAPositiveRateAtEverySetting() throws Exception {
    assumeTrue(GrpcBench.onPath("h2load") != null,
        "h2load is not installed (apt-get install nghttp2-client; .ci/run installs it): skipping the benchmark smoke run");
    assumeTrue(GrpcBench.onPath("taskset") != null, "taskset is not installed: skipping the benchmark smoke run");

    Path results = Files.createTempFile("grpc-bench-smoke", ".tsv");
    BenchProcess.Outcome run = BenchProcess.run(GrpcBench.class, List.of("--smoke", "--results", results.toString()));
    String table = run.stdout();
    String diagnostics = run.diagnostics();

    assertEquals(0, run.exit(), diagnostics);
    for (Impl impl : Impl.values()) {
      String label = GrpcBench.label(impl);
      String row = table.lines().filter(l -> l.startsWith(label + " ")).findFirst().orElse(null);
      assertTrue(row != null, "no row for " + label + "\n" + diagnostics);
      String rest = row.substring(label.length()).strip();
      assertTrue(rest.startsWith("ok (grpc-status 0, name echoed)"), "gRPC check of " + label + ": " + row);
      String[] rates = rest.substring("ok (grpc-status 0, name echoed)".length()).strip().split("\\s+");
      assertEquals(GrpcBench.SETTINGS.size(), rates.length, "one rate per setting: " + row);
      for (String rate : rates) {
        assertTrue(Double.parseDouble(rate) > 0, "positive requests/s for " + label + ": " + row);
      }
    }
    assertTrue(table.contains("Shuttle / grpc-java (default executor)"), table);
    assertTrue(table.contains("Shuttle / grpc-java (directExecutor)"), table);

    List<Results.Row> rows = Results.read(results);
    Files.deleteIfExists(results);
    assertEquals(Impl.values().length * GrpcBench.SETTINGS.size(), rows.size(), "a results row per server and setting: " + rows);
    assertEquals(GrpcBench.SETTINGS.size(), Report.compare(rows).size(), "a comparison per setting: " + rows);
  }
}
