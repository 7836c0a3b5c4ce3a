package dev.shuttle.attack;

import static dev.shuttle.attack.RawFrames.CANCEL;
import static dev.shuttle.attack.RawFrames.HEADERS;
import static dev.shuttle.attack.RawFrames.NO_ERROR;
import static dev.shuttle.attack.RawFrames.RST_STREAM;
import static dev.shuttle.attack.RawFrames.STREAM_CLOSED;
import static dev.shuttle.attack.TargetProcess.mib;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shuttle.Server;
import dev.shuttle.attack.TargetProcess.Stats;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * 20 connections × 200 streams × a 4 MiB message each, all sent but for its last byte: 16 GiB
 * announced to a server with a 256 MiB heap. What the server holds of them is bounded by its
 * request-buffer budget, which is set small here so the numbers are known: a connection holds at
 * most {@value #PER_CONNECTION} bytes, the server at most {@value #TOTAL} plus
 * {@value #MIN_PER_CONNECTION} per connection. Calls that do not fit get RESOURCE_EXHAUSTED.
 */
class AttackPartialMessagesTest {
  static final long TOTAL = 32L << 20;
  static final long PER_CONNECTION = 8L << 20;
  static final long MIN_PER_CONNECTION = 64L << 10;
  private static final int MESSAGE = 4 << 20;
  private static final int STREAMS = 200;
  private static final long HEAP_MARGIN = 8L << 20;
  private static final Duration RECOVERY = Duration.ofSeconds(60);

  private TargetProcess target;
  private Neighbour neighbour;
  private final List<PartialMessageAttacker> attackers = new ArrayList<>();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void tearDown() throws Exception {
    attackers.forEach(PartialMessageAttacker::close);
    threads.shutdownNow();
    if (neighbour != null) {
      neighbour.close();
    }
    if (target != null) {
      target.close();
    }
  }

  @Test
  void partialMessagesAreBoundedPerConnectionAndPerServerAndFreedWhenTheAttackerLeaves() throws Exception {
    startTarget();
    Stats baseline = target.stats();
    neighbour.start();

    // One connection: only the per-connection limit binds.
    attack(1, TargetMethods.ECHO_PATH);
    Stats one = target.stats();
    System.out.printf(
        "partial messages, 1 connection x %d streams: peak buffered %s (limit per connection %s)%n",
        STREAMS, mib(one.peakBuffered()), mib(PER_CONNECTION));
    assertTrue(one.buffered() <= PER_CONNECTION + MIN_PER_CONNECTION, "buffered with one attacker: " + one);
    assertTrue(one.peakBuffered() <= PER_CONNECTION + MIN_PER_CONNECTION, "peak with one attacker: " + one);
    target.assertHealthy();
    leave();
    target.awaitRecovered(baseline, HEAP_MARGIN, 1, RECOVERY);

    // Twenty connections: the server's total binds, each connection keeps its guaranteed share.
    attack(20, TargetMethods.ECHO_PATH);
    Stats twenty = target.stats();
    int connections = 20 + 1; // the attackers and the neighbour
    long formula = TOTAL + connections * MIN_PER_CONNECTION;
    System.out.printf(
        "partial messages, 20 connections x %d streams: peak buffered %s, formula total + N x min = %s + %d x %s = %s%n",
        STREAMS, mib(twenty.peakBuffered()), mib(TOTAL), connections, mib(MIN_PER_CONNECTION), mib(formula));
    assertTrue(twenty.buffered() <= formula, "buffered with 20 attackers: " + twenty);
    assertTrue(twenty.peakBuffered() <= formula, "peak with 20 attackers, formula " + formula + ": " + twenty);
    assertTrue(twenty.connections() <= connections, "connections: " + twenty);
    target.assertHealthy();
    leave();
    Stats after = target.awaitRecovered(baseline, HEAP_MARGIN, 1, RECOVERY);
    System.out.printf("partial messages: heap baseline %s, after the attack %s%n", mib(baseline.heapUsed()), mib(after.heapUsed()));

    neighbour.stop();
    target.assertHealthy();
  }

  /**
   * The same attack on a server left with its defaults: a quarter of the heap for the server's
   * total, half of that per connection. The 256 MiB heap must hold out, within the formula.
   */
  @Test
  void partialMessagesWithTheDefaultBudgetLeaveA256MiBHeapStanding() throws Exception {
    target = TargetProcess.start("256m");
    neighbour = new Neighbour(target.port(), Neighbour.Call.ECHO, Neighbour.Call.COLLECT).callEachOnce();
    Stats baseline = target.stats();
    neighbour.start();
    attack(20, TargetMethods.ECHO_PATH);
    Stats twenty = target.stats();
    long total = Math.max(8L << 20, Math.min(1L << 30, twenty.heapMax() / 4)); // Server's documented default
    long formula = total + 21 * Server.DEFAULT_MIN_BUFFERED_REQUEST_BYTES_PER_CONNECTION;
    System.out.printf(
        "partial messages, default budget: peak buffered %s, formula %s + 21 x 64 KiB = %s, heap after GC %s of %s%n",
        mib(twenty.peakBuffered()), mib(total), mib(formula), mib(twenty.heapUsed()), mib(twenty.heapMax()));
    assertTrue(twenty.peakBuffered() <= formula, "peak with 20 attackers, formula " + formula + ": " + twenty);
    target.assertHealthy();
    leave();
    target.awaitRecovered(baseline, HEAP_MARGIN, 1, RECOVERY);
    neighbour.stop();
    target.assertHealthy();
  }

  /**
   * The same attack on client-streaming calls, whose handlers wait in {@code receive} while the
   * message arrives: each call the budget refuses must still be answered (RESOURCE_EXHAUSTED, or
   * RST_STREAM(CANCEL)), never left open with its window withheld.
   */
  @Test
  void partialMessagesOnClientStreamingCallsAreAllAnswered() throws Exception {
    startTarget();
    Stats baseline = target.stats();
    neighbour.start();
    for (int round = 0; round < 3; round++) {
      attack(1, TargetMethods.COLLECT_PATH);
      leave();
      target.awaitRecovered(baseline, HEAP_MARGIN, 1, RECOVERY);
    }
    neighbour.stop();
    target.assertHealthy();
  }

  /**
   * A client sends DATA on 200 calls at once; the server refuses 199 of them for its budget
   * while the client's next DATA for them is already on its way. RFC 9113 5.1: an endpoint MUST
   * ignore frames it receives on streams it has just reset. They must not be answered with
   * RST_STREAM(STREAM_CLOSED), nor counted as resets the client caused, which, past 200 a second,
   * would end the client's connection with ENHANCE_YOUR_CALM.
   */
  @Test
  void dataInFlightOnStreamsTheServerHasJustRefusedIsIgnored() throws Exception {
    target =
        TargetProcess.start(
            "256m",
            "maxBufferedRequestBytes=" + TOTAL,
            "maxBufferedRequestBytesPerConnection=" + MIN_PER_CONNECTION,
            "minBufferedRequestBytesPerConnection=" + MIN_PER_CONNECTION);
    neighbour = new Neighbour(target.port(), Neighbour.Call.ECHO).callEachOnce();
    Stats baseline = target.stats();
    try (RawConnection c = RawConnection.connect(target.port()).handshake()) {
      PartialMessageAttacker.Stream[] streams = new PartialMessageAttacker.Stream[STREAMS];
      c.onFrame(f -> {
        if (f.streamId() != 0 && (f.type() == HEADERS || f.type() == RST_STREAM)) {
          streams[(f.streamId() - 1) / 2].add(f);
        }
      }).startReader();
      // All in one write, before reading anything: the client cannot know yet that calls were refused.
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      byte[] chunk = new byte[1000];
      for (int i = 0; i < STREAMS; i++) {
        streams[i] = new PartialMessageAttacker.Stream(1 + 2 * i, TargetMethods.ECHO_PATH, 0);
        burst.writeBytes(RawFrames.headers(streams[i].id, RawFrames.FLAG_END_HEADERS, RawFrames.grpcRequest(TargetMethods.ECHO_PATH)));
        burst.writeBytes(RawFrames.data(streams[i].id, false, RawFrames.concat(RawFrames.grpcPrefix(MESSAGE), chunk)));
      }
      for (int round = 0; round < 3; round++) {
        for (PartialMessageAttacker.Stream s : streams) {
          burst.writeBytes(RawFrames.data(s.id, false, chunk));
        }
      }
      c.send(burst.toByteArray());
      // A PING answered means the server has read and handled everything sent before it.
      c.send(RawFrames.ping(false, 42));
      c.awaitFrame(f -> (f.type() == RawFrames.PING && f.has(RawFrames.FLAG_ACK)) || f.type() == RawFrames.GOAWAY,
          Duration.ofSeconds(30), "PING ack");
      assertNull(c.goAway(), "the server ended the connection of a client whose only fault was DATA in flight");
      List<String> lateResets = new ArrayList<>();
      for (PartialMessageAttacker.Stream s : streams) {
        for (RawConnection.Frame f : s.answer()) {
          if (f.type() == RST_STREAM && f.errorCode() == STREAM_CLOSED) {
            lateResets.add("stream " + s.id);
          }
        }
      }
      assertTrue(lateResets.isEmpty(), lateResets.size() + " RST_STREAM(STREAM_CLOSED) for DATA in flight: " + lateResets);
    }
    target.awaitRecovered(baseline, HEAP_MARGIN, 1, RECOVERY);
    target.assertHealthy();
  }

  private void startTarget() throws Exception {
    target =
        TargetProcess.start(
            "256m",
            "maxBufferedRequestBytes=" + TOTAL,
            "maxBufferedRequestBytesPerConnection=" + PER_CONNECTION,
            "minBufferedRequestBytesPerConnection=" + MIN_PER_CONNECTION);
    neighbour = new Neighbour(target.port(), Neighbour.Call.ECHO, Neighbour.Call.COLLECT).callEachOnce();
  }

  private void awaitLiveHandlers(int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Stats now;
    while ((now = target.stats()).liveHandlers() < n) {
      if (System.nanoTime() > deadline) {
        fail("handlers never all started: " + now);
      }
      Thread.sleep(50);
    }
  }

  /**
   * Runs the attack on {@code n} connections at once and checks every answer; the attackers stay
   * connected, holding what the server kept. The neighbour must be served while the streams are
   * being filled and while they are held.
   */
  private void attack(int n, String... paths) throws Exception {
    List<PartialMessageAttacker> round = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      round.add(new PartialMessageAttacker(target.port(), STREAMS, MESSAGE, paths));
    }
    attackers.addAll(round);
    List<Future<Boolean>> sending = new ArrayList<>();
    for (PartialMessageAttacker a : round) {
      sending.add(threads.submit(() -> {
        a.open();
        return a.sendAllButLastBytes();
      }));
    }
    neighbour.awaitMoreCalls(5); // while the attackers are filling the server
    for (Future<Boolean> f : sending) {
      try {
        assertTrue(f.get(5, TimeUnit.MINUTES), "the server closed an attacker's connection; it should only answer its calls");
      } catch (java.util.concurrent.ExecutionException e) {
        System.out.println(target.stats());
        System.out.println(target.logTail());
        System.out.println(target.threadDump());
        throw e;
      }
    }
    neighbour.awaitMoreCalls(5); // while the attackers hold their partial messages
    awaitCompleteAnswers(round);
    Tally tally = new Tally();
    for (PartialMessageAttacker a : round) {
      for (PartialMessageAttacker.Stream s : a.streams()) {
        tally.check(s);
      }
    }
    System.out.printf("partial messages, %d connection(s): %s%n", n, tally);
    assertTrue(tally.refused + tally.cancelled > 0, "the budget never refused a call");
  }

  /** What the streams of an attack were answered, checked stream by stream. */
  static final class Tally {
    int refused;
    int cancelled;
    int held;
    int streamClosed;
    int overtaken;

    void check(PartialMessageAttacker.Stream s) {
      List<RawConnection.Frame> answer = s.answer();
      if (answer.isEmpty()) {
        assertEquals(0, s.remaining, "stream " + s.id + " neither sent nor answered");
        held++;
        return;
      }
      // DATA we had in flight when the server reset the stream is ignored (see
      // dataInFlightOnStreamsTheServerHasJustRefusedIsIgnored): the stream's answer is exact.
      List<RawConnection.Frame> own = new ArrayList<>();
      for (RawConnection.Frame f : answer) {
        if (f.type() == RST_STREAM && f.errorCode() == STREAM_CLOSED) {
          streamClosed++;
        } else {
          own.add(f);
        }
      }
      if (own.size() < answer.size() && answer.get(0).type() == RST_STREAM && answer.get(0).errorCode() == STREAM_CLOSED
          && !own.isEmpty()) {
        overtaken++; // see aResetForALateFrameNeverOvertakesTheStreamsOwnAnswer
      }
      assertEquals(0, streamClosed, "stream " + s.id + " got RST_STREAM(STREAM_CLOSED) for DATA in flight: " + answer);
      assertTrue(!own.isEmpty(), "stream " + s.id + " only got late resets: " + answer);
      RawConnection.Frame first = own.get(0);
      if (first.type() == HEADERS) {
        // The exact answer: trailers-only RESOURCE_EXHAUSTED, then RST_STREAM(NO_ERROR) so the
        // client stops sending the rest.
        assertTrue(PartialMessageAttacker.isTrailersOnlyWithStatus(first, "8"), "stream " + s.id + ": " + answer);
        assertEquals(2, own.size(), "stream " + s.id + ": " + answer);
        assertTrue(own.get(1).type() == RST_STREAM && own.get(1).errorCode() == NO_ERROR,
            "stream " + s.id + " answered without RST_STREAM(NO_ERROR) after its status: " + answer);
        refused++;
      } else {
        // A client-streaming handler woken at that moment may hold the call's write lock, and
        // then the call is reset instead.
        assertEquals(TargetMethods.COLLECT_PATH, s.path, "stream " + s.id + " reset instead of answered: " + answer);
        assertEquals(1, own.size(), "stream " + s.id + ": " + answer);
        assertEquals(RST_STREAM, first.type(), "stream " + s.id + ": " + answer);
        assertEquals(CANCEL, first.errorCode(), "stream " + s.id + ": " + answer);
        cancelled++;
      }
    }

    @Override
    public String toString() {
      return refused + " streams refused with RESOURCE_EXHAUSTED, " + cancelled + " reset with CANCEL, " + held
          + " hold all but one byte; " + streamClosed + " late RST_STREAM(STREAM_CLOSED), " + overtaken
          + " of them ahead of the stream's own answer";
    }
  }

  /** Each trailers-only answer is followed by its RST_STREAM; wait for those still on their way. */
  private static void awaitCompleteAnswers(List<PartialMessageAttacker> round) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (round.stream().mapToLong(PartialMessageAttacker::answersInFlight).sum() > 0) {
      if (System.nanoTime() > deadline) {
        fail("trailers-only answers without their RST_STREAM after 30 s");
      }
      Thread.sleep(20);
    }
  }

  /** The attackers go away (connections closed); what they made the server hold must be freed. */
  private void leave() {
    attackers.forEach(PartialMessageAttacker::close);
    attackers.clear();
  }
}
