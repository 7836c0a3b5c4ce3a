package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shuttle.bench.GreeterServer.Impl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    Path stderr = Files.createTempFile("grpc-bench-tls-smoke", ".err");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(GrpcBench.serverJvmFlags());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), GrpcBench.class.getName(),
        "--smoke", "--tls"));
    Process bench = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    String table;
    int exit;
    try {
      table = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(bench.waitFor(3, TimeUnit.MINUTES), "the smoke run did not finish");
      exit = bench.exitValue();
    } finally {
      bench.descendants().forEach(ProcessHandle::destroyForcibly);
      bench.destroyForcibly();
      bench.waitFor(10, TimeUnit.SECONDS);
    }
    String diagnostics = table + "\n--- stderr ---\n" + tail(stderr);
    Files.deleteIfExists(stderr);

    assertEquals(0, exit, diagnostics);
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

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
