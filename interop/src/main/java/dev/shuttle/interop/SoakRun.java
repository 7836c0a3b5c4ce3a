package dev.shuttle.interop;

import static dev.shuttle.interop.InteropCases.check;
import static dev.shuttle.interop.InteropCases.checkZeros;
import static dev.shuttle.interop.InteropCases.describe;
import static dev.shuttle.interop.InteropCases.zeros;

import dev.shuttle.Channel;
import dev.shuttle.Deadline;
import dev.shuttle.StatusException;
import dev.shuttle.interop.proto.SimpleRequest;
import dev.shuttle.interop.proto.SimpleResponse;
import dev.shuttle.interop.proto.TestServiceClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/** One run of rpc_soak or channel_soak: its threads, their iterations, and what they found. */
final class SoakRun {
  private final SoakSettings settings;
  private final Channel shared;
  private final Supplier<Channel> fresh; // null: every iteration on the shared channel
  private final Deadline deadline;

  SoakRun(SoakSettings settings, Channel shared, Supplier<Channel> fresh) {
    this.settings = settings;
    this.shared = shared;
    this.fresh = fresh;
    this.deadline = Deadline.after(settings.overallTimeout());
  }

  /** What one thread did: how many iterations it ran and why each failed one failed. */
  private record ThreadResult(int done, List<String> failures) {}

  void run() throws Exception {
    int perThread = settings.iterations() / settings.threads();
    List<ThreadResult> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<ThreadResult>> running = new ArrayList<>();
      for (int t = 0; t < settings.threads(); t++) {
        running.add(threads.submit(() -> iterate(perThread)));
      }
      for (Future<ThreadResult> result : running) {
        results.add(result.get());
      }
    }
    int done = 0;
    List<String> failures = new ArrayList<>();
    for (ThreadResult result : results) {
      done += result.done();
      failures.addAll(result.failures());
    }
    check(
        done == settings.iterations(),
        "only %d of %d iterations ran in the %d s allowed (--soak_overall_timeout_seconds)",
        done, settings.iterations(), settings.overallTimeout().toSeconds());
    check(
        failures.size() <= settings.maxFailures(),
        "%d of %d iterations failed, more than the %d allowed: %s",
        failures.size(), done, settings.maxFailures(), String.join("; ", failures.subList(0, Math.min(5, failures.size()))));
  }

  private ThreadResult iterate(int iterations) throws InterruptedException {
    SimpleRequest request =
        SimpleRequest.newBuilder()
            .setResponseSize(settings.responseSize())
            .setPayload(zeros(settings.requestSize()))
            .build();
    List<String> failures = new ArrayList<>();
    int done = 0;
    for (int i = 0; i < iterations && !deadline.isExpired(); i++) {
      long earliestNext = System.nanoTime() + settings.minTimeBetweenCalls().toNanos();
      Channel channel = fresh == null ? shared : fresh.get();
      long start = System.nanoTime();
      String failure = null;
      try {
        SimpleResponse response = TestServiceClient.of(channel).withDeadline(deadline).unaryCall(request);
        checkZeros("the response", response.getPayload(), settings.responseSize());
      } catch (StatusException | InteropCaseFailure e) {
        failure = e instanceof StatusException s ? describe(s) : e.getMessage();
      } finally {
        if (channel != shared) {
          channel.close();
        }
      }
      Duration latency = Duration.ofNanos(System.nanoTime() - start);
      if (failure == null && latency.compareTo(settings.maxAcceptableLatency()) > 0) {
        failure = "took " + latency.toMillis() + " ms, more than the " + settings.maxAcceptableLatency().toMillis() + " ms allowed";
      }
      if (failure != null) {
        failures.add("iteration " + i + ": " + failure);
      }
      done++;
      long wait = earliestNext - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(Duration.ofNanos(wait));
      }
    }
    return new ThreadResult(done, failures);
  }
}

// ---------------------------------------------------------------------------------------------
// Requests and checks.
