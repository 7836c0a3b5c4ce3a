package dev.shuttle.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the table's machine line says: cores, CPU model, JVM. */
final class Machine {
  private Machine() {}

  /** Whether there are CPUs enough to pin the server to CPU 0 and its load to CPU 1. */
  static boolean canPin() {
    return Runtime.getRuntime().availableProcessors() >= 2 && GrpcBench.onPath("taskset") != null;
  }

  /**
   * Whether a benchmark pins its processes: it does with two CPUs or more, and then needs
   * {@code taskset}. Null, after {@code program} says so on {@code err}, when taskset is missing
   * (the benchmark then exits 3).
   */
  static Boolean pinning(String program, PrintStream err) {
    boolean pin = Runtime.getRuntime().availableProcessors() >= 2;
    if (pin && GrpcBench.onPath("taskset") == null) {
      err.println(program + ": taskset is not on PATH (apt-get install util-linux)");
      return null;
    }
    return pin;
  }

  /** "2 cores (CPU model), JVM name version". */
  static String describe() {
    return Runtime.getRuntime().availableProcessors() + " cores (" + cpuModel() + "), "
        + System.getProperty("java.vm.name") + " " + Runtime.version();
  }

  static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }
}
