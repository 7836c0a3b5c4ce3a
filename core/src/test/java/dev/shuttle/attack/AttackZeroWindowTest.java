package dev.shuttle.attack;

import static dev.shuttle.attack.RawFrames.FLAG_END_HEADERS;
import static dev.shuttle.attack.RawFrames.FLAG_END_STREAM;
import static dev.shuttle.attack.RawFrames.HEADERS;
import static dev.shuttle.attack.RawFrames.SETTINGS_INITIAL_WINDOW_SIZE;
import static dev.shuttle.attack.TargetProcess.mib;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Clients that ask for large server-streaming responses and never open their flow-control window:
 * either SETTINGS_INITIAL_WINDOW_SIZE 0, or the default window and no WINDOW_UPDATE ever. The
 * handlers block in {@code send}; the server buffers nothing beyond its write budget (each
 * handler holds only the message it is sending), other connections are served, and when the
 * attackers leave the blocked sends throw, the handlers end and the memory is freed.
 */
class AttackZeroWindowTest {
  private static final int CONNECTIONS = 4;
  private static final int STREAMS = 50;
  private static final int MESSAGE = 256 * 1024;
  private static final String REQUEST = "1000:" + MESSAGE; // 250 MiB per call, were it read
  private static final long HEAP_MARGIN = 8L << 20;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static TargetProcess target;
  private static Neighbour neighbour;
  private static Stats baseline;
  private final List<RawConnection> attackers = new ArrayList<>();

  /** How the attacker keeps its window shut. */
  enum Window {
    /** SETTINGS_INITIAL_WINDOW_SIZE 0: not a byte of DATA may be sent on any stream. */
    ZERO_INITIAL_WINDOW,
    /** The default 65 535-byte windows, never replenished: the connection window runs out at once. */
    NEVER_UPDATED
  }

  @BeforeAll
  static void startTarget() throws Exception {
    target = TargetProcess.start("256m");
    neighbour = new Neighbour(target.port(), Neighbour.Call.ECHO, Neighbour.Call.DOWNLOAD).callEachOnce();
    baseline = target.stats();
    neighbour.start();
  }

  @AfterAll
  static void stopTarget() throws Exception {
    if (neighbour != null) {
      neighbour.stop();
      neighbour.close();
    }
    if (target != null) {
      target.close();
    }
  }

  @AfterEach
  void closeAttackers() {
    attackers.forEach(RawConnection::close);
  }

  @ParameterizedTest
  @EnumSource(Window.class)
  void closedWindowBlocksOnlyTheAttackersHandlersAndTheyEndWhenItLeaves(Window window) throws Exception {
    List<StreamLog> logs = new ArrayList<>();
    for (int n = 0; n < CONNECTIONS; n++) {
      RawConnection c =
          window == Window.ZERO_INITIAL_WINDOW
              ? RawConnection.connect(target.port()).handshake(SETTINGS_INITIAL_WINDOW_SIZE, 0)
              : RawConnection.connect(target.port()).handshake();
      attackers.add(c);
      StreamLog log = new StreamLog();
      logs.add(log);
      c.onFrame(log).startReader();
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      for (int i = 0, id = 1; i < STREAMS; i++, id += 2) {
        requests.writeBytes(RawFrames.headers(id, FLAG_END_HEADERS, RawFrames.grpcRequest(TargetMethods.DOWNLOAD_PATH)));
        requests.writeBytes(RawFrames.data(id, true, RawFrames.grpcMessage(REQUEST)));
      }
      c.send(requests.toByteArray());
    }
    int calls = CONNECTIONS * STREAMS;

    // Every call answered with its response headers, then stuck: its handler waits in send.
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (StreamLog log : logs) {
      for (int id = 1; id < 2 * STREAMS; id += 2) {
        while (log.first(id) == null) {
          if (System.nanoTime() > deadline) {
            fail("no response headers on stream " + id + " within " + WAIT);
          }
          Thread.sleep(10);
        }
        RawConnection.Frame first = log.first(id);
        assertEquals(HEADERS, first.type(), "stream " + id + ": " + log.frames(id));
        assertEquals("200", first.header(":status"), "stream " + id + ": " + first);
        assertFalse(first.has(FLAG_END_STREAM), "stream " + id + " ended: " + first);
      }
    }
    Stats held = awaitLiveHandlers(calls);
    neighbour.awaitMoreCalls(6); // echo and 1 MiB downloads, while 200 handlers are stuck
    Stats during = target.stats();
    long received = 0;
    for (RawConnection c : attackers) {
      received += c.dataBytesReceived();
      assertNull(c.goAway(), "an attacker got GOAWAY: " + c.describe());
    }
    // What the server may hold: the message each stuck handler is sending, plus each
    // connection's write budget, plus the neighbour's own traffic.
    long allowed = baseline.heapUsed() + (long) calls * (MESSAGE + 5) + CONNECTIONS * (1L << 20) + (16L << 20);
    System.out.printf(
        "%s: %d calls stuck in send, %d DATA bytes let through, heap after GC %s (baseline %s, allowed %s)%n",
        window, held.liveHandlers(), received, mib(during.heapUsed()), mib(baseline.heapUsed()), mib(allowed));
    if (window == Window.ZERO_INITIAL_WINDOW) {
      assertEquals(0, received, "DATA sent into a zero window");
    } else {
      assertTrue(received <= CONNECTIONS * 65_535L, "DATA beyond the connection windows: " + received);
    }
    assertTrue(during.liveHandlers() >= calls, "handlers stuck in send: " + during);
    assertTrue(during.heapUsed() <= allowed, "heap while the attack holds: " + during);
    target.assertHealthy();

    // The attackers leave: every blocked send throws, every handler ends.
    attackers.forEach(RawConnection::close);
    attackers.clear();
    target.awaitRecovered(baseline, HEAP_MARGIN, 1, WAIT);
    target.assertHealthy();
  }

  private static Stats awaitLiveHandlers(int n) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Stats now;
    while ((now = target.stats()).liveHandlers() < n) {
      if (System.nanoTime() > deadline) {
        fail("handlers never all started: " + now);
      }
      Thread.sleep(50);
    }
    return now;
  }
}
