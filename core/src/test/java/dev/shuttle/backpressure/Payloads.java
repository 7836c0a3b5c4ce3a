package dev.shuttle.backpressure;

import dev.shuttle.Marshaller;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The messages the back-pressure scenarios stream: raw bytes whose every 8-byte word is a
 * function of the message's sequence number and the word's position, so that a receiver can check
 * each message it gets, in order and intact, without a copy of what was sent.
 */
final class Payloads {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final long MIX = 0x9E3779B97F4A7C15L;

  /** Bytes as they are: the array sent is the message, and a received message is its own array. */
  static final Marshaller<byte[]> RAW =
      new Marshaller<>() {
        @Override
        public byte[] serialize(byte[] message) {
          return message;
        }

        @Override
        public byte[] parse(byte[] bytes, int offset, int length) {
          // The deframer hands over an array of exactly the message; copy only if it does not.
          return offset == 0 && length == bytes.length ? bytes : Arrays.copyOfRange(bytes, offset, offset + length);
        }
      };

  private Payloads() {}

  /** Message number {@code seq}, {@code size} bytes (a multiple of 8). */
  static byte[] make(long seq, int size) {
    byte[] bytes = new byte[size];
    for (int word = 0, offset = 0; offset < size; word++, offset += 8) {
      LONGS.set(bytes, offset, expected(seq, word));
    }
    return bytes;
  }

  /**
   * Checks that {@code bytes} is message number {@code seq} of {@code size} bytes.
   *
   * @throws IllegalStateException naming the first difference
   */
  static void verify(long seq, int size, byte[] bytes) {
    if (bytes.length != size) {
      throw new IllegalStateException("message " + seq + " has " + bytes.length + " bytes, expected " + size);
    }
    for (int word = 0, offset = 0; offset < size; word++, offset += 8) {
      long got = (long) LONGS.get(bytes, offset);
      if (got != expected(seq, word)) {
        throw new IllegalStateException(
            "message " + seq + " differs at byte " + offset + ": " + Long.toHexString(got) + " instead of "
                + Long.toHexString(expected(seq, word)));
      }
    }
  }

  private static long expected(long seq, int word) {
    return (seq + ((long) word << 40)) * MIX;
  }
}
