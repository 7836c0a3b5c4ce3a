package dev.shuttle.attack;

import static dev.shuttle.attack.RawFrames.ENHANCE_YOUR_CALM;
import static dev.shuttle.attack.RawFrames.FLAG_END_HEADERS;
import static dev.shuttle.attack.RawFrames.FLAG_END_STREAM;
import static dev.shuttle.attack.RawFrames.GOAWAY;
import static dev.shuttle.attack.RawFrames.HEADERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that sends requests but never reads the answers: each request names an unknown
 * method, so the server answers at once, on its reader (trailers-only UNIMPLEMENTED), and the
 * answers pile up behind a socket nobody reads. They are bounded by the write budget
 * (maxQueuedBytes, 1 MiB by default): the answer that finds it spent ends the connection with
 * GOAWAY ENHANCE_YOUR_CALM. The attacker sees the GOAWAY when it finally reads, here as soon as
 * the server has decided (its log says so); if the GOAWAY cannot be written within a second, the
 * server closes the socket without it.
 */
class AttackNeverReadingClientTest {
  private static final int ATTACKERS = 3;
  private static final long HEAP_MARGIN = 8L << 20;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String REASON = "peer provokes more frames than the write budget holds";

  private TargetProcess target;
  private Neighbour neighbour;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void tearDown() throws Exception {
    threads.shutdownNow();
    if (neighbour != null) {
      neighbour.close();
    }
    if (target != null) {
      target.close();
    }
  }

  /** What one attacker saw once it read. */
  record Outcome(int answers, RawConnection.Frame goAway, int requestsSent) {}

  /** What the attacker sends to make the server answer. */
  enum Provocation {
    /** Requests for a method that does not exist: trailers-only UNIMPLEMENTED each. */
    UNKNOWN_METHOD,
    /**
     * The same with a PING after each: the acks count against the write budget too, and PINGs
     * that follow no DATA or HEADERS of ours count against the PING rate and keepalive policy,
     * whichever ends the connection first (ENHANCE_YOUR_CALM all).
     */
    UNKNOWN_METHOD_AND_PING
  }

  @ParameterizedTest
  @EnumSource(Provocation.class)
  void neverReadingClientIsCutOffAtTheWriteBudget(Provocation provocation) throws Exception {
    target = TargetProcess.start("256m");
    neighbour = new Neighbour(target.port(), Neighbour.Call.ECHO, Neighbour.Call.DOWNLOAD).callEachOnce();
    Stats baseline = target.stats();
    neighbour.start();
    int before = neighbour.succeeded();
    int rounds = 0;
    int withGoAway = 0;
    int total = 0;
    while (rounds < 2 || neighbour.succeeded() - before < 5) {
      if (rounds >= 50) {
        throw new AssertionError("the neighbour made only " + (neighbour.succeeded() - before) + " calls in 50 rounds");
      }
      List<Future<Outcome>> attacks = new ArrayList<>();
      for (int i = 0; i < ATTACKERS; i++) {
        attacks.add(threads.submit(() -> attack(provocation)));
      }
      for (Future<Outcome> attack : attacks) {
        Outcome o = attack.get(3, TimeUnit.MINUTES);
        total++;
        if (o.goAway() != null) {
          withGoAway++;
        }
        if (rounds == 0) {
          System.out.printf(
              "never-reading client, %s: %d requests sent, %d answers read, then %s%n",
              provocation, o.requestsSent(), o.answers(), o.goAway() == null ? "the connection closed without GOAWAY" : o.goAway());
        }
      }
      rounds++;
      target.assertHealthy();
    }
    neighbour.awaitMoreCalls(1);
    System.out.printf(
        "never-reading client, %s: %d attackers, %d saw GOAWAY(ENHANCE_YOUR_CALM) before the close%n",
        provocation, total, withGoAway);
    // Each attacker reads as soon as the server has decided, so the GOAWAY normally gets through;
    // only one that reads more than a second late finds the socket closed without it.
    assertTrue(withGoAway > 0, "no attacker saw the server's GOAWAY(ENHANCE_YOUR_CALM)");
    target.awaitRecovered(baseline, HEAP_MARGIN, 1, WAIT);
    neighbour.stop();
    target.assertHealthy();
  }

  /**
   * Floods requests without reading until the server says it has had enough, then reads
   * everything: the answers, and a GOAWAY(ENHANCE_YOUR_CALM) if the server could still write it.
   */
  private Outcome attack(Provocation provocation) throws Exception {
    long mark = target.logMark();
    // Small socket buffers: the answers fill them soon, and little of our flood waits in them.
    try (RawConnection c = RawConnection.connectWithSmallBuffers(target.port(), 4096).handshake()) {
      int[] sent = new int[1];
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      Thread flooder = Thread.ofVirtual().start(() -> {
        byte[] request = RawFrames.grpcRequest(TargetMethods.UNKNOWN_PATH);
        int stream = 1;
        while (stream < 1_000_000 && !stop.get()) {
          ByteArrayOutputStream batch = new ByteArrayOutputStream();
          for (int i = 0; i < 500; i++, stream += 2) {
            batch.writeBytes(RawFrames.headers(stream, FLAG_END_HEADERS | FLAG_END_STREAM, request));
            if (provocation == Provocation.UNKNOWN_METHOD_AND_PING) {
              batch.writeBytes(RawFrames.ping(false, stream));
            }
          }
          if (!c.trySend(batch.toByteArray())) {
            return; // the server has closed the connection
          }
          sent[0] = (stream - 1) / 2;
        }
      });
      String port = ":" + c.localPort() + ")";
      String decision =
          target.awaitLogLine(mark, l -> l.contains(port) && l.contains("ENHANCE_YOUR_CALM"), WAIT, "the end of the connection from " + port);
      String reason = decision.substring(decision.indexOf("ENHANCE_YOUR_CALM") + "ENHANCE_YOUR_CALM".length()).trim();
      if (provocation == Provocation.UNKNOWN_METHOD) {
        assertEquals(REASON, reason, "why the server ended the connection");
      } else {
        assertTrue(
            List.of(REASON, "more than 100 PING frames per second", "too_many_pings").contains(reason),
            "why the server ended the connection: " + reason);
      }
      // The server has had enough: stop sending, and read.
      stop.set(true);
      c.startReader();
      c.awaitClosed(WAIT);
      flooder.join(WAIT.toMillis());
      int answers = 0;
      RawConnection.Frame goAway = null;
      for (RawConnection.Frame f : c.frames()) {
        if (f.type() == HEADERS) {
          assertTrue(f.has(FLAG_END_STREAM), "trailers-only: " + f);
          assertEquals("12", f.header("grpc-status"), "answer: " + f);
          answers++;
        } else if (f.type() == GOAWAY) {
          assertEquals(null, goAway, "a second GOAWAY: " + f);
          goAway = f;
        }
      }
      if (goAway != null) {
        assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode(), "GOAWAY " + goAway);
        assertEquals(reason, goAway.debugData(), "GOAWAY " + goAway);
      }
      return new Outcome(answers, goAway, sent[0]);
    }
  }
}
