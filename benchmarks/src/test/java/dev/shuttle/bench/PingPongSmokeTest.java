package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shuttle.bench.GreeterServer.Impl;
import dev.shuttle.bench.PingPong.ClientKind;
import org.junit.jupiter.api.Test;

/**
 * Runs bin/bench-ping-pong's program in --smoke mode and checks that every client/server pair has
 * positive calls/s and percentiles for every message. What the numbers are is never checked.
 */
class PingPongSmokeTest {
  @Test
  void smokeRunReportsEveryPairForEveryMessage() throws Exception {
    assumeTrue(Runtime.getRuntime().availableProcessors() < 2 || GrpcBench.onPath("taskset") != null,
        "taskset is not installed: skipping the ping-pong smoke run");
    SmokeRun run = SmokeRun.of(PingPong.class);
    assertEquals(0, run.exit(), run.diagnostics());
    for (Impl server : PingPong.SERVERS) {
      for (ClientKind client : ClientKind.values()) {
        String pair = client.label + " -> " + GrpcBench.label(server);
        for (String message : PingPong.MESSAGES.values()) {
          String[] numbers = run.numbersAfter(String.format("%-44s  %-24s", pair, message));
          assertNotNull(numbers, "no row for " + pair + ", " + message + "\n" + run.diagnostics());
          assertEquals(5, numbers.length, "calls/s, p50, p99, p99.9, max: " + String.join(" ", numbers));
          for (String number : numbers) {
            assertTrue(Double.parseDouble(number) > 0, pair + ", " + message + ": " + String.join(" ", numbers));
          }
        }
      }
    }
    assertTrue(run.table().contains("Shuttle -> Shuttle / grpc-java -> grpc-java (directExecutor)"), run.table());
  }
}
