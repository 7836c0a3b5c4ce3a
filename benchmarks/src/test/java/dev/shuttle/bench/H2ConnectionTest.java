package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The load client's check of which header blocks may take their meaning from its cache. */
class H2ConnectionTest {
  private static boolean leavesTableAlone(int... bytes) {
    byte[] block = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      block[i] = (byte) bytes[i];
    }
    return H2Connection.leavesTableAlone(block, 0, block.length);
  }

  @Test
  void indexedFieldsLeaveTheTableAlone() {
    assertTrue(leavesTableAlone(0x88, 0xbe, 0xbf)); // :status 200, two dynamic entries
    assertTrue(leavesTableAlone(0xff, 0x80, 0x01)); // index 255, a multi-byte integer
  }

  @Test
  void literalsWithoutOrNeverIndexingLeaveTheTableAlone() {
    // content-type (static name 31) without indexing, value "a"; then a new name "te" never indexed, value "b"
    assertTrue(leavesTableAlone(0x0f, 0x10, 0x01, 'a', 0x10, 0x02, 't', 'e', 0x01, 'b'));
    // a Huffman-coded value is skipped by its length like any other
    assertTrue(leavesTableAlone(0x08, 0x82, 0x64, 0x02));
  }

  @Test
  void incrementalIndexingOrASizeUpdateChangesTheTable() {
    assertFalse(leavesTableAlone(0x88, 0x5f, 0x01, 'a')); // content-type with incremental indexing
    assertFalse(leavesTableAlone(0x20, 0x88)); // dynamic table size update to 0
  }

  @Test
  void aTruncatedBlockIsLeftToTheDecoder() {
    assertFalse(leavesTableAlone(0x0f, 0x10, 0x05, 'a')); // value shorter than its length
    assertFalse(leavesTableAlone(0xff)); // integer continuation missing
  }
}
