package dev.shuttle.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a message's buffer grows as its DATA arrives. Every growth is a reservation from the
 * budget, so the reservations show each buffer the deframer allocated.
 */
class MessageDeframerTest {
  private static final int FRAME = 16 * 1024;

  /** Records every reservation, in order. */
  private static final class RecordingBudget implements MessageBudget {
    final List<Integer> reserved = new ArrayList<>();

    @Override
    public void reserve(int bytes) {
      reserved.add(bytes);
    }

    @Override
    public void release(int bytes) {}
  }

  private static byte[] framed(int length) {
    byte[] bytes = new byte[5 + length];
    bytes[1] = (byte) (length >>> 24);
    bytes[2] = (byte) (length >>> 16);
    bytes[3] = (byte) (length >>> 8);
    bytes[4] = (byte) length;
    for (int i = 5; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    return bytes;
  }

  /** Feeds {@code stream} in DATA-sized pieces; returns the messages. */
  private static List<byte[]> feedInFrames(MessageDeframer deframer, byte[] stream) {
    List<byte[]> messages = new ArrayList<>();
    for (int offset = 0; offset < stream.length; offset += FRAME) {
      deframer.feed(stream, offset, Math.min(FRAME, stream.length - offset), (message, compressed) -> messages.add(message));
    }
    return messages;
  }

  @Test
  void aSixtyFourKibPayloadAsAMessageGetsItsWholeBufferAtOnce() {
    int length = 64 * 1024 + 4; // a bytes field of 64 KiB: its tag and length are 4 bytes more
    byte[] stream = framed(length);
    RecordingBudget budget = new RecordingBudget();
    List<byte[]> messages = feedInFrames(new MessageDeframer(4 << 20, budget), stream);

    assertEquals(1, messages.size());
    assertArrayEquals(Arrays.copyOfRange(stream, 5, stream.length), messages.get(0));
    assertEquals(List.of(length), budget.reserved, "no second buffer for the last 4 bytes");
  }

  /**
   * A 1 MiB protobuf payload is a message a few bytes longer: growing sixteenfold from 64 KiB
   * stops 20 bytes short of it, and growing once more for them copied the whole megabyte again.
   */
  @Test
  void aMessageJustOverOneMibGrowsOnceStraightToItsLength() {
    int length = (1 << 20) + 20;
    byte[] stream = framed(length);
    RecordingBudget budget = new RecordingBudget();
    List<byte[]> messages = feedInFrames(new MessageDeframer(4 << 20, budget), stream);

    assertEquals(1, messages.size());
    assertArrayEquals(Arrays.copyOfRange(stream, 5, stream.length), messages.get(0));
    assertEquals(List.of(64 * 1024, length - 64 * 1024), budget.reserved);
  }

  @Test
  void aMessageFarLongerThanTheGrowthGrowsInSteps() {
    int length = 4 << 20;
    RecordingBudget budget = new RecordingBudget();
    List<byte[]> messages = feedInFrames(new MessageDeframer(4 << 20, budget), framed(length));

    assertEquals(1, messages.size());
    assertEquals(length, messages.get(0).length);
    // 64 KiB, then 1 MiB, then (within a factor of two of 16 MiB) all 4 MiB.
    assertEquals(List.of(64 * 1024, (1 << 20) - 64 * 1024, length - (1 << 20)), budget.reserved);
  }

  @Test
  void aMessageWithinTheEagerAllocationIsAllocatedOnce() {
    RecordingBudget budget = new RecordingBudget();
    List<byte[]> messages = feedInFrames(new MessageDeframer(4 << 20, budget), framed(40_000));

    assertEquals(1, messages.size());
    assertEquals(List.of(40_000), budget.reserved);
  }

  @Test
  void aPrefixAnnouncingMoreThanTheSlackGetsOnlyTheEagerBufferUntilBytesArrive() {
    int length = 64 * 1024 + MessageDeframer.EAGER_SLACK + 1;
    RecordingBudget budget = new RecordingBudget();
    MessageDeframer deframer = new MessageDeframer(4 << 20, budget);
    byte[] stream = framed(length);
    deframer.feed(stream, 0, 6, (message, compressed) -> {}); // the prefix and one byte

    assertEquals(List.of(64 * 1024), budget.reserved, "what a peer that then stops sending makes us hold");
  }
}
