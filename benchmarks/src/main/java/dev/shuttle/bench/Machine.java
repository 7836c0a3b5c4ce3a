package dev.shuttle.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the table's machine line says: cores, CPU model, JVM. */
final class Machine {
  private Machine() {}

  /** Whether there are CPUs enough to pin the server to CPU 0 and its load to CPU 1. */
  static boolean canPin() {
    return Runtime.getRuntime().availableProcessors() >= 2 && GrpcBench.onPath("taskset") != null;
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
