package dev.shuttle.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shuttle.CallOptions;
import dev.shuttle.Channel;
import dev.shuttle.ClientStreamingCall;
import dev.shuttle.ResponseStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A well-behaved client on a connection of its own (a Shuttle {@link Channel}), calling the
 * target in a loop while an attack runs: every call must succeed with the right answer. Tests
 * wait for it to complete calls while the attack is under way, so that "served during the attack"
 * is shown, not assumed.
 */
final class Neighbour implements AutoCloseable {
  private static final CallOptions OPTIONS = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30));
  private static final Duration WAIT = Duration.ofSeconds(90);

  /** The calls it makes, in turn. */
  enum Call {
    ECHO,
    COLLECT,
    DOWNLOAD
  }

  private final Channel channel;
  private final List<Call> calls;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition progressed = lock.newCondition();
  private final AtomicInteger sequence = new AtomicInteger();
  // Guarded by lock.
  private int succeeded;
  private final List<Throwable> failures = new ArrayList<>();
  private volatile boolean stopping;
  private Thread loop;

  Neighbour(int port, Call... calls) {
    this.channel = Channel.plaintext("127.0.0.1:" + port);
    this.calls = calls.length == 0 ? List.of(Call.ECHO) : List.of(calls);
  }

  /** Makes one call of each kind now, on this thread; they must succeed. */
  Neighbour callEachOnce() {
    for (Call call : calls) {
      call(call);
    }
    return this;
  }

  /** Starts calling in a loop on a thread of its own. */
  Neighbour start() {
    loop = Thread.ofPlatform().daemon().name("neighbour").start(this::run);
    return this;
  }

  private void run() {
    int i = 0;
    while (!stopping) {
      Call call = calls.get(i++ % calls.size());
      try {
        call(call);
        lock.lock();
        try {
          succeeded++;
          progressed.signalAll();
        } finally {
          lock.unlock();
        }
        Thread.sleep(5); // a steady trickle of calls, not a load of our own
      } catch (InterruptedException e) {
        return;
      } catch (Throwable t) {
        lock.lock();
        try {
          failures.add(new AssertionError("the neighbour's " + call + " call failed during the attack", t));
          progressed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }

  private void call(Call call) {
    int n = sequence.incrementAndGet();
    switch (call) {
      case ECHO -> assertEquals("echo:n" + n, channel.unaryCall(TargetMethods.ECHO, "n" + n, OPTIONS));
      case COLLECT -> {
        try (ClientStreamingCall<String, String> c = channel.clientStreamingCall(TargetMethods.COLLECT, OPTIONS)) {
          for (int i = 0; i < 3; i++) {
            c.send("part" + i + "-" + n);
          }
          String expected = "3:" + (3 * ("part0-" + n).length());
          assertEquals(expected, c.finish());
        }
      }
      case DOWNLOAD -> {
        int count = 0;
        try (ResponseStream<Integer> s = channel.serverStreamingCall(TargetMethods.DOWNLOAD, "4:262144", OPTIONS)) {
          for (Integer size : s) {
            assertEquals(262_144, size);
            count++;
          }
        }
        assertEquals(4, count, "messages downloaded");
      }
    }
  }

  /** Calls that succeeded so far. */
  int succeeded() {
    lock.lock();
    try {
      return succeeded;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until {@code n} more calls have succeeded from now on; fails at once if one failed,
   * or if none complete for a long time (the server is wedged).
   */
  void awaitMoreCalls(int n) throws InterruptedException {
    lock.lock();
    try {
      int target = succeeded + n;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (succeeded < target && failures.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "the neighbour completed only " + (succeeded - target + n) + " of " + n + " calls within " + WAIT);
        }
        progressed.awaitNanos(left);
      }
      throwFailures();
    } finally {
      lock.unlock();
    }
  }

  /** Guarded by lock. */
  private void throwFailures() {
    if (!failures.isEmpty()) {
      AssertionError error = new AssertionError(failures.size() + " neighbour call(s) failed; first: " + failures.get(0), failures.get(0));
      failures.stream().skip(1).limit(3).forEach(error::addSuppressed);
      throw error;
    }
  }

  /** Stops the loop (letting the current call finish) and fails if any call failed. */
  void stop() throws InterruptedException {
    stopping = true;
    if (loop != null) {
      loop.join(WAIT.toMillis());
      if (loop.isAlive()) {
        loop.interrupt();
        throw new AssertionError("the neighbour's last call did not finish within " + WAIT);
      }
      loop = null;
    }
    lock.lock();
    try {
      throwFailures();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    stopping = true;
    if (loop != null) {
      loop.interrupt();
    }
    channel.close();
  }
}
