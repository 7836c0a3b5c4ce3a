package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs bin/bench-streaming's program in --smoke mode as its own process, in cleartext and over
 * TLS, and checks that its tables are complete: every pair passed every scenario's check (counts,
 * sizes, contents, status OK) and has a positive rate for each. What the numbers are is never
 * checked.
 */
class StreamingBenchSmokeTest {
  private static final List<StreamingBench.Pair> COMPARED =
      List.of(StreamingBench.Pair.SHUTTLE, StreamingBench.Pair.GRPC_DEFAULT, StreamingBench.Pair.GRPC_DIRECT);

  @Test
  void smokeRunChecksAndMeasuresEveryScenarioOnEveryPair() throws Exception {
    assumeTaskset();
    String table = runSmoke(List.of("--smoke"));
    StreamingBench.Options options = StreamingBench.parse(new String[] {"--smoke"});
    assertEquals(COMPARED, options.pairs());
    assertComplete(table, options.scenarios(), COMPARED);
    assertTrue(table.contains("Shuttle / grpc-java"), table);
  }

  @Test
  void tlsSmokeRunServesEveryPairOverTlsAndSaysOnWhat() throws Exception {
    assumeTaskset();
    // One large size, Shuttle against grpc-java's directExecutor: TLS on both stacks, both ways.
    List<String> args = List.of("--smoke", "--tls", "--sizes=65536", "--streams=0", "--pairs=shuttle,grpc-direct");
    List<StreamingBench.Pair> pairs = List.of(StreamingBench.Pair.SHUTTLE, StreamingBench.Pair.GRPC_DIRECT);
    String table = runSmoke(args);
    assertComplete(table, StreamingBench.parse(args.toArray(String[]::new)).scenarios(), pairs);
    assertTrue(table.startsWith("Streaming throughput over TLS"), table);
    for (StreamingBench.Pair pair : pairs) {
      String line = table.lines().filter(l -> l.startsWith("TLS " + pair.column + " ")).findFirst().orElse("");
      assertTrue(line.contains("server TLS via ") && line.contains("client TLS via ")
          && line.contains("negotiated TLSv1."), "TLS line of " + pair.column + ": " + line + "\n" + table);
    }
  }

  private static void assumeTaskset() {
    assumeTrue(Runtime.getRuntime().availableProcessors() < 2 || GrpcBench.onPath("taskset") != null,
        "taskset is not installed: skipping the benchmark smoke run");
  }

  private static void assertComplete(String table, List<StreamScenario> scenarios, List<StreamingBench.Pair> pairs) {
    for (StreamingBench.Pair pair : pairs) {
      assertTrue(table.lines().anyMatch(l -> l.startsWith("check " + pair.column + " ")
          && l.contains("ok (" + scenarios.size() + " scenarios")), "check of " + pair.column + "\n" + table);
    }
    for (String metric : List.of("messages/s", "MB/s")) {
      List<String> lines = table.lines().toList();
      int header = lines.indexOf(lines.stream().filter(l -> l.startsWith(metric + " ")).findFirst().orElse(""));
      assertTrue(header >= 0, "no " + metric + " table\n" + table);
      for (StreamScenario s : scenarios) {
        String row = lines.subList(header + 1, lines.size()).stream()
            .filter(l -> l.startsWith(s.label() + "  ")).findFirst().orElse(null);
        assertTrue(row != null, "no " + metric + " row for " + s.label() + "\n" + table);
        String[] cells = row.substring(s.label().length()).strip().split("\\s+");
        assertEquals(pairs.size(), cells.length, "one " + metric + " per pair: " + row);
        for (String cell : cells) {
          assertTrue(Double.parseDouble(cell) > 0, "positive " + metric + ": " + row);
        }
      }
    }
  }

  /** The benchmark's stdout; it must exit 0. */
  private static String runSmoke(List<String> args) throws Exception {
    BenchProcess.Outcome run = BenchProcess.run(StreamingBench.class, args);
    assertEquals(0, run.exit(), run.diagnostics());
    return run.stdout();
  }
}
