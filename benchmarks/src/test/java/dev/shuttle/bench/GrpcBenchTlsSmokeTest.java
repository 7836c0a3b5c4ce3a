package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shuttle.bench.GreeterServer.Impl;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bin/bench-grpc-bench --tls --smoke as its own process: every server serves TLS, answers the gRPC
 * check over it, gets a positive rate from h2load at every setting, and the table says which TLS
 * provider each server ran on and what h2load negotiated. The numbers themselves are never checked.
 */
class GrpcBenchTlsSmokeTest {
  private static final String CHECK_OK = "ok (grpc-status 0, name echoed)";

  @Test
  void tlsSmokeRunChecksEveryServerOverTlsAndSaysWhichProviderServed() throws Exception {
    assumeTrue(GrpcBench.onPath("h2load") != null,
        "h2load is not installed (apt-get install nghttp2-client): skipping the benchmark smoke run");
    assumeTrue(GrpcBench.onPath("taskset") != null, "taskset is not installed: skipping the benchmark smoke run");

    BenchProcess.Outcome run = BenchProcess.run(GrpcBench.class, List.of("--smoke", "--tls"));
    String table = run.stdout();
    String diagnostics = run.diagnostics();

    assertEquals(0, run.exit(), diagnostics);
    assertTrue(table.lines().findFirst().orElse("").endsWith("over TLS"), diagnostics);
    for (Impl impl : Impl.values()) {
      String label = GrpcBench.label(impl);
      String row = table.lines().filter(l -> l.startsWith(label + " ")).findFirst().orElse("");
      String rest = row.substring(Math.min(row.length(), label.length())).strip();
      assertTrue(rest.startsWith(CHECK_OK), "gRPC check over TLS of " + label + ": " + row + "\n" + diagnostics);
      String[] rates = rest.substring(CHECK_OK.length()).strip().split("\\s+");
      assertEquals(GrpcBench.SETTINGS.size(), rates.length, "one rate per setting: " + row);
      for (String rate : rates) {
        assertTrue(Double.parseDouble(rate) > 0, "positive requests/s for " + label + ": " + row);
      }
      String tls = table.lines().filter(l -> l.startsWith("TLS " + label + ":")).findFirst().orElse("");
      assertTrue(tls.contains("server TLS via ") && tls.contains("h2load negotiated TLSv1."),
          "TLS line of " + label + ": " + tls + "\n" + diagnostics);
    }
  }
}
