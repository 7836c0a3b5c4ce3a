package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shuttle.bench.FootprintBench.Heap;
import dev.shuttle.bench.GreeterServer.Impl;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the footprint benchmark in --smoke mode as its own process, as bin/bench-footprint does,
 * once the module is packaged (it starts the seed servers from examples/target and
 * benchmarks/target/lib), and checks that every measurement produced a positive number. What the
 * numbers are is never checked.
 */
class FootprintBenchIT {
  @Test
  void smokeRunMeasuresRssOfEveryServerAtBothHeapsAColdStartOfBothStacksAndTheirJars() throws Exception {
    assumeTrue(GrpcBench.onPath("h2load") != null,
        "h2load is not installed (apt-get install nghttp2-client): skipping the footprint smoke run");
    assumeTrue(GrpcBench.onPath("taskset") != null, "taskset is not installed: skipping the footprint smoke run");

    BenchProcess.Outcome run = BenchProcess.run(FootprintBench.class, List.of("--smoke"));
    assertEquals(0, run.exit(), run.diagnostics());
    List<String> lines = run.stdout().lines().toList();
    for (Heap heap : Heap.values()) {
      for (Impl impl : Impl.values()) {
        String prefix = String.format("%-30s  %-12s", GrpcBench.label(impl), heap.label);
        String row = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
        assertTrue(row != null, "no RSS row for " + prefix.strip() + "\n" + run.diagnostics());
        for (String number : row.substring(prefix.length()).strip().split("\\s+")) {
          assertTrue(Double.parseDouble(number) > 0, "positive idle, under load, peak RSS and rate: " + row);
        }
      }
    }
    for (String stack : List.of("Shuttle", "grpc-java")) {
      String start = lines.stream().filter(l -> l.matches(stack + " +\\d+ +\\d+")).findFirst().orElse(null);
      assertTrue(start != null, "no cold start of " + stack + "\n" + run.diagnostics());
      String jars = lines.stream().filter(l -> l.matches(stack + " +\\d+ +\\d+\\.\\d+")).findFirst().orElse(null);
      assertTrue(jars != null, "no runtime jars of " + stack + "\n" + run.diagnostics());
      String[] f = jars.split("\\s+");
      assertTrue(Integer.parseInt(f[f.length - 2]) > 0 && Double.parseDouble(f[f.length - 1]) > 0, jars);
    }
  }
}
