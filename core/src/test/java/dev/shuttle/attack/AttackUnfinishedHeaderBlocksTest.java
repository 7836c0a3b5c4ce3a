package dev.shuttle.attack;

import static dev.shuttle.attack.RawFrames.CONTINUATION;
import static dev.shuttle.attack.RawFrames.ENHANCE_YOUR_CALM;
import static dev.shuttle.attack.TargetProcess.mib;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.attack.TargetProcess.Stats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HEADERS without END_HEADERS, then nothing more: while a header block is unfinished the
 * connection can carry no other frame and the server holds the block (up to 96 KiB with the
 * default 8 KiB header list). After {@code headerBlockTimeout} (2 s here) the connection ends with
 * GOAWAY ENHANCE_YOUR_CALM.
 */
class AttackUnfinishedHeaderBlocksTest {
  private static final int ATTACKERS = 200;
  private static final long TIMEOUT_MILLIS = 2_000;
  private static final long HEAP_MARGIN = 8L << 20;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String REASON = "header block unfinished";

  private TargetProcess target;
  private Neighbour neighbour;
  private final List<RawConnection> connections = Collections.synchronizedList(new ArrayList<>());
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void tearDown() throws Exception {
    threads.shutdownNow();
    connections.forEach(RawConnection::close);
    if (neighbour != null) {
      neighbour.close();
    }
    if (target != null) {
      target.close();
    }
  }

  private Stats start() throws Exception {
    target = TargetProcess.start("128m", "headerBlockTimeoutMillis=" + TIMEOUT_MILLIS);
    neighbour = new Neighbour(target.port(), Neighbour.Call.ECHO).callEachOnce();
    Stats baseline = target.stats();
    neighbour.start();
    return baseline;
  }

  /** A header block begun with HEADERS and four CONTINUATIONs, 80 KiB in all, never ended. */
  private static byte[] unfinishedBlock(int streamId) {
    byte[] fragment = new byte[RawFrames.MAX_FRAME];
    return RawFrames.concat(
        RawFrames.headers(streamId, 0, fragment),
        RawFrames.repeat(RawFrames.continuation(streamId, 0, fragment), 4));
  }

  @Test
  void unfinishedHeaderBlocksAreCutOffAfterTheHeaderBlockTimeout() throws Exception {
    Stats baseline = start();
    List<Future<RawConnection.Frame>> attacks = new ArrayList<>();
    java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(ATTACKERS);
    for (int i = 0; i < ATTACKERS; i++) {
      attacks.add(threads.submit(() -> {
        RawConnection c = RawConnection.connect(target.port()).handshake();
        connections.add(c);
        c.startReader();
        c.send(unfinishedBlock(1));
        sent.countDown();
        RawConnection.Frame goAway = c.awaitGoAwayOrClose(WAIT);
        c.awaitClosed(WAIT);
        return goAway;
      }));
    }
    assertTrue(sent.await(1, TimeUnit.MINUTES), "the attackers could not all connect");
    Stats during = target.stats();
    neighbour.awaitMoreCalls(5); // served while the blocks are held
    for (Future<RawConnection.Frame> attack : attacks) {
      RawConnection.Frame goAway = attack.get(2, TimeUnit.MINUTES);
      assertNotNull(goAway, "closed without GOAWAY");
      assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode(), "GOAWAY " + goAway);
      assertTrue(goAway.debugData().contains(REASON), "GOAWAY " + goAway);
    }
    System.out.printf(
        "unfinished header blocks: %d connections each sent an 80 KiB block, heap after GC %s (baseline %s);"
            + " each ended with GOAWAY(ENHANCE_YOUR_CALM)%n",
        ATTACKERS, mib(during.heapUsed()), mib(baseline.heapUsed()));
    neighbour.awaitMoreCalls(1);
    target.awaitRecovered(baseline, HEAP_MARGIN, 1, WAIT);
    neighbour.stop();
    target.assertHealthy();
  }

  /**
   * The same block, then a CONTINUATION whose bytes arrive one every half second: the block is
   * still unfinished after the timeout, and must be cut off as well (slowloris).
   */
  @Test
  void trickledHeaderBlockIsCutOffAfterTheHeaderBlockTimeout() throws Exception {
    Stats baseline = start();
    RawConnection c = RawConnection.connect(target.port()).handshake();
    connections.add(c);
    c.startReader();
    c.send(unfinishedBlock(1), RawFrames.frameHeader(RawFrames.MAX_FRAME, CONTINUATION, 0, 1));
    // A byte every half second, for eight times the header block timeout at the most: each would
    // restart a timeout that counted from the last byte rather than from the block's start.
    int maxTrickles = (int) (TIMEOUT_MILLIS * 8 / 500) + 1;
    int trickled = 0;
    for (int i = 0; i < maxTrickles && c.goAway() == null && !c.isClosed(); i++) {
      Thread.sleep(500);
      if (c.trySend(new byte[1])) {
        trickled++;
      }
    }
    neighbour.awaitMoreCalls(1);
    RawConnection.Frame goAway = c.goAway();
    assertNotNull(goAway, "the header block is still open after " + trickled + " trickled bytes, one each half second");
    assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode(), "GOAWAY " + goAway);
    c.awaitClosed(WAIT);
    target.awaitRecovered(baseline, HEAP_MARGIN, 1, WAIT);
    neighbour.stop();
    target.assertHealthy();
  }
}
