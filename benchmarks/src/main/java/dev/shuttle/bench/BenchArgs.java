package dev.shuttle.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The flags the latency benchmarks share: {@code --duration-seconds N}, {@code --warmup-seconds N},
 * {@code --smoke}, {@code --results FILE} and {@code --help}, as {@code --flag value} or
 * {@code --flag=value}.
 */
record BenchArgs(int durationSeconds, int warmupSeconds, boolean smoke, Path resultsFile) {
  /** The options, or null when help was asked for; a usage error is an IllegalArgumentException. */
  static BenchArgs parse(String[] args, int defaultDuration, int defaultWarmup) {
    int duration = defaultDuration;
    int warmup = defaultWarmup;
    boolean smoke = false;
    Path resultsFile = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "-h", "--help" -> {
          return null;
        }
        case "--smoke" -> smoke = true;
        case "--results" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(arg + " needs a file");
            }
            value = args[++i];
          }
          resultsFile = Path.of(value);
        }
        case "--duration-seconds", "--warmup-seconds" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(arg + " needs a value");
            }
            value = args[++i];
          }
          int seconds;
          try {
            seconds = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(arg + " takes whole seconds, got " + value, e);
          }
          if (seconds < 0 || (seconds == 0 && arg.equals("--duration-seconds"))) {
            throw new IllegalArgumentException(arg + " must be " + (seconds < 0 ? ">= 0" : "positive"));
          }
          if (arg.equals("--duration-seconds")) {
            duration = seconds;
          } else {
            warmup = seconds;
          }
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    return new BenchArgs(duration, warmup, smoke, resultsFile);
  }

  /** The first model name in /proc/cpuinfo, for the table's machine line. */
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
