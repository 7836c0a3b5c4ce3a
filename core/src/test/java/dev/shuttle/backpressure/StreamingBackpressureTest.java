package dev.shuttle.backpressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.Channel;
import dev.shuttle.Server;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Streaming back-pressure end to end: a gibibyte streamed to a receiver that keeps pausing, in a
 * JVM whose heap ({@value #HEAP}) holds neither the gibibyte nor any sizeable part of it. The
 * server and the client share that JVM ({@link BackpressureScenario}) and talk HTTP/2 over
 * loopback TCP, so both ends are bounded at once: whichever side buffered what it could not
 * send or had not yet read would run out of memory, which ends the JVM.
 *
 * <p>Each test proves delivery (every message arrives, in order, byte for byte, see
 * {@link Payloads}), that flow control held the sender back (it never ran further ahead of its
 * reader than the reader's window allows, and its {@code send} was blocked when the reader
 * paused), and that the live heap stayed small while every window was full.
 */
class StreamingBackpressureTest {
  private static final System.Logger LOG = System.getLogger(StreamingBackpressureTest.class.getName());
  private static final String HEAP = "64m";
  private static final long MIB = 1L << 20;
  private static final long TOTAL = 1L << 30;
  private static final int MESSAGE_SIZE = 256 * 1024;
  /**
   * How far flow control lets a sender get ahead of its reader: the reader's stream window (the
   * client's down, the server's up), plus a partial message whose window went back as it
   * arrived, plus the message the reader has just taken and not yet counted.
   */
  private static final long MAX_LEAD_DOWN = Channel.DEFAULT_INITIAL_STREAM_WINDOW + 2L * MESSAGE_SIZE;

  private static final long MAX_LEAD_UP = Server.DEFAULT_INITIAL_STREAM_WINDOW + 2L * MESSAGE_SIZE;
  /**
   * What the streams may add to the live heap, measured with every window full: a few windows,
   * write queues and messages in hand, a small fraction of what is streamed.
   */
  private static final long MAX_LIVE_HEAP_GROWTH = 16 * MIB;
  /** Only a stuck run takes this long; a run takes seconds. */
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @Test
  void serverStreamingAGibibyteToASlowClientIsHeldToTheClientsWindow() throws Exception {
    Map<String, Long> result = run("serverStreaming");
    assertDelivered(result, "down");
    assertHeldBack(result, "down");
    assertLiveHeapStayedSmall(result);
  }

  @Test
  void clientStreamingAGibibyteToASlowHandlerIsHeldToTheHandlersWindow() throws Exception {
    Map<String, Long> result = run("clientStreaming");
    assertDelivered(result, "up");
    assertHeldBack(result, "up");
    assertTrue(
        result.get("serverPeakBufferedRequestBytes") <= MAX_LEAD_UP,
        () -> "the server buffered up to " + result.get("serverPeakBufferedRequestBytes")
            + " bytes of requests, more than the window allows: " + result);
    assertEquals(0, result.get("serverBufferedRequestBytesAtEnd"), () -> "requests left buffered: " + result);
    assertLiveHeapStayedSmall(result);
  }

  /**
   * The server echoes every request, and only the client reads slowly: the echo's blocked
   * {@code send} stops the handler reading, which closes the request window, which blocks the
   * client's own {@code send}. Both directions stream a gibibyte at once.
   */
  @Test
  void bidiEchoOfAGibibyteToASlowClientHoldsBackBothDirections() throws Exception {
    Map<String, Long> result = run("bidi");
    assertDelivered(result, "up");
    assertDelivered(result, "down");
    assertHeldBack(result, "down");
    assertHeldBack(result, "up");
    assertLiveHeapStayedSmall(result);
  }

  private static Map<String, Long> run(String scenario) throws Exception {
    SmallHeapJvm.Outcome outcome =
        SmallHeapJvm.run(
            BackpressureScenario.class,
            HEAP,
            TIMEOUT,
            "scenario=" + scenario,
            "total=" + TOTAL,
            "messageSize=" + MESSAGE_SIZE,
            "pauseEvery=" + 16 * MIB,
            "stallMillis=5",
            "measureHeapEvery=8");
    assertFalse(outcome.ranOutOfMemory(), outcome::log);
    assertEquals(0, outcome.exitCode(), outcome::log);
    String line = outcome.line("result ");
    assertNotNull(line, outcome::log);
    LOG.log(System.Logger.Level.INFO, line);
    Map<String, Long> result = new HashMap<>();
    for (String field : line.substring("result ".length()).split(" ")) {
      int eq = field.indexOf('=');
      String value = field.substring(eq + 1);
      if (!field.startsWith("scenario=")) {
        result.put(field.substring(0, eq), Long.parseLong(value));
      }
    }
    assertTrue(result.get("heapMax") <= 64 * MIB, () -> "the forked JVM's heap is not small: " + line);
    return result;
  }

  /** Every message arrived; the scenario itself checked each one's sequence and bytes. */
  private static void assertDelivered(Map<String, Long> result, String direction) {
    assertEquals(TOTAL / MESSAGE_SIZE, result.get(direction + "Messages"), () -> direction + " messages: " + result);
    assertEquals(TOTAL, result.get(direction + "Bytes"), () -> direction + " bytes: " + result);
  }

  /**
   * The sender never got further ahead than the window allows, and some of its sends were still
   * blocked when the paused reader resumed: flow control, not luck, kept it in step.
   */
  private static void assertHeldBack(Map<String, Long> result, String direction) {
    long maxLead = result.get(direction + "MaxLead");
    long allowed = direction.equals("down") ? MAX_LEAD_DOWN : MAX_LEAD_UP;
    assertTrue(
        maxLead <= allowed,
        () -> direction + ": the sender got " + maxLead + " bytes ahead of its reader, more than the "
            + allowed + " flow control allows: " + result);
    assertTrue(result.get("stalledPauses") > 0, () -> "the sender never stalled while the reader paused: " + result);
    assertTrue(
        result.get(direction + "SendsHeldOverAPause") > 0,
        () -> direction + ": no send was blocked across a pause of the reader: " + result);
  }

  private static void assertLiveHeapStayedSmall(Map<String, Long> result) {
    assertTrue(result.get("liveHeapMeasurements") > 0, () -> "the live heap was never measured: " + result);
    long growth = result.get("peakLiveHeap") - result.get("liveHeapBefore");
    assertTrue(
        growth <= MAX_LIVE_HEAP_GROWTH,
        () -> "streaming added " + growth / MIB + " MiB to the live heap, more than " + MAX_LIVE_HEAP_GROWTH / MIB
            + " MiB: " + result);
  }
}
