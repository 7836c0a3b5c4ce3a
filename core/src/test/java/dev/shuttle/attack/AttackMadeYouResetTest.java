package dev.shuttle.attack;

import static dev.shuttle.attack.RawFrames.ENHANCE_YOUR_CALM;
import static dev.shuttle.attack.RawFrames.FLAG_END_HEADERS;
import static dev.shuttle.attack.RawFrames.FLAG_END_STREAM;
import static dev.shuttle.attack.RawFrames.HEADERS;
import static dev.shuttle.attack.RawFrames.PROTOCOL_ERROR;
import static dev.shuttle.attack.RawFrames.REFUSED_STREAM;
import static dev.shuttle.attack.RawFrames.RST_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shuttle.attack.TargetProcess.Stats;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MadeYouReset (CVE-2025-8671): the client sends a complete request, then a frame that makes the
 * server reset the stream itself (here WINDOW_UPDATE with increment 0, a stream error answered
 * with RST_STREAM(PROTOCOL_ERROR)). The reset ends the stream but not the handler's work, so a
 * server that frees the stream's slot at the reset runs without bound. Shuttle gives a reset
 * call's slot back at once for at most MAX_CONCURRENT_STREAMS (200) lingering handlers per
 * connection and holds it until the handler returns past that: at most twice the limit (400)
 * handlers run per connection, new streams beyond are refused (RST_STREAM(REFUSED_STREAM)), and
 * resets past 200 a second end the connection with GOAWAY ENHANCE_YOUR_CALM. The handlers here
 * ({@code Hold}) ignore cancellation, as busy backend work does, until the test releases them.
 */
class AttackMadeYouResetTest {
  private static final int LIMIT = 200;
  /** The limit's worth of lingering handlers without slots, and the limit's worth holding them. */
  private static final int MOST_HANDLERS = 2 * LIMIT;
  private static final long HEAP_MARGIN = 8L << 20;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static TargetProcess target;
  private static Neighbour neighbour;
  private static Stats baseline;
  private final List<RawConnection> attackers = new ArrayList<>();

  @BeforeAll
  static void startTarget() throws Exception {
    target = TargetProcess.start("256m");
    neighbour = new Neighbour(target.port(), Neighbour.Call.ECHO).callEachOnce();
    baseline = target.stats();
    neighbour.start();
  }

  @AfterAll
  static void stopTarget() throws Exception {
    if (neighbour != null) {
      neighbour.close();
    }
    if (target != null) {
      target.close();
    }
  }

  @BeforeEach
  void resetPeaks() throws Exception {
    target.resetPeaks();
  }

  @AfterEach
  void backToBaseline() throws Exception {
    attackers.forEach(RawConnection::close);
    target.release();
    target.awaitRecovered(baseline, HEAP_MARGIN, 1, WAIT);
    target.assertHealthy();
  }

  private RawConnection attacker(StreamLog log) throws Exception {
    RawConnection c = RawConnection.connect(target.port()).handshake();
    attackers.add(c);
    c.onFrame(log).startReader();
    return c;
  }

  private static byte[] holdRequest(int streamId) {
    return RawFrames.concat(
        RawFrames.headers(streamId, FLAG_END_HEADERS, RawFrames.grpcRequest(TargetMethods.HOLD_PATH)),
        RawFrames.data(streamId, true, RawFrames.grpcMessage("work")));
  }

  /** WINDOW_UPDATE with increment 0 on a stream: a stream error (RFC 9113 6.9). */
  private static byte[] zeroWindowUpdate(int streamId) {
    return RawFrames.windowUpdate(streamId, 0);
  }

  @Test
  void madeYouResetRunsAtMostTwiceTheLimitOfHandlers() throws Exception {
    StreamLog log = new StreamLog();
    RawConnection c = attacker(log);
    int next = 1;

    // 400 calls whose handlers are running, each then reset by the server for our
    // WINDOW_UPDATE(0): 100 a second, under the reset limit. The first 200 linger without
    // their slots; the next 200 keep theirs.
    for (int batch = 0; batch < MOST_HANDLERS / (LIMIT / 2); batch++) {
      List<Integer> ids = new ArrayList<>();
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      ByteArrayOutputStream resets = new ByteArrayOutputStream();
      for (int i = 0; i < LIMIT / 2; i++, next += 2) {
        ids.add(next);
        requests.writeBytes(holdRequest(next));
        resets.writeBytes(zeroWindowUpdate(next));
      }
      c.send(requests.toByteArray());
      awaitLiveHandlers((batch + 1) * LIMIT / 2);
      c.send(resets.toByteArray());
      log.awaitResets(ids, WAIT);
      for (int id : ids) {
        assertEquals(List.of("RST_STREAM(0x1)"), names(log.frames(id)), "stream " + id);
      }
      Thread.sleep(1_100); // the next batch in another second
    }
    Stats held = target.stats();
    assertTrue(held.liveHandlers() >= MOST_HANDLERS, "the reset calls' handlers keep running: " + held);
    assertEquals(MOST_HANDLERS, held.peakHandlersPerConnection(), "handlers at once on the attacker's connection: " + held);
    neighbour.awaitMoreCalls(5); // served while 400 handlers run for the attacker's connection

    // Every slot is held: new calls are refused, not run.
    List<Integer> refused = new ArrayList<>();
    ByteArrayOutputStream more = new ByteArrayOutputStream();
    for (int i = 0; i < 50; i++, next += 2) {
      refused.add(next);
      more.writeBytes(holdRequest(next));
    }
    c.send(more.toByteArray());
    log.awaitResets(refused, WAIT);
    for (int id : refused) {
      assertEquals(List.of("RST_STREAM(0x7)"), names(log.frames(id)), "stream " + id + " beyond the limit");
    }
    Stats full = target.stats();
    assertEquals(MOST_HANDLERS, full.peakHandlersPerConnection(), "handlers at once on the attacker's connection: " + full);
    Thread.sleep(1_100);

    // The attack at full speed: refused, then cut off for its resets.
    int firstFlooded = next;
    RawConnection.Frame goAway = flood(c, next);
    assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode(), "GOAWAY " + goAway);
    assertTrue(goAway.debugData().contains("resets"), "GOAWAY " + goAway);
    c.awaitClosed(WAIT);
    int floodRefused = 0;
    for (int id = firstFlooded; ; id += 2) {
      RawConnection.Frame first = log.first(id);
      if (first == null) {
        break;
      }
      assertEquals(RST_STREAM, first.type(), "stream " + id + ": " + log.frames(id));
      assertEquals(REFUSED_STREAM, first.errorCode(), "stream " + id + " got past the limit: " + log.frames(id));
      floodRefused++;
    }
    Stats after = target.stats();
    System.out.printf(
        "MadeYouReset: 400 handlers running, 50 calls refused, then %d flooded calls refused before GOAWAY(%s);"
            + " peak handlers on the connection %d%n",
        floodRefused, goAway.debugData(), after.peakHandlersPerConnection());
    assertTrue(after.peakHandlersPerConnection() <= MOST_HANDLERS, "handlers at once on the attacker's connection: " + after);
  }

  /**
   * The tight form: each request immediately followed by its WINDOW_UPDATE(0). First paced at
   * 150 calls a second for 3 seconds (under the reset limit), then as fast as the connection
   * takes them. Every call is reset (RST_STREAM(PROTOCOL_ERROR)) or, once the slots are held,
   * refused; the handlers that run at once never exceed twice the limit; at full speed the resets end
   * the connection with GOAWAY ENHANCE_YOUR_CALM.
   */
  @Test
  void tightMadeYouResetNeverRunsMoreThanTwiceTheLimitOfHandlers() throws Exception {
    StreamLog log = new StreamLog();
    RawConnection c = attacker(log);
    int id = 1;
    for (int tick = 0; tick < 30 && c.goAway() == null && !c.isClosed(); tick++) {
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 0; i < 15; i++, id += 2) {
        batch.writeBytes(holdRequest(id));
        batch.writeBytes(zeroWindowUpdate(id));
      }
      c.send(batch.toByteArray());
      if (tick == 10) {
        neighbour.awaitMoreCalls(3); // served during the attack
      }
      Thread.sleep(100);
    }
    int paced = (id - 1) / 2;
    log.awaitResets(java.util.stream.IntStream.range(0, paced).map(i -> 1 + 2 * i).boxed().toList(), WAIT);
    Stats during = target.stats();
    RawConnection.Frame goAway = c.goAway() != null ? c.goAway() : flood(c, id);
    assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode(), "GOAWAY " + goAway);
    assertTrue(goAway.debugData().contains("resets"), "GOAWAY " + goAway);
    c.awaitClosed(WAIT);
    int reset = 0;
    int refused = 0;
    for (int stream = 1; log.first(stream) != null; stream += 2) {
      RawConnection.Frame first = log.first(stream);
      assertEquals(RST_STREAM, first.type(), "stream " + stream + ": " + log.frames(stream));
      if (first.errorCode() == PROTOCOL_ERROR) {
        reset++;
      } else {
        assertEquals(REFUSED_STREAM, first.errorCode(), "stream " + stream + ": " + log.frames(stream));
        refused++;
      }
    }
    Stats after = target.stats();
    System.out.printf(
        "tight MadeYouReset: %d paced calls, %d calls reset by the server, %d refused, then GOAWAY(%s);"
            + " handlers still running after the paced phase %d, at most %d at once%n",
        paced, reset, refused, goAway.debugData(), during.liveHandlers(), after.peakHandlersPerConnection());
    assertTrue(after.peakHandlersPerConnection() <= MOST_HANDLERS, "handlers at once on one connection: " + after);
  }

  /**
   * A call answered at once (unknown method: trailers-only UNIMPLEMENTED), then WINDOW_UPDATE(0)
   * on it before the answer went out. Whatever the server makes of the late frame, the stream's
   * own answer must not come after an RST_STREAM on the same stream: RFC 9113 5.1 forbids sending
   * frames on a stream after resetting it, and a client that has seen the reset takes the call as
   * failed (or treats the later HEADERS as a connection error, STREAM_CLOSED).
   */
  @Test
  void aResetForALateFrameNeverOvertakesTheStreamsOwnAnswer() throws Exception {
    StreamLog log = new StreamLog();
    RawConnection c = attacker(log);
    List<Integer> ids = new ArrayList<>();
    ByteArrayOutputStream pairs = new ByteArrayOutputStream();
    for (int i = 0, id = 1; i < 100; i++, id += 2) {
      ids.add(id);
      pairs.writeBytes(RawFrames.headers(id, FLAG_END_HEADERS | FLAG_END_STREAM, RawFrames.grpcRequest(TargetMethods.UNKNOWN_PATH)));
      pairs.writeBytes(zeroWindowUpdate(id));
    }
    c.send(pairs.toByteArray());
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> overtaken = new ArrayList<>();
    for (int id : ids) {
      while (log.frames(id).stream().noneMatch(f -> f.type() == HEADERS)) {
        if (System.nanoTime() > deadline) {
          fail("no answer on stream " + id + ": " + log.frames(id));
        }
        Thread.sleep(10);
      }
      List<RawConnection.Frame> frames = log.frames(id);
      if (frames.get(0).type() != HEADERS) {
        overtaken.add("stream " + id + ": " + names(frames));
      }
      RawConnection.Frame answer = frames.stream().filter(f -> f.type() == HEADERS).findFirst().orElseThrow();
      assertEquals("12", answer.header("grpc-status"), "stream " + id + ": " + frames);
    }
    assertTrue(overtaken.isEmpty(), overtaken.size() + " of 100 answers came after an RST_STREAM on their stream: " + overtaken);
  }

  /**
   * Sends (request, WINDOW_UPDATE(0)) pairs from {@code firstId} on, as fast as the connection
   * takes them, until the server sends GOAWAY or closes; returns the GOAWAY.
   */
  private static RawConnection.Frame flood(RawConnection c, int firstId) throws Exception {
    int id = firstId;
    while (c.goAway() == null && !c.isClosed()) {
      if (id > 200_000) {
        fail("the server took 100 000 reset calls without ending the connection: " + c.describe());
      }
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 0; i < 50; i++, id += 2) {
        batch.writeBytes(holdRequest(id));
        batch.writeBytes(zeroWindowUpdate(id));
      }
      if (!c.trySend(batch.toByteArray())) {
        break;
      }
    }
    RawConnection.Frame goAway = c.awaitGoAwayOrClose(WAIT);
    assertNotNull(goAway, "the server closed the connection without GOAWAY: " + c.describe());
    return goAway;
  }

  private static void awaitLiveHandlers(int n) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Stats now;
    while ((now = target.stats()).liveHandlers() < n) {
      if (System.nanoTime() > deadline) {
        fail("handlers never all started: " + now);
      }
      Thread.sleep(50);
    }
  }

  private static List<String> names(List<RawConnection.Frame> frames) {
    List<String> names = new ArrayList<>();
    for (RawConnection.Frame f : frames) {
      names.add(f.type() == RST_STREAM ? "RST_STREAM(0x" + Integer.toHexString(f.errorCode()) + ")" : f.toString());
    }
    return names;
  }
}
