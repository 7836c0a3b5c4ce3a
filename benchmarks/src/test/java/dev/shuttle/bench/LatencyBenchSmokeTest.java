package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shuttle.bench.GreeterServer.Impl;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs bin/bench-latency's program in --smoke mode and checks that its table is complete: every
 * server has its closed-loop peak and every open-loop level, with positive percentiles and no
 * failed call. What the numbers are is never checked.
 */
class LatencyBenchSmokeTest {
  @Test
  void smokeRunReportsEveryServerAtEveryLoadLevelWithoutFailedCalls() throws Exception {
    assumeTrue(Runtime.getRuntime().availableProcessors() < 2 || GrpcBench.onPath("taskset") != null,
        "taskset is not installed: skipping the latency smoke run");
    SmokeRun run = SmokeRun.of(LatencyBench.class);
    assertEquals(0, run.exit(), run.diagnostics());
    for (Impl impl : Impl.values()) {
      for (String load : List.of(LatencyBench.PEAK, LatencyBench.HALF, LatencyBench.NINETY, LatencyBench.NINETY_OWN)) {
        String[] numbers = run.numbersAfter(String.format("%-30s  %-24s", GrpcBench.label(impl), load));
        assertNotNull(numbers, "no row for " + GrpcBench.label(impl) + " at " + load + "\n" + run.diagnostics());
        // offered/s ("-" for the closed loop), achieved/s, p50, p99, p99.9, max, errors, lag99[, saturated]
        assertTrue(numbers.length >= 8, String.join(" ", numbers));
        if (!load.equals(LatencyBench.PEAK)) {
          assertTrue(Double.parseDouble(numbers[0]) > 0, "offered rate of " + impl + " at " + load);
        }
        // A cold, crowded smoke run may complete nothing inside a half-second window (achieved 0),
        // but every call due in it has a latency, even one never sent.
        assertTrue(Double.parseDouble(numbers[1]) >= 0, "achieved rate of " + impl + " at " + load);
        for (int i = 2; i <= 5; i++) {
          assertTrue(Double.parseDouble(numbers[i]) > 0, "positive percentiles for " + impl + " at " + load + ": "
              + String.join(" ", numbers));
        }
        assertEquals("0", numbers[6], "failed calls of " + impl + " at " + load);
      }
    }
    assertTrue(run.table().contains("Shuttle / grpc-java (default executor)"), run.table());
    assertTrue(run.table().contains("Shuttle / grpc-java (directExecutor)"), run.table());
    assertTrue(run.table().contains("(target p99 <= 0.5)"), run.table());
  }
}
