package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.bench.ClientLoad.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the client-side benchmark in --smoke mode as its own process, as bin/bench-client does,
 * and checks that its table is complete: every client at every setting made calls and has
 * latencies. What the numbers are is never checked.
 */
class ClientBenchSmokeTest {
  @Test
  void smokeRunReportsPositiveCallRatesAndLatenciesForEveryClientAtEverySetting() throws Exception {
    BenchProcess.Outcome run = BenchProcess.run(ClientBench.class, List.of("--smoke"));
    assertEquals(0, run.exit(), run.diagnostics());
    String table = run.stdout();
    assertTrue(table.contains("gRPC check of the server: ok"), run.diagnostics());
    for (String threads : List.of("virtual", "platform")) {
      for (int callers : List.of(1, 16, 64)) {
        String setting = new ClientBench.Setting(threads, callers).label();
        for (Kind kind : Kind.values()) {
          String prefix = String.format("%-34s  %-40s", setting, kind.label);
          String row = table.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
          assertTrue(row != null, "no row for " + prefix.strip() + "\n" + run.diagnostics());
          String[] numbers = row.substring(prefix.length()).strip().split("\\s+");
          assertTrue(Double.parseDouble(numbers[0]) > 0, "calls/s of " + row);
          assertTrue(Double.parseDouble(numbers[2]) > 0, "p99 of " + row);
        }
      }
    }
    assertTrue(table.contains("Shuttle / grpc-java"), table);
  }
}
