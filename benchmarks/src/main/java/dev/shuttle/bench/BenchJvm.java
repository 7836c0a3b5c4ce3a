package dev.shuttle.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A benchmark program run as a JVM of its own, with the flags every server gets
 * ({@link GrpcBench#serverJvmFlags()}), optionally pinned to one CPU with {@code taskset}; its
 * stdout is read line by line as it comes, its stderr goes to a file.
 */
final class BenchJvm implements AutoCloseable {
  private final Process process;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<String> lines = new ArrayList<>();
  private boolean ended;

  private BenchJvm(Process process, Consumer<String> onLine) {
    this.process = process;
    Thread.ofPlatform().daemon().name("bench-jvm-stdout-" + process.pid()).start(() -> {
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          onLine.accept(line);
          lock.lock();
          try {
            lines.add(line);
            changed.signalAll();
          } finally {
            lock.unlock();
          }
        }
      } catch (IOException e) {
        // The process went away; ended below says so.
      } finally {
        lock.lock();
        try {
          ended = true;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    });
  }

  /**
   * Starts {@code main} with {@code args}; pinned to {@code cpu} unless it is null. Each stdout
   * line goes to {@code onLine} (on a reader thread) before {@link #awaitLine} sees it.
   */
  static BenchJvm start(String cpu, Class<?> main, List<String> args, Path stderr, Consumer<String> onLine)
      throws IOException {
    List<String> command = ChildJvm.command(cpu, List.of(), main, args);
    return new BenchJvm(new ProcessBuilder(command).redirectError(stderr.toFile()).start(), onLine);
  }

  /** The first line so far or within {@code seconds} that matches, or null (also when the JVM ended). */
  String awaitLine(Predicate<String> wanted, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    lock.lock();
    try {
      int seen = 0;
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (wanted.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        if (ended || left <= 0) {
          return null;
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the JVM to exit; its exit status, or null when it did not within {@code seconds}. */
  Integer awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
  }

  /** SIGTERM, for a program that stops cleanly on it. */
  void terminate() {
    process.destroy();
  }

  /** Kills the JVM if it still runs. */
  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
