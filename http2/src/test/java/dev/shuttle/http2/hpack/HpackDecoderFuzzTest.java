package dev.shuttle.http2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.shuttle.http2.hpack.HpackTestSupport.Header;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the HPACK decoder (run alone: {@code bin/fuzz hpack}). Without
 * {@code JAZZER_FUZZ} each target runs once per file in {@code HpackDecoderFuzzTestInputs/<target>/}
 * (test resources, this package): seeds from RFC 7541 Appendix C and every input that ever broke
 * something.
 *
 * <p>Input format of both targets: one configuration octet, then header blocks, each behind a
 * two-octet big-endian length (cut short at the end of the input). All blocks go through one
 * decoder, as on a connection, so the dynamic table carries over.
 *
 * <ul>
 *   <li>bits 0-2: the header list limit, from {@link #LIST_LIMITS};
 *   <li>bits 3-4: the decoder's SETTINGS_HEADER_TABLE_SIZE, from {@link #TABLE_SIZES};
 *   <li>bit 7: after the first block the limit changes (an acknowledged SETTINGS) to the table
 *       size that bits 5-6 pick.
 * </ul>
 */
@Tag("fuzz")
class HpackDecoderFuzzTest {
  static final int[] LIST_LIMITS = {0, 64, 256, 1024, 4096, 8192, 16_384, 1 << 20};
  static final int[] TABLE_SIZES = {0, 64, 256, 4096};
  private static final int GUARD = 3;

  /**
   * Every block decodes or fails with {@link HpackException} (then the connection is over) or
   * {@link HeaderListTooLargeException} (then decoding goes on). Delivered fields never exceed
   * the list limit, and the dynamic table never exceeds its maximum, nor the maximum the limit.
   */
  @FuzzTest
  void decode(byte[] input) {
    Input in = new Input(input);
    int listLimit = LIST_LIMITS[in.config & 7];
    int tableLimit = TABLE_SIZES[(in.config >>> 3) & 3];
    HpackDecoder decoder = new HpackDecoder(tableLimit, listLimit);
    for (int blocks = 0; in.hasMore(); blocks++) {
      if (blocks == 1 && (in.config & 0x80) != 0) {
        tableLimit = TABLE_SIZES[(in.config >>> 5) & 3];
        decoder.setMaxTableSize(tableLimit);
      }
      byte[] guarded = in.nextBlockGuarded();
      long[] delivered = {0};
      try {
        decoder.decode(guarded, GUARD, guarded.length - 2 * GUARD, (name, value) -> {
          assertNotNull(name);
          assertNotNull(value);
          assertOctets(name);
          assertOctets(value);
          delivered[0] += name.length() + value.length() + 32L;
        });
      } catch (HpackException e) {
        assertNotNull(e.getMessage());
        assertTrue(delivered[0] <= listLimit, "delivered " + delivered[0] + " over the limit " + listLimit);
        return; // the table is undefined now: a real connection ends here
      } catch (HeaderListTooLargeException e) {
        assertEquals(listLimit, e.limit());
        assertTrue(e.size() > listLimit, "too large at " + e.size() + " for the limit " + listLimit);
        assertTrue(delivered[0] <= e.size());
      }
      assertTrue(delivered[0] <= listLimit, "delivered " + delivered[0] + " over the limit " + listLimit);
      assertTable(decoder, tableLimit);
    }
  }

  /**
   * What the decoder returns, encoded again with {@link HpackEncoder} (all three encode methods)
   * and decoded by a second decoder, is the same list.
   */
  @FuzzTest
  void roundTrip(byte[] input) throws Exception {
    Input in = new Input(input);
    HpackDecoder wire = new HpackDecoder(TABLE_SIZES[(in.config >>> 3) & 3], LIST_LIMITS[in.config & 7]);
    HpackEncoder encoder = new HpackEncoder();
    HpackDecoder again = new HpackDecoder(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE, Integer.MAX_VALUE);
    for (int blocks = 0; in.hasMore(); blocks++) {
      if (blocks == 1 && (in.config & 0x80) != 0) {
        int size = TABLE_SIZES[(in.config >>> 5) & 3];
        encoder.setMaxTableSize(size);
        again.setMaxTableSize(size);
      }
      byte[] block = in.nextBlockGuarded();
      List<Header> decoded = new ArrayList<>();
      try {
        wire.decode(block, GUARD, block.length - 2 * GUARD, (n, v) -> decoded.add(new Header(n, v)));
      } catch (HpackException e) {
        return;
      } catch (HeaderListTooLargeException e) {
        continue;
      }
      ByteSink out = new ByteSink(16);
      encoder.beginBlock(out);
      for (int i = 0; i < decoded.size(); i++) {
        Header h = decoded.get(i);
        // Which method encodes a field follows from the field, so inputs replay the same way.
        switch ((h.name().length() + h.value().length() + i) % 5) {
          case 0 -> encoder.encodeSensitiveHeader(h.name(), h.value(), out);
          case 1 -> HpackEncoder.encodeStateless(h.name(), h.value(), out);
          default -> encoder.encodeHeader(h.name(), h.value(), out);
        }
      }
      List<Header> roundTripped = new ArrayList<>();
      try {
        again.decode(out.array(), 0, out.size(), (n, v) -> roundTripped.add(new Header(n, v)));
      } catch (HpackException | HeaderListTooLargeException e) {
        fail("our own encoding of " + decoded + " does not decode: " + e.getMessage(), e);
      }
      assertEquals(decoded, roundTripped);
      assertTable(again, HpackDecoder.DEFAULT_HEADER_TABLE_SIZE);
    }
  }

  private static void assertOctets(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xFF) {
        fail("char " + (int) s.charAt(i) + " is not an octet");
      }
    }
  }

  /** The table's size is the sum of its entries, within its maximum, within the limit. */
  static void assertTable(HpackDecoder decoder, int tableLimit) {
    long sum = 0;
    for (int i = 1; i <= decoder.dynamicTableLength(); i++) {
      sum += decoder.dynamicName(i).length() + decoder.dynamicValue(i).length() + 32L;
    }
    assertEquals(sum, decoder.dynamicTableSize(), "table size against its entries");
    assertTrue(decoder.dynamicTableSize() <= decoder.dynamicTableMaxSize(), "table over its maximum");
    assertTrue(decoder.dynamicTableMaxSize() <= tableLimit, "table maximum over the SETTINGS limit");
  }

  /** The configuration octet and the length-prefixed blocks behind it. */
  static final class Input {
    final int config;
    private final byte[] bytes;
    private int pos;

    Input(byte[] bytes) {
      this.bytes = bytes;
      this.config = bytes.length > 0 ? bytes[0] & 0xFF : 0;
      this.pos = Math.min(1, bytes.length);
    }

    boolean hasMore() {
      return pos < bytes.length;
    }

    /**
     * The next block with {@link #GUARD} octets of 0xFF on either side, which would read as
     * integer continuations or long strings if the decoder strayed outside its slice.
     */
    byte[] nextBlockGuarded() {
      int length = 0;
      for (int i = 0; i < 2 && pos < bytes.length; i++) {
        length = (length << 8) | (bytes[pos++] & 0xFF);
      }
      length = Math.min(length, bytes.length - pos);
      byte[] guarded = new byte[length + 2 * GUARD];
      Arrays.fill(guarded, (byte) 0xFF);
      System.arraycopy(bytes, pos, guarded, GUARD, length);
      pos += length;
      return guarded;
    }
  }
}
