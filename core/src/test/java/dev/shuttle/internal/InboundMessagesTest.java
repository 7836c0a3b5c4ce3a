package dev.shuttle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The inbound flow-control policy: what window each step gives back. */
class InboundMessagesTest {
  private static final int BODY = 100;
  private static final int WIRE = MessageFramer.PREFIX_LENGTH + BODY;

  private final InboundMessages inbound = new InboundMessages(4 * 1024 * 1024, MessageBudget.UNLIMITED);

  private static byte[] framed(int count) {
    byte[] bytes = new byte[count * WIRE];
    for (int i = 0; i < count; i++) {
      MessageFramer.writePrefix(bytes, i * WIRE, false, BODY);
    }
    return bytes;
  }

  @Test
  void windowGoesBackAtOnceWhileTheApplicationWaitsForAMessage() {
    byte[] half = framed(1);
    assertEquals(50, inbound.onData(half, 0, 50), "a partial message: the application is waiting for it");
    assertEquals(0, inbound.onData(half, 50, WIRE - 50), "complete and unread: held");
    inbound.poll();
    assertEquals(WIRE - 50, inbound.windowToRelease());
  }

  @Test
  void messagesTakenWhileOthersWaitUnreadGiveBackWhatTheyTookABatchAtATime() {
    int batch = InboundMessages.RELEASE_BATCH / WIRE + 1; // messages that first make a batch
    byte[] many = framed(batch + 2);
    assertEquals(0, inbound.onData(many, 0, many.length));

    for (int i = 1; i < batch; i++) {
      inbound.poll();
      assertEquals(0, inbound.windowToRelease(), "message " + i + ": less than a batch taken");
    }
    inbound.poll();
    assertEquals(batch * WIRE, inbound.windowToRelease(), "a batch taken, two messages still queued");
    assertEquals(0, inbound.windowToRelease(), "nothing more for the same message");
    inbound.poll();
    assertEquals(0, inbound.windowToRelease());
    inbound.poll();
    assertEquals(2 * WIRE, inbound.windowToRelease(), "caught up: the rest");
  }

  @Test
  void catchingUpGivesBackAPartialMessageHeldBehindUnreadOnes() {
    byte[] two = framed(2);
    assertEquals(0, inbound.onData(two, 0, WIRE + 30), "one unread, 30 bytes of the next");

    inbound.poll();
    assertEquals(WIRE + 30, inbound.windowToRelease(), "the application waits again: all that is held");
  }
}
