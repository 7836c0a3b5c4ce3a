package dev.shuttle.http2.hpack;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.util.Objects;

/**
 * HPACK decoder (RFC 7541) for one direction of one connection. Not thread-safe.
 *
 * <p>After an {@link HpackException} the dynamic table is undefined and the connection must be
 * closed; after a {@link HeaderListTooLargeException} it is intact and decoding can go on.
 */
public final class HpackDecoder {
  /** The initial SETTINGS_HEADER_TABLE_SIZE of HTTP/2. */
  public static final int DEFAULT_HEADER_TABLE_SIZE = 4096;

  private static final int ENTRY_OVERHEAD = 32;
  // RFC 7541 4.2: the smallest then the final size, so more than two is a broken encoder.
  private static final int MAX_SIZE_UPDATES = 2;
  // A peer can make us decode one huge string; don't keep a buffer that size for the connection.
  private static final int MAX_RETAINED_SCRATCH = 16 * 1024;

  private int maxTableSizeLimit;
  private int maxHeaderListSize;
  // The limit went below the table's current maximum: the peer's encoder must shrink its table
  // with a size update at the start of its next block, or the two tables would drift apart.
  private boolean sizeUpdateRequired;

  // Dynamic table: ring buffer, newest entry at (tail - 1), HPACK dynamic index i at (tail - i).
  private String[] names = new String[16];
  private String[] values = new String[16];
  // FieldSyntax's verdict on each entry, taken when it was added: a field repeated by index is
  // scanned once per connection, not once per block.
  private boolean[] wellFormed = new boolean[16];
  private int tail;
  private int count;
  private int tableSize;
  private int tableMaxSize;

  private byte[] scratch = new byte[256];

  // The block being decoded; fields rather than locals so the helpers can advance the cursor.
  private byte[] buf;
  private int pos;
  private int end;

  /**
   * Creates a decoder.
   *
   * @param maxTableSize the SETTINGS_HEADER_TABLE_SIZE in effect: the cap for dynamic table size
   *     updates, and the initial table size. Use {@link #DEFAULT_HEADER_TABLE_SIZE} until the peer
   *     acknowledges a different advertised value, then call {@link #setMaxTableSize}.
   * @param maxHeaderListSize limit on the decoded list size (RFC 9113 6.5.2 accounting)
   */
  public HpackDecoder(int maxTableSize, int maxHeaderListSize) {
    this.maxTableSizeLimit = requireNonNegative(maxTableSize, "maxTableSize");
    this.maxHeaderListSize = requireNonNegative(maxHeaderListSize, "maxHeaderListSize");
    this.tableMaxSize = maxTableSize;
  }

  /**
   * Decodes one complete header block (HEADERS and CONTINUATION fragments already joined) and
   * passes each field to {@code sink} in order.
   *
   * <p>An exception thrown by the sink propagates and leaves the dynamic table out of sync, like
   * an {@link HpackException}.
   *
   * @throws HpackException the block is malformed (connection error COMPRESSION_ERROR)
   * @throws HeaderListTooLargeException the decoded list exceeded the limit; the block was still
   *     fully decoded, and fields past the limit were not delivered
   */
  public void decode(byte[] block, int offset, int length, HeaderSink sink)
      throws HpackException, HeaderListTooLargeException {
    Objects.checkFromIndexSize(offset, length, block.length);
    Objects.requireNonNull(sink, "sink");
    buf = block;
    pos = offset;
    end = offset + length;
    try {
      decodeSizeUpdates();
      long listSize = 0;
      final long limit = maxHeaderListSize;
      while (pos < end) {
        int b = buf[pos] & 0xFF;
        String name;
        String value;
        boolean checked;
        if (b >= 0x80) { // indexed field
          int index = readInt(7);
          if (index == 0) {
            throw new HpackException("indexed header field with index 0");
          }
          if (index <= StaticTable.LENGTH) {
            name = StaticTable.NAMES[index];
            value = StaticTable.VALUES[index];
            checked = STATIC_WELL_FORMED[index];
          } else {
            int slot = dynamicSlot(index);
            name = names[slot];
            value = values[slot];
            checked = wellFormed[slot];
          }
        } else if (b >= 0x40) { // literal with incremental indexing
          int index = readInt(6);
          name = index == 0 ? readString() : nameAt(index);
          value = readString();
          checked = FieldSyntax.isWellFormed(name, value);
          add(name, value, checked);
        } else if (b >= 0x20) {
          throw new HpackException("dynamic table size update after the first header field");
        } else { // literal without indexing (0000) or never indexed (0001)
          int index = readInt(4);
          if (listSize > limit) {
            // Already over the limit and not needed for the table: validate and count only,
            // so an oversized list costs no String allocations.
            long nameLength = index == 0 ? skipString() : nameAt(index).length();
            listSize += nameLength + skipString() + ENTRY_OVERHEAD;
            continue;
          }
          name = index == 0 ? readString() : nameAt(index);
          value = readString();
          checked = false; // seen once: the sink checks it, no need to do it twice
        }
        listSize += (long) name.length() + value.length() + ENTRY_OVERHEAD;
        if (listSize <= limit) {
          sink.onHeader(name, value, checked);
        }
      }
      if (listSize > limit) {
        throw new HeaderListTooLargeException(maxHeaderListSize, listSize);
      }
    } finally {
      buf = null; // don't pin the caller's (possibly large) array
    }
  }

  /** We advertised a new SETTINGS_HEADER_TABLE_SIZE and the peer acknowledged it. */
  public void setMaxTableSize(int maxTableSize) {
    maxTableSizeLimit = requireNonNegative(maxTableSize, "maxTableSize");
    sizeUpdateRequired = tableMaxSize > maxTableSize;
  }

  /** Sets the limit on the decoded header list size (RFC 9113 6.5.2 accounting). */
  public void setMaxHeaderListSize(int maxHeaderListSize) {
    this.maxHeaderListSize = requireNonNegative(maxHeaderListSize, "maxHeaderListSize");
  }

  private void decodeSizeUpdates() throws HpackException {
    int updates = 0;
    while (pos < end && (buf[pos] & 0xE0) == 0x20) {
      if (++updates > MAX_SIZE_UPDATES) {
        throw new HpackException("more than two dynamic table size updates");
      }
      int newMax = readInt(5);
      if (newMax > maxTableSizeLimit) {
        throw new HpackException(
            "dynamic table size update to " + newMax + " exceeds the limit " + maxTableSizeLimit);
      }
      tableMaxSize = newMax;
      evictUntil(newMax);
    }
    if (sizeUpdateRequired) {
      if (updates == 0) {
        throw new HpackException("missing dynamic table size update after a SETTINGS change");
      }
      sizeUpdateRequired = false;
    }
  }

  /** RFC 7541 5.1, rejecting values that don't fit in an int and overlong encodings. */
  private int readInt(int prefixBits) throws HpackException {
    if (pos >= end) {
      throw new HpackException("truncated header block");
    }
    int mask = (1 << prefixBits) - 1;
    int value = buf[pos++] & mask;
    if (value < mask) {
      return value;
    }
    long acc = value;
    for (int shift = 0; shift <= 28; shift += 7) {
      if (pos >= end) {
        throw new HpackException("truncated integer");
      }
      int b = buf[pos++];
      acc += (long) (b & 0x7F) << shift;
      if (acc > Integer.MAX_VALUE) {
        throw new HpackException("integer overflow");
      }
      if ((b & 0x80) == 0) {
        return (int) acc;
      }
    }
    // Five continuation octets carry 35 bits; anything longer is padding with zeros or an attack.
    throw new HpackException("integer encoding too long");
  }

  private String readString() throws HpackException {
    if (pos >= end) {
      throw new HpackException("truncated header block: missing string literal");
    }
    boolean huffman = (buf[pos] & 0x80) != 0;
    int length = readInt(7);
    if (length > end - pos) {
      throw new HpackException("string literal of " + length + " octets runs past the block");
    }
    int start = pos;
    pos += length;
    if (length == 0) {
      return "";
    }
    if (!huffman) {
      return new String(buf, start, length, ISO_8859_1);
    }
    byte[] dst = decodeBuffer(length);
    int n = Huffman.decode(buf, start, length, dst);
    return new String(dst, 0, n, ISO_8859_1);
  }

  /** Like {@link #readString} but only returns the decoded length. */
  private int skipString() throws HpackException {
    if (pos >= end) {
      throw new HpackException("truncated header block: missing string literal");
    }
    boolean huffman = (buf[pos] & 0x80) != 0;
    int length = readInt(7);
    if (length > end - pos) {
      throw new HpackException("string literal of " + length + " octets runs past the block");
    }
    int start = pos;
    pos += length;
    return huffman ? Huffman.decodedLength(buf, start, length) : length;
  }

  private byte[] decodeBuffer(int encodedLength) throws HpackException {
    long needed = Huffman.decodeBufferSize(encodedLength);
    if (needed <= scratch.length) {
      return scratch;
    }
    if (needed > Integer.MAX_VALUE - 8) {
      throw new HpackException("Huffman-encoded string too long");
    }
    if (needed > MAX_RETAINED_SCRATCH) {
      return new byte[(int) needed];
    }
    scratch = new byte[Math.max((int) needed, Math.min(scratch.length * 2, MAX_RETAINED_SCRATCH))];
    return scratch;
  }

  private String nameAt(int index) throws HpackException {
    return index <= StaticTable.LENGTH ? StaticTable.NAMES[index] : names[dynamicSlot(index)];
  }

  private int dynamicSlot(int index) throws HpackException {
    int i = index - StaticTable.LENGTH;
    if (i > count) {
      throw new HpackException(
          "index " + index + " beyond the table (" + (StaticTable.LENGTH + count) + " entries)");
    }
    return (tail - i) & (names.length - 1);
  }

  private void add(String name, String value, boolean checked) {
    long entrySize = (long) name.length() + value.length() + ENTRY_OVERHEAD;
    if (entrySize > tableMaxSize) {
      evictUntil(0); // RFC 7541 4.4: an entry larger than the table empties it
      return;
    }
    evictUntil(tableMaxSize - (int) entrySize);
    if (count == names.length) {
      growRing();
    }
    int slot = tail;
    names[slot] = name;
    values[slot] = value;
    wellFormed[slot] = checked;
    tail = (tail + 1) & (names.length - 1);
    count++;
    tableSize += (int) entrySize;
  }

  private void evictUntil(int maxSize) {
    int mask = names.length - 1;
    while (tableSize > maxSize) {
      int slot = (tail - count) & mask;
      tableSize -= names[slot].length() + values[slot].length() + ENTRY_OVERHEAD;
      names[slot] = null;
      values[slot] = null;
      count--;
    }
  }

  private void growRing() {
    int n = names.length;
    String[] newNames = new String[n * 2];
    String[] newValues = new String[n * 2];
    boolean[] newWellFormed = new boolean[n * 2];
    // Full ring: the oldest entry is at tail; unroll it to start at 0.
    int first = n - tail;
    System.arraycopy(names, tail, newNames, 0, first);
    System.arraycopy(names, 0, newNames, first, tail);
    System.arraycopy(values, tail, newValues, 0, first);
    System.arraycopy(values, 0, newValues, first, tail);
    System.arraycopy(wellFormed, tail, newWellFormed, 0, first);
    System.arraycopy(wellFormed, 0, newWellFormed, first, tail);
    names = newNames;
    values = newValues;
    wellFormed = newWellFormed;
    tail = n;
  }

  private static final boolean[] STATIC_WELL_FORMED = new boolean[StaticTable.LENGTH + 1];

  static {
    for (int i = 1; i <= StaticTable.LENGTH; i++) {
      STATIC_WELL_FORMED[i] = FieldSyntax.isWellFormed(StaticTable.NAMES[i], StaticTable.VALUES[i]);
    }
  }

  private static int requireNonNegative(int value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must not be negative: " + value);
    }
    return value;
  }

  // Introspection for tests.

  int dynamicTableSize() {
    return tableSize;
  }

  int dynamicTableLength() {
    return count;
  }

  int dynamicTableMaxSize() {
    return tableMaxSize;
  }

  /** Name of the entry at dynamic index {@code i} (1 = newest). */
  String dynamicName(int i) {
    Objects.checkIndex(i - 1, count);
    return names[(tail - i) & (names.length - 1)];
  }

  /** Value of the entry at dynamic index {@code i} (1 = newest). */
  String dynamicValue(int i) {
    Objects.checkIndex(i - 1, count);
    return values[(tail - i) & (names.length - 1)];
  }
}
