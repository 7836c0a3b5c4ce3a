package dev.shuttle.bench;

import dev.shuttle.Channel;
import dev.shuttle.StatusException;
import dev.shuttle.bench.GreeterServer.Impl;
import dev.shuttle.bench.helloworld.GreeterClient;
import dev.shuttle.bench.helloworld.HelloReply;
import dev.shuttle.bench.helloworld.HelloRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Greeter server ({@link GreeterServer}) running as a JVM of its own, as the benchmarks that
 * drive a server from outside start it: optionally pinned to one CPU, its stderr in a log file
 * kept only when something went wrong, and what {@code /proc} says about it (CPU time, RSS).
 *
 * <pre>{@code
 * try (ServerProcess server = ServerProcess.startGreeter(Impl.SHUTTLE, flags, "0")) {
 *   String check = server.check(); // "ok ..." after one verified call
 *   ...
 *   server.stop(problems);
 * }
 * }</pre>
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  final Process process;
  final int port;
  private final Path log;
  private boolean keepLog;

  private ServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts {@code impl}'s Greeter on a free port with {@code jvmFlags} on this JVM's classpath,
   * pinned to {@code cpu} (null: not pinned), and waits for its listening line.
   */
  static ServerProcess startGreeter(Impl impl, List<String> jvmFlags, String cpu) throws IOException {
    List<String> command = new ArrayList<>(ChildJvm.pinnedTo(cpu));
    command.add(ChildJvm.javaBinary());
    command.addAll(jvmFlags);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), GreeterServer.class.getName(),
        "--port=0", "--impl=" + impl.flag));
    return start(command, "greeter-server-" + impl.flag);
  }

  /** Starts {@code command}, a server that prints {@code listening on 127.0.0.1:PORT} when ready. */
  static ServerProcess start(List<String> command, String name) throws IOException {
    // grpc-java logs every stream a load generator abandons when its run ends: that goes to a
    // file, not into the benchmark's progress.
    Path log = Files.createTempFile(name + "-", ".log");
    Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    try {
      return new ServerProcess(process, awaitListening(process), log);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw new IOException(e.getMessage() + " (server log: " + log + ")", e);
    }
  }

  /** Reads the server's stdout until its listening line; the rest is drained so it never blocks. */
  private static int awaitListening(Process server) throws IOException {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("server-stdout").start(() -> {
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new IOException("server exited before listening"));
    });
    try {
      return port.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("server printed no listening line within 60 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the server");
    }
  }

  /** One real SayHello: "ok ..." when the status is OK and the reply greets the name sent. */
  String check() {
    try (Channel channel = Channel.plaintext("127.0.0.1:" + port)) {
      HelloReply reply =
          GreeterClient.of(channel).sayHello(HelloRequest.newBuilder().setName(GrpcBench.NAME).build());
      if (reply.getMessage().equals(GreeterServer.greeting(GrpcBench.NAME))) {
        return "ok (grpc-status 0, name echoed)";
      }
      keepLog = true;
      return "failed: wrong reply";
    } catch (StatusException e) {
      keepLog = true;
      return "failed: grpc-status " + e.status().code().value() + " " + e.status().code();
    } catch (RuntimeException e) {
      keepLog = true;
      return "failed: " + e;
    }
  }

  /** User plus system CPU time the server has used so far, in nanoseconds; -1 when unknown. */
  long cpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
      return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Linux reports process times in USER_HZ, 100 on every architecture the JDK runs on. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  /** A {@code /proc/PID/status} field in KiB ({@code VmRSS}, {@code VmHWM}); -1 when unknown. */
  long statusKib(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process is gone
    }
    return -1;
  }

  /**
   * Stops the server with SIGTERM and waits for it; what went wrong (no stop, an exit status
   * other than 0) is added to {@code problems}.
   */
  void stop(List<String> problems) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      problems.add("server did not stop within 20 s of SIGTERM");
      keepLog = true;
    } else if (process.exitValue() != 0) {
      problems.add("server exited " + process.exitValue() + " on SIGTERM");
      keepLog = true;
    }
  }

  /** Keeps the server's log file after {@link #close} (whoever calls this names it in a problem). */
  void keepLog() {
    keepLog = true;
  }

  Path log() {
    return log;
  }

  /** Kills the server if it still runs, and deletes its log unless something went wrong. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      if (!keepLog) {
        Files.deleteIfExists(log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // a temporary file left behind
    }
  }
}
