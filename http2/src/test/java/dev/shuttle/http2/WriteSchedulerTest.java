package dev.shuttle.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.hpack.HpackEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The order frames leave a connection in, and what the write budget does, seen in the bytes the
 * scheduler writes (drained on the test's thread).
 */
class WriteSchedulerTest {
  private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
  private final AtomicBoolean outputDone = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
  private final WriteScheduler.Events events =
      new WriteScheduler.Events() {
        @Override
        public void onOutputDone() {
          outputDone.set(true);
        }

        @Override
        public void onWriteFailure(Throwable t) {
          failure.set(t);
        }

        @Override
        public void onDataDropped(int bytes) {
          dropped.addAndGet(bytes);
        }
      };

  private WriteScheduler scheduler(OutputStream out, int budget) {
    return new WriteScheduler(out, budget, HpackEncoder.Policy.DEFAULT, events, "test-writer");
  }

  private static Http2Stream stream(int id) {
    return new Http2Stream(id, null);
  }

  /** A frame as written: type, stream, length and flags. */
  record Written(int type, int streamId, int length, int flags) {}

  private List<Written> written() {
    byte[] b = wire.toByteArray();
    List<Written> frames = new ArrayList<>();
    for (int at = 0; at < b.length; ) {
      int length = ((b[at] & 0xff) << 16) | ((b[at + 1] & 0xff) << 8) | (b[at + 2] & 0xff);
      frames.add(new Written(b[at + 3] & 0xff, Bytes.readInt(b, at + 5) & 0x7fffffff, length, b[at + 4] & 0xff));
      at += 9 + length;
    }
    return frames;
  }

  private static int indexOf(List<Written> frames, int type, int streamId) {
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).type() == type && frames.get(i).streamId() == streamId) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void aSmallResponseGoesOutBetweenTheTurnsOfALargeOne() {
    WriteScheduler scheduler = scheduler(wire, 8 << 20);
    Http2Stream large = stream(1);
    Http2Stream small = stream(3);
    scheduler.stream(new WriteOp.Data(large, new byte[1 << 20], 0, 1 << 20, true, false));
    scheduler.stream(new WriteOp.Data(small, new byte[100], 0, 100, true, false));
    scheduler.flush();

    List<Written> frames = written();
    int smallAt = indexOf(frames, FrameType.DATA, 3);
    long largeBytesBefore =
        frames.subList(0, smallAt).stream().filter(f -> f.streamId() == 1).mapToLong(Written::length).sum();
    assertEquals(WriteScheduler.DATA_QUOTA, largeBytesBefore, "one turn of the large stream, then the small one");
    assertEquals(64 + 1, frames.size(), "1 MiB in 16 KiB frames, and the small one");
    assertTrue((frames.getLast().flags() & FrameType.FLAG_END_STREAM) != 0);
  }

  @Test
  void controlFramesGoAheadOfStreamFramesQueuedBeforeThem() {
    WriteScheduler scheduler = scheduler(wire, 8 << 20);
    Http2Stream large = stream(1);
    scheduler.stream(new WriteOp.Data(large, new byte[256 * 1024], 0, 256 * 1024, false, false));
    scheduler.reply(Frames.ping(true, 7));
    scheduler.flush();
    assertEquals(FrameType.PING, written().getFirst().type());
  }

  @Test
  void framesOfOneStreamKeepTheirOrder() {
    WriteScheduler scheduler = scheduler(wire, 8 << 20);
    Http2Stream s = stream(1);
    scheduler.stream(new WriteOp.Headers(s, new Http2Headers().add(":status", "200"), null, false, false));
    scheduler.stream(new WriteOp.Data(s, new byte[40_000], 0, 40_000, false, false));
    scheduler.stream(new WriteOp.Headers(s, new Http2Headers().add("grpc-status", "0"), null, true, false));
    scheduler.stream(new WriteOp.StreamReset(s, Http2ErrorCode.NO_ERROR, false));
    scheduler.flush();
    List<Integer> types = written().stream().map(Written::type).toList();
    assertEquals(
        List.of(FrameType.HEADERS, FrameType.DATA, FrameType.DATA, FrameType.DATA, FrameType.HEADERS, FrameType.RST_STREAM),
        types);
  }

  @Test
  void pastTheBudgetOurOwnDataIsBackPressureEvenWithAPingAckBehindIt() {
    OutputStream stuck = OutputStream.nullOutputStream();
    WriteScheduler scheduler = scheduler(stuck, 4096);
    Http2Stream s = stream(1);
    scheduler.stream(new WriteOp.Data(s, new byte[5000], 0, 5000, false, false));
    assertTrue(scheduler.isOverBudget());
    assertFalse(scheduler.provokedOverBudget(), "our own data is back-pressure, not abuse");
    scheduler.reply(Frames.ping(true, 1)); // a slow reader's BDP ping, read before the reader waited
    assertFalse(scheduler.provokedOverBudget(), "one ack behind our data is no abuse either");
    scheduler.flush();
    assertFalse(scheduler.isOverBudget(), "drained");
    assertEquals(0, scheduler.queuedBytes());
  }

  @Test
  void framesThePeerProvokedFillingTheBudgetMarkTheConnection() {
    WriteScheduler scheduler = scheduler(OutputStream.nullOutputStream(), 4096);
    for (int i = 0; !scheduler.isOverBudget(); i++) {
      assertFalse(scheduler.provokedOverBudget(), "under the budget after " + i + " acks");
      scheduler.reply(Frames.ping(true, i));
    }
    assertTrue(scheduler.provokedOverBudget(), "acks the peer does not read filled the budget");
    scheduler.flush();
    assertEquals(0, scheduler.queuedBytes());
  }

  @Test
  void provokedFramesCountOnlyWhileQueued() {
    WriteScheduler scheduler = scheduler(OutputStream.nullOutputStream(), 4096);
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 100; i++) {
        scheduler.reply(Frames.ping(true, i)); // 1700 bytes a round, written before the next
      }
      scheduler.flush();
    }
    Http2Stream s = stream(1);
    scheduler.stream(new WriteOp.Data(s, new byte[5000], 0, 5000, false, false));
    scheduler.reply(Frames.ping(true, 1));
    assertFalse(scheduler.provokedOverBudget(), "acks written earlier no longer count");
  }

  @Test
  void aResetDropsTheStreamsQueuedFramesAndGivesTheirCreditBack() {
    WriteScheduler scheduler = scheduler(wire, 8 << 20);
    Http2Stream peerStream = stream(2);
    scheduler.stream(new WriteOp.Data(peerStream, new byte[3000], 0, 3000, false, false));
    scheduler.reset(peerStream, Http2ErrorCode.CANCEL, true, false);
    scheduler.stream(new WriteOp.Data(peerStream, new byte[500], 0, 500, false, false)); // raced the reset
    scheduler.flush();
    assertEquals(List.of(new Written(FrameType.RST_STREAM, 2, 4, 0)), written());
    assertEquals(3500, dropped.get(), "the credit of the DATA dropped goes back");
    assertEquals(0, scheduler.queuedBytes());
  }

  @Test
  void aStreamOfOursThatNeverWentOutIsDroppedWithoutAReset() {
    WriteScheduler scheduler = scheduler(wire, 8 << 20);
    Http2Stream unsent = stream(1);
    scheduler.stream(new WriteOp.Headers(unsent, new Http2Headers().add(":method", "POST"), null, false, false));
    scheduler.reset(unsent, Http2ErrorCode.CANCEL, false, false);
    scheduler.flush();
    assertEquals(List.of(), written(), "the peer never heard of the stream, so it gets no RST_STREAM for it");
  }

  @Test
  void closeWhenDoneWritesEverythingFirst() {
    WriteScheduler scheduler = scheduler(wire, 8 << 20);
    Http2Stream s = stream(1);
    scheduler.stream(new WriteOp.Data(s, new byte[100_000], 0, 100_000, true, false));
    scheduler.control(Frames.goAway(1, Http2ErrorCode.NO_ERROR, ""));
    scheduler.closeWhenDone();
    scheduler.flush();
    assertTrue(outputDone.get());
    assertEquals(100_000, written().stream().filter(f -> f.type() == FrameType.DATA).mapToInt(Written::length).sum());
  }

  @Test
  void closeAfterControlDropsStreamFrames() {
    WriteScheduler scheduler = scheduler(wire, 8 << 20);
    Http2Stream s = stream(1);
    scheduler.stream(new WriteOp.Data(s, new byte[100_000], 0, 100_000, true, false));
    scheduler.closeAfterControl(Frames.goAway(1, Http2ErrorCode.PROTOCOL_ERROR, "bad"));
    scheduler.flush();
    assertTrue(outputDone.get());
    assertEquals(List.of(FrameType.GOAWAY), written().stream().map(Written::type).toList());
  }

  @Test
  void aConnectionErrorDropsTheAcksThePeerProvokedButKeepsOurSettingsAndItsResets() {
    WriteScheduler scheduler = scheduler(wire, 8 << 20);
    scheduler.control(Frames.initialSettings(false, Http2Config.defaults()));
    scheduler.reply(Frames.ping(true, 7));
    scheduler.settingsAck(4096, 16384);
    scheduler.reply(Frames.rstStream(3, Http2ErrorCode.STREAM_CLOSED));
    scheduler.closeAfterControl(Frames.goAway(3, Http2ErrorCode.PROTOCOL_ERROR, "bad"));
    scheduler.flush();
    assertEquals(
        List.of(FrameType.SETTINGS, FrameType.RST_STREAM, FrameType.GOAWAY),
        written().stream().map(Written::type).toList(),
        "the peer must see our SETTINGS first, even when its first frames are already an error");
  }

  @Test
  void anyFailureToWriteEndsTheWriterAndIsReported() {
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("broken pipe");
          }

          @Override
          public void write(byte[] b, int off, int len) {
            throw new OutOfMemoryError("simulated");
          }
        };
    WriteScheduler scheduler = scheduler(failing, 8 << 20);
    scheduler.control(Frames.ping(false, 1));
    scheduler.flush();
    assertNotNull(failure.get());
    assertTrue(failure.get() instanceof OutOfMemoryError);
    long queued = scheduler.queuedBytes();
    scheduler.control(Frames.ping(false, 2));
    assertEquals(queued, scheduler.queuedBytes(), "nothing is queued after the writer ended");
  }
}
