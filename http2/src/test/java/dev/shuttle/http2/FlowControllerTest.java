package dev.shuttle.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.http2.config.Http2Config;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sending side of {@link FlowController} on its own: who gets the connection window when it
 * opens. Single-threaded, as the connection's lock makes it; the waiting itself is
 * {@link FlowControlTest}'s.
 */
class FlowControllerTest {
  private static final int CONNECTION_WINDOW = Http2Config.DEFAULT_PROTOCOL_WINDOW;
  private static final int CHUNK = 4096;

  private final FlowController flow = new FlowController(Http2Config.builder().build());
  private Http2Stream first;
  private Http2Stream second;
  private Http2Stream running;

  @BeforeEach
  void threeStreamsAndASpentConnectionWindow() {
    first = open(1);
    second = open(3);
    running = open(5);
    assertEquals(CONNECTION_WINDOW, flow.take(first, CONNECTION_WINDOW));
    assertFalse(flow.hasCredit(first));
  }

  private Http2Stream open(int id) {
    Http2Stream stream = new Http2Stream(id, null);
    flow.open(stream);
    stream.sendWindow = 1 << 20; // only the connection window limits these streams
    return stream;
  }

  @Test
  void openingWindowGoesToTheWaitingWritersBeforeAWriterThatDidNotWait() throws Exception {
    flow.queueForCredit(first, CHUNK);
    flow.queueForCredit(second, CHUNK);

    flow.onConnectionWindowUpdate(2 * CHUNK);

    assertFalse(flow.hasCredit(running), "a writer that arrives now finds the window granted");
    assertEquals(0, flow.take(running, CHUNK));
    assertEquals(CHUNK, flow.take(second, CHUNK), "the second in line got its chunk");
    assertEquals(CHUNK, flow.take(first, CHUNK), "the first in line got its chunk");
    assertEquals(0, flow.take(first, CHUNK), "and no more than it waited for");
  }

  @Test
  void whatIsLeftAfterTheGrantsIsForWhoeverTakesIt() throws Exception {
    flow.queueForCredit(first, CHUNK);
    flow.onConnectionWindowUpdate(3 * CHUNK);

    assertEquals(2 * CHUNK, flow.take(running, 4 * CHUNK));
    assertEquals(CHUNK, flow.take(first, 4 * CHUNK), "the grant stayed with the writer that waited");
  }

  @Test
  void windowTooSmallForTheFirstInLineStaysWithItUntilItsChunkIsComplete() throws Exception {
    flow.queueForCredit(first, CHUNK);
    flow.queueForCredit(second, CHUNK);

    flow.onConnectionWindowUpdate(CHUNK / 2);
    flow.onConnectionWindowUpdate(CHUNK);

    assertEquals(CHUNK, flow.take(first, CHUNK), "the first in line was granted both halves of its chunk");
    assertEquals(CHUNK / 2, flow.take(second, CHUNK), "the second got what was left");
  }

  @Test
  void writerThatStopsWaitingLeavesItsPlaceAndItsGrantToTheNext() throws Exception {
    flow.queueForCredit(first, CHUNK);
    flow.queueForCredit(second, CHUNK);
    flow.onConnectionWindowUpdate(CHUNK);

    flow.stopWaiting(first); // its stream closed, or its writer was interrupted

    assertEquals(CHUNK, flow.take(second, CHUNK), "the grant went on to the next in line");
    assertEquals(0, flow.take(running, CHUNK));
  }

  @Test
  void grantIsNoLargerThanTheStreamsOwnWindow() throws Exception {
    second.sendWindow = 100;
    flow.queueForCredit(second, CHUNK);
    flow.queueForCredit(first, CHUNK);

    flow.onConnectionWindowUpdate(2 * CHUNK);

    assertEquals(100, flow.take(second, CHUNK));
    assertEquals(CHUNK, flow.take(first, CHUNK));
    assertEquals(CHUNK - 100, flow.take(running, CHUNK), "the rest was free");
  }

  @Test
  void streamWhoseOwnWindowIsClosedDoesNotQueueForTheConnectionWindow() throws Exception {
    second.sendWindow = 0;
    flow.queueForCredit(second, CHUNK);

    flow.onConnectionWindowUpdate(CHUNK);

    assertTrue(flow.hasCredit(running), "nothing was set aside for a stream that cannot send");
  }

  @Test
  void creditOfDroppedDataGoesToTheWaitingWriters() {
    flow.queueForCredit(second, CHUNK);

    flow.giveBack(CHUNK); // DATA of a reset stream, never sent

    assertEquals(0, flow.take(running, CHUNK));
    assertEquals(CHUNK, flow.take(second, CHUNK));
  }
}
