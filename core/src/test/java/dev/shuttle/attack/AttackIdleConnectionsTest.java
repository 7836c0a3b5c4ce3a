package dev.shuttle.attack;

import static dev.shuttle.attack.RawFrames.ENHANCE_YOUR_CALM;
import static dev.shuttle.attack.RawFrames.GOAWAY;
import static dev.shuttle.attack.RawFrames.NO_ERROR;
import static dev.shuttle.attack.RawFrames.SETTINGS;
import static dev.shuttle.attack.RawFrames.SETTINGS_TIMEOUT;
import static dev.shuttle.attack.TargetProcess.mib;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * Thousands of connections that do nothing. Each costs the server some heap (measured here:
 * the heap after GC with them open, less the baseline, per connection); {@code maxConnections}
 * caps how many it keeps, turning the rest away with SETTINGS and GOAWAY ENHANCE_YOUR_CALM; and
 * its timers close those that stay silent (no preface in time), never acknowledge its SETTINGS
 * (GOAWAY SETTINGS_TIMEOUT), or stay idle (maxConnectionIdle: GOAWAY NO_ERROR).
 */
class AttackIdleConnectionsTest {
  private static final int IDLE = 1000;
  private static final int EXTRA = 300;
  private static final long HEAP_MARGIN = 8L << 20;
  /** What an idle connection may cost at most; see the figure this test prints. */
  private static final long MAX_HEAP_PER_CONNECTION = 160L << 10;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private TargetProcess target;
  private Neighbour neighbour;
  private final List<RawConnection> connections = Collections.synchronizedList(new ArrayList<>());
  /** Few at a time for opening thousands (the server's accept backlog is 1024). */
  private final ExecutorService threads = Executors.newFixedThreadPool(16);
  /** One each for connections that mostly wait. */
  private final ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void tearDown() throws Exception {
    threads.shutdownNow();
    waiters.shutdownNow();
    connections.forEach(RawConnection::close);
    if (neighbour != null) {
      neighbour.close();
    }
    if (target != null) {
      target.close();
    }
  }

  @Test
  void thousandsOfIdleConnectionsCostLittleHeapAndTheCapTurnsTheRestAway() throws Exception {
    target = TargetProcess.start("256m", "maxConnections=" + (IDLE + 1));
    neighbour = new Neighbour(target.port(), Neighbour.Call.ECHO).callEachOnce();
    Stats baseline = target.stats();
    neighbour.start();

    List<Future<RawConnection>> opening = new ArrayList<>();
    for (int i = 0; i < IDLE; i++) {
      opening.add(threads.submit(() -> {
        RawConnection c = RawConnection.connect(target.port());
        connections.add(c);
        return c.handshake().startReader();
      }));
    }
    for (Future<RawConnection> f : opening) {
      f.get(2, TimeUnit.MINUTES);
    }
    Stats full = target.stats();
    assertEquals(IDLE + 1, full.connections(), "connections held: " + full);
    long perConnection = (full.heapUsed() - baseline.heapUsed()) / IDLE;
    System.out.printf(
        "idle connections: %d open take %s of heap after GC, %d KiB each (heap max %s)%n",
        IDLE, mib(full.heapUsed() - baseline.heapUsed()), perConnection >> 10, mib(full.heapMax()));
    assertTrue(perConnection <= MAX_HEAP_PER_CONNECTION, "heap per idle connection: " + perConnection + " bytes");
    neighbour.awaitMoreCalls(5); // served while the cap is reached

    // Over the cap: each new connection is told to go away. They speak first, as clients do.
    List<Future<RawConnection.Frame>> turnedAway = new ArrayList<>();
    for (int i = 0; i < EXTRA; i++) {
      turnedAway.add(threads.submit(() -> {
        try (RawConnection c = RawConnection.connect(target.port())) {
          c.send(RawFrames.PREFACE, RawFrames.settings());
          RawConnection.Frame first = c.readFrame();
          assertNotNull(first, "closed without a frame");
          assertEquals(SETTINGS, first.type(), "first frame: " + first);
          RawConnection.Frame second = c.readFrame();
          assertNotNull(second, "closed without GOAWAY after SETTINGS");
          assertNull(c.readFrame(), "the connection stays open after GOAWAY");
          return second;
        }
      }));
    }
    int goAways = 0;
    for (Future<RawConnection.Frame> f : turnedAway) {
      RawConnection.Frame goAway = f.get(2, TimeUnit.MINUTES);
      assertEquals(GOAWAY, goAway.type(), "frame after SETTINGS: " + goAway);
      assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode(), "GOAWAY " + goAway);
      assertEquals("too many connections", goAway.debugData(), "GOAWAY " + goAway);
      goAways++;
    }
    System.out.printf("idle connections: %d over the cap turned away with GOAWAY(ENHANCE_YOUR_CALM)%n", goAways);
    neighbour.awaitMoreCalls(5);
    Stats capped = target.stats();
    assertEquals(IDLE + 1, capped.connections(), "connections held: " + capped);
    for (RawConnection c : connections) {
      assertTrue(!c.isClosed() && c.goAway() == null, "an idle connection within the cap was closed: " + c.describe());
    }

    connections.forEach(RawConnection::close);
    connections.clear();
    target.awaitRecovered(baseline, HEAP_MARGIN, 1, WAIT);
    neighbour.stop();
    target.assertHealthy();
  }

  /**
   * A server with its defaults (no connection cap) and a 256 MiB heap, and 3000 idle
   * connections: it must stay up and keep serving, whether it holds them or turns some away.
   */
  @Test
  void thousandsOfIdleConnectionsDoNotExhaustADefaultServer() throws Exception {
    target = TargetProcess.start("256m");
    neighbour = new Neighbour(target.port(), Neighbour.Call.ECHO).callEachOnce();
    Stats baseline = target.stats();
    neighbour.start();
    List<Future<RawConnection>> opening = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      opening.add(threads.submit(() -> {
        RawConnection c = RawConnection.connect(target.port());
        connections.add(c);
        c.startReader();
        c.send(RawFrames.PREFACE, RawFrames.settings(), RawFrames.settingsAck());
        return c;
      }));
    }
    for (Future<RawConnection> f : opening) {
      f.get(2, TimeUnit.MINUTES);
    }
    target.check(() -> neighbour.awaitMoreCalls(5));
    Stats held = target.stats();
    System.out.printf("idle connections on a default server: %d held, heap after GC %s of %s%n",
        held.connections(), mib(held.heapUsed()), mib(held.heapMax()));
    target.assertHealthy();
    connections.forEach(RawConnection::close);
    connections.clear();
    target.awaitRecovered(baseline, HEAP_MARGIN, 1, WAIT);
    neighbour.stop();
    target.assertHealthy();
  }

  @Test
  void silentUnacknowledgingAndIdleConnectionsAreClosedByTheServersTimers() throws Exception {
    target =
        TargetProcess.start(
            // Far enough apart that each kind meets its own timer first.
            "128m", "prefaceTimeoutMillis=1000", "settingsAckTimeoutMillis=2500", "maxConnectionIdleMillis=4000",
            "shutdownPingTimeoutMillis=1000");
    neighbour = new Neighbour(target.port(), Neighbour.Call.ECHO).callEachOnce();
    Stats baseline = target.stats();
    neighbour.start();
    int each = 300;
    List<Future<String>> outcomes = new ArrayList<>();
    for (int i = 0; i < each; i++) {
      outcomes.add(waiters.submit(this::silent));
      outcomes.add(waiters.submit(this::neverAcknowledging));
      outcomes.add(waiters.submit(this::idle));
    }
    neighbour.awaitMoreCalls(5); // served while they wait for the timers
    List<String> results = new ArrayList<>();
    for (Future<String> f : outcomes) {
      results.add(f.get(2, TimeUnit.MINUTES));
    }
    assertEquals(each, Collections.frequency(results, "silent: closed"), "outcomes: " + summary(results));
    assertEquals(each, Collections.frequency(results, "unacknowledged: GOAWAY(SETTINGS_TIMEOUT)"), "outcomes: " + summary(results));
    assertEquals(each, Collections.frequency(results, "idle: GOAWAY(NO_ERROR)"), "outcomes: " + summary(results));
    System.out.printf("timers: %s%n", summary(results));
    neighbour.awaitMoreCalls(5);
    target.awaitRecovered(baseline, HEAP_MARGIN, 1, WAIT);
    neighbour.stop();
    target.assertHealthy();
  }

  /** Connects and sends nothing: after the preface timeout the server closes, GOAWAY or not. */
  private String silent() throws Exception {
    try (RawConnection c = RawConnection.connect(target.port())) {
      connections.add(c);
      c.startReader().awaitClosed(WAIT);
      for (RawConnection.Frame f : c.frames()) {
        if (f.type() == GOAWAY) {
          return "silent: GOAWAY(0x" + Integer.toHexString(f.errorCode()) + ")";
        }
      }
      return "silent: closed";
    }
  }

  /** Sends the preface and SETTINGS but never acknowledges the server's. */
  private String neverAcknowledging() throws Exception {
    try (RawConnection c = RawConnection.connect(target.port())) {
      connections.add(c);
      c.startReader();
      c.send(RawFrames.PREFACE, RawFrames.settings());
      RawConnection.Frame goAway = c.awaitGoAwayOrClose(WAIT);
      c.awaitClosed(WAIT);
      if (goAway == null) {
        return "unacknowledged: closed without GOAWAY";
      }
      return goAway.errorCode() == SETTINGS_TIMEOUT
          ? "unacknowledged: GOAWAY(SETTINGS_TIMEOUT)"
          : "unacknowledged: " + goAway;
    }
  }

  /**
   * A proper handshake, then nothing (PINGs are answered): the idle limit ends it gracefully,
   * GOAWAY(NO_ERROR), and then the server closes.
   */
  private String idle() throws Exception {
    try (RawConnection c = RawConnection.connect(target.port())) {
      connections.add(c);
      c.handshake().startReader();
      c.awaitClosed(WAIT);
      List<RawConnection.Frame> goAways = c.frames().stream().filter(f -> f.type() == GOAWAY).toList();
      if (goAways.isEmpty()) {
        return "idle: closed without GOAWAY";
      }
      for (RawConnection.Frame f : goAways) {
        if (f.errorCode() != NO_ERROR) {
          return "idle: " + f;
        }
      }
      return "idle: GOAWAY(NO_ERROR)";
    }
  }

  private static String summary(List<String> results) {
    return results.stream()
        .collect(java.util.stream.Collectors.groupingBy(r -> r, java.util.TreeMap::new, java.util.stream.Collectors.counting()))
        .toString();
  }
}
