package dev.shuttle.bench;

import dev.shuttle.bench.Endpoints.EchoClient;
import dev.shuttle.bench.proto.Payload;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** The two measurements: sequential latency and closed-loop throughput. */
final class Measure {
  private Measure() {}

  record Latency(double meanMicros, double p50Micros, double p99Micros) {}

  /** Process-wide CPU and allocation include the server, which shares the JVM: per call, both halves. */
  record Throughput(double callsPerSecond, double cpuMicrosPerCall, double allocKibPerCall) {}

  /** Thrown when a call fails or echoes the wrong size: the numbers of that run would mean nothing. */
  static final class RunFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  static Payload checkedCall(EchoClient client, Payload request) {
    Payload response = client.call(request);
    if (response.getBody().size() != request.getBody().size()) {
      throw new IllegalStateException(
          "echo returned " + response.getBody().size() + " bytes for " + request.getBody().size());
    }
    return response;
  }

  /**
   * One caller, {@code calls} calls back to back after {@code warmupNanos} of the same. The caller
   * is a virtual thread, as in the throughput runs, so that one caller model holds throughout.
   */
  static Latency latency(EchoClient client, Payload request, long warmupNanos, int calls) {
    long[] nanos = new long[calls];
    runOnVirtualThread(
        () -> {
          long warmupEnd = System.nanoTime() + warmupNanos;
          while (System.nanoTime() - warmupEnd < 0) {
            checkedCall(client, request);
          }
          for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            checkedCall(client, request);
            nanos[i] = System.nanoTime() - start;
          }
        });
    double sum = 0;
    for (long n : nanos) {
      sum += n;
    }
    Arrays.sort(nanos);
    return new Latency(sum / calls / 1_000.0, percentile(nanos, 0.50) / 1_000.0, percentile(nanos, 0.99) / 1_000.0);
  }

  /** Nearest-rank percentile of sorted samples. */
  private static double percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /**
   * {@code concurrency} virtual threads call in a closed loop; the counters are read after the
   * warmup and again after the measured interval, so connection setup, thread start and the
   * ramp-up stay out of the numbers.
   */
  static Throughput throughput(
      EchoClient client, Payload request, int concurrency, long warmupNanos, long durationNanos)
      throws InterruptedException {
    LongAdder completed = new LongAdder();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    StopFlag stop = new StopFlag();
    List<Thread> callers = new ArrayList<>(concurrency);
    for (int i = 0; i < concurrency; i++) {
      callers.add(
          Thread.ofVirtual()
              .name("bench-caller-" + i)
              .start(
                  () -> {
                    try {
                      while (!stop.stopped) {
                        checkedCall(client, request);
                        completed.increment();
                      }
                    } catch (Throwable t) {
                      failure.compareAndSet(null, t);
                      stop.stopped = true;
                    }
                  }));
    }
    Thread.sleep(warmupNanos / 1_000_000);
    long calls0 = completed.sum();
    long cpu0 = OS.getProcessCpuTime();
    long alloc0 = THREADS.getTotalThreadAllocatedBytes();
    long t0 = System.nanoTime();
    Thread.sleep(durationNanos / 1_000_000);
    long calls1 = completed.sum();
    long cpu1 = OS.getProcessCpuTime();
    long alloc1 = THREADS.getTotalThreadAllocatedBytes();
    long t1 = System.nanoTime();
    stop.stopped = true;
    for (Thread caller : callers) {
      caller.join(30_000);
      if (caller.isAlive()) {
        throw new RunFailed("a caller did not finish its call within 30 s of the stop", null);
      }
    }
    Throwable t = failure.get();
    if (t != null) {
      throw new RunFailed("a call failed: " + t, t);
    }
    long calls = calls1 - calls0;
    if (calls <= 0) {
      throw new RunFailed("no call completed in the measured interval", null);
    }
    return new Throughput(
        calls * 1e9 / (t1 - t0), (cpu1 - cpu0) / 1_000.0 / calls, (alloc1 - alloc0) / 1024.0 / calls);
  }

  private static final class StopFlag {
    volatile boolean stopped;
  }

  private static void runOnVirtualThread(Runnable body) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread =
        Thread.ofVirtual()
            .name("bench-latency")
            .start(
                () -> {
                  try {
                    body.run();
                  } catch (Throwable t) {
                    failure.set(t);
                  }
                });
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailed("interrupted", e);
    }
    if (failure.get() != null) {
      throw new RunFailed("a call failed: " + failure.get(), failure.get());
    }
  }
}
