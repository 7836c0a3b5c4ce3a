package dev.shuttle.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the gRPC message deframer, with what a call puts behind it:
 * decompression and the inbound flow-control policy of {@link InboundMessages} (run alone:
 * {@code bin/fuzz deframer}). Without {@code JAZZER_FUZZ} the target runs once per file in
 * {@code MessageDeframerFuzzTestInputs/deframe/} (test resources, this package).
 *
 * <p>Input format: one configuration octet, then the bytes of the DATA frames of one call
 * direction. Bits 0-2 pick the maximum message size from {@link #MAX_SIZES}, bits 3-5 how the
 * bytes are cut into DATA payloads, from {@link #CHUNKS}, bits 6-7 the {@code grpc-encoding}
 * from {@link #ENCODINGS}.
 */
@Tag("fuzz")
class MessageDeframerFuzzTest {
  static final int[] MAX_SIZES = {0, 1, 5, 100, 1000, 65_536, 4 << 20, Integer.MAX_VALUE};
  static final int[] CHUNKS = {Integer.MAX_VALUE, 1, 2, 3, 5, 7, 64, 1000};
  static final String[] ENCODINGS = {null, "identity", "gzip", "snappy"};

  /**
   * Messages come out exactly as a plain reading of the length prefixes says, in any cut of the
   * bytes, none over the maximum size (compressed ones neither before nor after inflating), or
   * the call fails with a {@link StatusException}: {@code RESOURCE_EXHAUSTED} for a message
   * over the limit, {@code INTERNAL} for a bad flag or bad compressed data, {@code UNIMPLEMENTED}
   * for an unknown encoding; nothing else. Buffers grow with the bytes received, never to more
   * than the limit. All flow-control window comes back once the messages are read.
   */
  @FuzzTest
  void deframe(byte[] input) throws Exception {
    int config = input.length > 0 ? input[0] & 0xFF : 0;
    int maxSize = MAX_SIZES[config & 7];
    int chunk = CHUNKS[(config >>> 3) & 7];
    String encoding = ENCODINGS[config >>> 6];
    byte[] stream = Arrays.copyOfRange(input, Math.min(1, input.length), input.length);
    Expected expected = Expected.of(stream, maxSize, encoding);

    CountingBudget budget = new CountingBudget();
    InboundMessages inbound = new InboundMessages(maxSize, budget);
    inbound.setEncoding(encoding);
    List<byte[]> received = new ArrayList<>();
    long released = 0;
    StatusException failure = null;
    for (int offset = 0, n = 0; offset < stream.length; offset += chunk, n++) {
      int length = Math.min(chunk, stream.length - offset);
      // Pad the slice with bytes the deframer must not read: a real DATA payload sits in the
      // connection's read buffer between other frames.
      byte[] frame = new byte[length + 6];
      Arrays.fill(frame, (byte) 0xEE);
      System.arraycopy(stream, offset, frame, 3, length);
      try {
        released += inbound.onData(frame, 3, length);
      } catch (StatusException e) {
        failure = e;
        break;
      }
      assertBufferBounded(inbound, maxSize, offset + length);
      if (n % 2 == 1) { // the application reads now and then, so window is sometimes held
        try {
          released += drain(inbound, received);
        } catch (StatusException e) {
          failure = e; // inflating happens as the application takes the message
          break;
        }
      }
      assertTrue(released <= offset + length, "window released for bytes not received");
    }
    if (failure == null) {
      try {
        released += drain(inbound, received);
      } catch (StatusException e) {
        failure = e;
      }
    }

    if (expected.failure != null) {
      if (failure == null) {
        fail("expected " + expected.failure + ", got " + received.size() + " messages");
      }
      assertEquals(expected.failure, failure.code(), failure.getMessage());
    } else if (failure != null) {
      throw new AssertionError("unexpected failure " + failure.status(), failure);
    } else {
      assertEquals(stream.length, released, "window returned once all messages are read");
      assertEquals(expected.atBoundary, inbound.isAtMessageBoundary(), "message boundary");
    }
    // Every byte reserved is given back: by the messages taken, and by dropping the rest.
    inbound.discard();
    assertEquals(0, budget.held, "bytes still reserved after the call ended");
    // Messages before a failure are delivered; after it nothing counts.
    int compare = failure == null ? expected.messages.size() : Math.min(received.size(), expected.messages.size());
    assertEquals(compare, received.size(), "messages delivered");
    for (int i = 0; i < compare; i++) {
      assertArrayEquals(expected.messages.get(i), received.get(i), "message " + i);
      assertTrue(received.get(i).length <= maxSize, "message " + i + " over the limit");
    }
  }

  /** A budget without a limit that checks the reservations add up. */
  private static final class CountingBudget implements MessageBudget {
    long held;

    @Override
    public void reserve(int bytes) {
      assertTrue(bytes >= 0, "negative reservation " + bytes);
      held += bytes;
    }

    @Override
    public void release(int bytes) {
      held -= bytes;
      assertTrue(held >= 0, "released more than was reserved");
    }
  }

  private static long drain(InboundMessages inbound, List<byte[]> received) {
    for (byte[] m; (m = inbound.poll()) != null; ) {
      received.add(inbound.decode(m, inbound.polledCompressed()));
    }
    return inbound.windowToRelease();
  }

  /** The partial message buffer is within the limit and grows with what has arrived. */
  private static void assertBufferBounded(InboundMessages inbound, int maxSize, long fed) throws Exception {
    byte[] partial = (byte[]) field(MessageDeframer.class, "message").get(field(InboundMessages.class, "deframer").get(inbound));
    if (partial != null) {
      assertTrue(partial.length <= maxSize, "buffer of " + partial.length + " for messages up to " + maxSize);
      assertTrue(partial.length <= Math.max(64 * 1024 + MessageDeframer.EAGER_SLACK, 2L * MessageDeframer.GROWTH * fed), "buffer of " + partial.length + " after " + fed + " bytes");
    }
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    Field f = type.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }

  /** What a plain reading of the whole stream at once says should happen. */
  record Expected(List<byte[]> messages, Status.Code failure, boolean atBoundary) {
    static Expected of(byte[] s, int maxSize, String encoding) {
      List<byte[]> messages = new ArrayList<>();
      int pos = 0;
      while (s.length - pos >= 5) {
        int flag = s[pos] & 0xff;
        long length = ((s[pos + 1] & 0xffL) << 24) | ((s[pos + 2] & 0xff) << 16) | ((s[pos + 3] & 0xff) << 8) | (s[pos + 4] & 0xff);
        if (flag > 1) {
          return new Expected(messages, Status.Code.INTERNAL, false);
        }
        if (length > maxSize) {
          return new Expected(messages, Status.Code.RESOURCE_EXHAUSTED, false);
        }
        if (s.length - pos - 5 < length) {
          return new Expected(messages, null, false);
        }
        byte[] message = Arrays.copyOfRange(s, pos + 5, pos + 5 + (int) length);
        pos += 5 + (int) length;
        if (flag == 1) {
          if (encoding == null || encoding.equals("identity")) {
            return new Expected(messages, Status.Code.INTERNAL, false);
          }
          if (!encoding.equals("gzip")) {
            return new Expected(messages, Status.Code.UNIMPLEMENTED, false);
          }
          byte[] inflated = gunzip(message, maxSize);
          if (inflated == null) {
            return new Expected(messages, Status.Code.INTERNAL, false);
          }
          if (inflated.length > maxSize) {
            return new Expected(messages, Status.Code.RESOURCE_EXHAUSTED, false);
          }
          message = inflated;
        }
        messages.add(message);
      }
      return new Expected(messages, null, pos == s.length);
    }

    /** The inflated bytes, cut off after {@code maxSize + 1}; null for corrupt data. */
    private static byte[] gunzip(byte[] compressed, int maxSize) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long limit = maxSize + 1L;
        byte[] buf = new byte[4096];
        for (int n; out.size() < limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit - out.size()))) > 0; ) {
          out.write(buf, 0, n);
        }
        return out.toByteArray();
      } catch (IOException e) {
        return null;
      }
    }
  }
}
