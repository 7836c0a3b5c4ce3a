package dev.shuttle.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a benchmark program in a JVM of its own, the one way the suite builds it:
 * optionally pinned to one CPU with {@code taskset}, this JVM's {@code java}, the flags every
 * process of a run gets ({@link GrpcBench#serverJvmFlags()}) so that they differ in their code
 * only, then any flags of the caller's, this JVM's class path, the main class and its arguments.
 */
final class ChildJvm {
  private ChildJvm() {}

  /** The {@code taskset} prefix that pins a command to {@code cpu}; empty when {@code cpu} is null. */
  static List<String> pinnedTo(String cpu) {
    return cpu == null ? List.of() : List.of("taskset", "-c", cpu);
  }

  /** The java binary of this JVM, for child JVMs. */
  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code main} with {@code args} on this JVM's class path; {@code cpu} null leaves it unpinned. */
  static List<String> command(String cpu, List<String> extraJvmFlags, Class<?> main, List<String> args) {
    List<String> command = new ArrayList<>(pinnedTo(cpu));
    command.add(javaBinary());
    command.addAll(GrpcBench.serverJvmFlags());
    command.addAll(extraJvmFlags);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    return command;
  }
}
