package dev.shuttle.bench;

import java.nio.file.Path;
import java.util.Set;

/**
 * The flags the latency benchmarks share: {@code --duration-seconds N}, {@code --warmup-seconds N},
 * {@code --smoke}, {@code --results FILE} and {@code --help}, as {@code --flag value} or
 * {@code --flag=value}.
 */
record BenchArgs(int durationSeconds, int warmupSeconds, boolean smoke, Path resultsFile) {
  /** The options, or null when help was asked for; a usage error is an IllegalArgumentException. */
  static BenchArgs parse(String[] argv, int defaultDuration, int defaultWarmup) {
    Args args = Args.parse(argv, Set.of("--help", "--smoke"), Set.of("--results", "--duration-seconds", "--warmup-seconds"));
    if (args.has("--help")) {
      return null;
    }
    return new BenchArgs(args.intAtLeast("--duration-seconds", defaultDuration, 1),
        args.intAtLeast("--warmup-seconds", defaultWarmup, 0), args.has("--smoke"), args.path("--results"));
  }
}
