package dev.shuttle.attack;

import static dev.shuttle.attack.RawFrames.ENHANCE_YOUR_CALM;
import static dev.shuttle.attack.RawFrames.FLAG_END_HEADERS;
import static dev.shuttle.attack.RawFrames.FLAG_END_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.attack.TargetProcess.Stats;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Floods of frames that cost the server work without asking for any: each kind has a rate per
 * second (or, for CONTINUATION, also a count per header block), past which the connection ends
 * with GOAWAY ENHANCE_YOUR_CALM naming what was exceeded. Several attackers flood at once, round
 * after round, while a neighbour must keep being served; memory returns to its baseline after.
 *
 * <p>The server permits keepalive pings at any rate here, so that the PING flood meets the PING
 * rate limit rather than the keepalive policy's {@code too_many_pings}.
 */
class AttackFloodsTest {
  private static final int ATTACKERS = 4;
  private static final int NEIGHBOUR_CALLS = 5;
  private static final long HEAP_MARGIN = 8L << 20;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static TargetProcess target;
  private static Neighbour neighbour;
  private static Stats baseline;
  private static final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  /** One kind of flood: what opens it, what repeats (batch n), and the reason the GOAWAY must give. */
  enum Flood {
    EMPTY_DATA(
        "empty DATA frames",
        RawFrames.headers(1, FLAG_END_HEADERS, RawFrames.grpcRequest(TargetMethods.COLLECT_PATH)),
        n -> RawFrames.repeat(RawFrames.data(1, false, new byte[0]), 100)),
    WINDOW_UPDATE("WINDOW_UPDATE frames", new byte[0], n -> RawFrames.repeat(RawFrames.windowUpdate(0, 1), 100)),
    PRIORITY("PRIORITY frames", new byte[0], n -> RawFrames.repeat(RawFrames.priority(3, 0), 100)),
    SETTINGS("SETTINGS frames", new byte[0], n -> RawFrames.repeat(RawFrames.settings(), 100)),
    PING("PING frames", new byte[0], n -> RawFrames.repeat(RawFrames.ping(false, n), 100)),
    /** Header blocks of 60 CONTINUATIONs each (under the per-block limit), one after another. */
    CONTINUATION_RATE("CONTINUATION frames per second", new byte[0], Flood::continuedBlocks),
    /** One header block continued without end. */
    CONTINUATION_PER_BLOCK(
        "more than 64 CONTINUATION frames",
        RawFrames.headers(1, 0, RawFrames.grpcRequest(TargetMethods.ECHO_PATH)),
        n -> RawFrames.repeat(RawFrames.continuation(1, 0, RawFrames.block("x-flood", "0123456789")), 100)),
    /** Rapid reset (CVE-2023-44487): streams opened and reset at once. */
    RST_STREAM("stream resets", new byte[0], Flood::openedAndReset);

    final String reason;
    final byte[] opening;
    final IntFunction<byte[]> batch;

    Flood(String reason, byte[] opening, IntFunction<byte[]> batch) {
      this.reason = reason;
      this.opening = opening;
      this.batch = batch;
    }

    private static byte[] continuedBlocks(int n) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int i = 0; i < 4; i++) {
        int stream = 1 + 2 * (4 * n + i);
        b.writeBytes(RawFrames.headers(stream, FLAG_END_STREAM, RawFrames.grpcRequest(TargetMethods.UNKNOWN_PATH)));
        for (int c = 0; c < 59; c++) {
          b.writeBytes(RawFrames.continuation(stream, 0, new byte[0]));
        }
        b.writeBytes(RawFrames.continuation(stream, FLAG_END_HEADERS, new byte[0]));
      }
      return b.toByteArray();
    }

    private static byte[] openedAndReset(int n) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      byte[] request = RawFrames.grpcRequest(TargetMethods.COLLECT_PATH);
      for (int i = 0; i < 50; i++) {
        int stream = 1 + 2 * (50 * n + i);
        b.writeBytes(RawFrames.headers(stream, FLAG_END_HEADERS, request));
        b.writeBytes(RawFrames.rstStream(stream, RawFrames.CANCEL));
      }
      return b.toByteArray();
    }
  }

  @BeforeAll
  static void startTarget() throws Exception {
    target = TargetProcess.start("256m", "permitKeepAliveTimeMillis=0", "permitKeepAliveWithoutCalls=true");
    neighbour = new Neighbour(target.port(), Neighbour.Call.ECHO, Neighbour.Call.COLLECT).callEachOnce();
    baseline = target.stats();
    neighbour.start();
  }

  @AfterAll
  static void stopTarget() throws Exception {
    threads.shutdownNow();
    if (neighbour != null) {
      neighbour.stop();
      neighbour.close();
    }
    if (target != null) {
      target.close();
    }
  }

  @AfterEach
  void backToBaseline() throws Exception {
    Stats after = target.awaitRecovered(baseline, HEAP_MARGIN, 1, WAIT);
    assertTrue(after.connections() == 1, "only the neighbour is still connected: " + after);
    target.assertHealthy();
  }

  @ParameterizedTest
  @EnumSource(Flood.class)
  void floodEndsTheConnectionWithEnhanceYourCalmWhileOthersAreServed(Flood flood) throws Exception {
    int before = neighbour.succeeded();
    int rounds = 0;
    // Round after round of attackers, until the neighbour has been served during the floods.
    while (rounds < 2 || neighbour.succeeded() - before < NEIGHBOUR_CALLS) {
      if (rounds >= 200) {
        throw new AssertionError("the neighbour made only " + (neighbour.succeeded() - before) + " calls in 200 rounds");
      }
      List<Future<RawConnection.Frame>> attacks = new ArrayList<>();
      for (int i = 0; i < ATTACKERS; i++) {
        attacks.add(threads.submit(() -> attack(flood)));
      }
      for (Future<RawConnection.Frame> attack : attacks) {
        RawConnection.Frame goAway = attack.get(2, TimeUnit.MINUTES);
        assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode(), flood + ": " + goAway);
        assertTrue(goAway.debugData().contains(flood.reason), flood + ": " + goAway);
      }
      rounds++;
      target.assertHealthy();
    }
    neighbour.awaitMoreCalls(1);
    System.out.printf("%s flood: %d rounds of %d attackers, each ended with GOAWAY(ENHANCE_YOUR_CALM)%n", flood, rounds, ATTACKERS);
  }

  /** One attacker: floods until GOAWAY, which it returns once the server has closed the connection too. */
  private static RawConnection.Frame attack(Flood flood) throws Exception {
    try (RawConnection c = RawConnection.connect(target.port()).handshake()) {
      c.keepFrames(false).startReader();
      if (flood.opening.length > 0) {
        c.send(flood.opening);
      }
      // A million frames at most: the server ends the connection long before, but the GOAWAY
      // may wait unread while the flooding threads keep the carrier threads busy.
      for (int n = 0; n < 10_000 && c.goAway() == null && !c.isClosed(); n++) {
        if (!c.trySend(flood.batch.apply(n))) {
          break;
        }
        Thread.yield(); // lets this connection's reader see the GOAWAY
      }
      RawConnection.Frame goAway = c.awaitGoAwayOrClose(WAIT);
      assertNotNull(goAway, flood + ": the server closed the connection without GOAWAY");
      c.awaitClosed(WAIT);
      return goAway;
    }
  }
}
