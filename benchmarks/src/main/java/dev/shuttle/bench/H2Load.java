package dev.shuttle.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One h2load run of benchmark 1's workload (a pre-encoded {@code SayHello} of a 100-byte name),
 * with a callback every {@link #SAMPLE_MILLIS} while it runs so that the caller can watch the
 * server meanwhile (its RSS, say). Any request that did not succeed fails the run: h2load counts
 * HTTP statuses, so the server must have passed a real gRPC check before.
 */
final class H2Load {
  static final long SAMPLE_MILLIS = 200;

  private static final Pattern FINISHED = Pattern.compile("finished in [^,]+, ([0-9.]+) req/s");
  private static final Pattern REQUESTS = Pattern.compile(
      "requests: (\\d+) total, \\d+ started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored");

  private H2Load() {}

  /** What h2load reported for the measured part. */
  record Outcome(double requestsPerSecond, long succeeded) {}

  /**
   * Runs h2load ({@code cpu}: pinned there, null: not) for {@code warmupSeconds} then
   * {@code durationSeconds}; {@code sample} gets the nanoseconds since h2load started, every
   * {@link #SAMPLE_MILLIS} until it ends.
   *
   * @throws IOException when h2load fails or any request did not succeed
   */
  static Outcome run(int port, int clients, int streams, int warmupSeconds, int durationSeconds, String cpu,
      LongConsumer sample) throws IOException, InterruptedException {
    Path body = Files.createTempFile("greeter-request", ".grpc");
    Path output = Files.createTempFile("h2load", ".out");
    try {
      Files.write(body, GrpcBench.grpcFrame(
          dev.shuttle.bench.helloworld.HelloRequest.newBuilder().setName(GrpcBench.NAME).build().toByteArray()));
      List<String> command = new ArrayList<>(ChildJvm.pinnedTo(cpu));
      command.addAll(List.of("h2load", "-c", String.valueOf(clients), "-m", String.valueOf(streams),
          "-D", String.valueOf(durationSeconds)));
      if (warmupSeconds > 0) {
        command.add("--warm-up-time=" + warmupSeconds);
      }
      command.addAll(List.of("-d", body.toString(), "-H", "content-type: application/grpc", "-H", "te: trailers",
          "http://127.0.0.1:" + port + "/helloworld.Greeter/SayHello"));
      long start = System.nanoTime();
      Process h2load = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      try {
        long limit = TimeUnit.SECONDS.toNanos(warmupSeconds + durationSeconds + 60L);
        while (!h2load.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
          long elapsed = System.nanoTime() - start;
          if (elapsed > limit) {
            throw new IOException("h2load did not finish");
          }
          sample.accept(elapsed);
        }
      } finally {
        h2load.destroyForcibly();
        h2load.waitFor(10, TimeUnit.SECONDS);
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      Matcher finished = FINISHED.matcher(text);
      Matcher requests = REQUESTS.matcher(text);
      if (h2load.exitValue() != 0 || !finished.find() || !requests.find()) {
        throw new IOException("h2load exited " + h2load.exitValue() + ": " + lastLines(text));
      }
      long succeeded = Long.parseLong(requests.group(3));
      long failed = Long.parseLong(requests.group(4)) + Long.parseLong(requests.group(5));
      if (failed > 0 || succeeded == 0) {
        throw new IOException(succeeded + " requests succeeded, " + failed + " failed or errored");
      }
      return new Outcome(Double.parseDouble(finished.group(1)), succeeded);
    } finally {
      Files.deleteIfExists(body);
      Files.deleteIfExists(output);
    }
  }

  private static String lastLines(String output) {
    String[] lines = output.strip().split("\n");
    return String.join(" / ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
  }
}
