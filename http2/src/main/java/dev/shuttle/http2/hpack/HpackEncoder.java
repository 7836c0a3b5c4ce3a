package dev.shuttle.http2.hpack;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * HPACK encoder (RFC 7541) for one direction of one connection. Not thread-safe.
 *
 * <p>Indexing policy: fields are added to the dynamic table, as fields that repeat on every
 * request ({@code :path}, {@code :authority}, {@code content-type}, {@code user-agent}, ...) are
 * what it pays for; {@code content-length}, values longer than 256 octets and the names of a
 * {@link Policy} (the layer above knows which of its own headers rarely repeat) are not;
 * {@code authorization}, {@code proxy-authorization} and cookies shorter than 20 octets are sent
 * as never-indexed literals (RFC 7541 7.1.3) so intermediaries don't index them either.
 */
public final class HpackEncoder {
  /** The initial SETTINGS_HEADER_TABLE_SIZE of HTTP/2, and the most this encoder will use. */
  public static final int DEFAULT_HEADER_TABLE_SIZE = 4096;

  private static final int ENTRY_OVERHEAD = 32;
  private static final int MAX_INDEXED_VALUE_LENGTH = 256;
  private static final int MIN_INDEXED_COOKIE_LENGTH = 20;

  // First-octet patterns of the representations (RFC 7541 section 6).
  private static final int INDEXED = 0x80;
  private static final int WITH_INDEXING = 0x40;
  private static final int SIZE_UPDATE = 0x20;
  private static final int WITHOUT_INDEXING = 0x00;
  private static final int NEVER_INDEXED = 0x10;

  // Worst case besides the strings: three integers of at most 6 octets.
  private static final int FIELD_OVERHEAD = 18;

  // Per-name indexing policies.
  private static final int INDEX = 0;
  private static final int DONT_INDEX = 1;
  private static final int NEVER_INDEX = 2;
  private static final int NEVER_INDEX_IF_SHORT = 3;

  /** What the encoder knows about a name up front: its static entries and indexing policy. */
  private static final class NameInfo {
    final int staticIndex; // first static entry with this name, 0 if none
    final int policy;
    String[] staticValues = new String[0];
    int[] staticIndices = new int[0];

    NameInfo(int staticIndex, int policy) {
      this.staticIndex = staticIndex;
      this.policy = policy;
    }

    int staticIndexOf(String value) {
      String[] vs = staticValues;
      for (int i = 0; i < vs.length; i++) {
        if (vs[i].equals(value)) {
          return staticIndices[i];
        }
      }
      return 0;
    }
  }

  /**
   * Which header names are never added to the dynamic table, beyond the encoder's own list: the
   * names whose values rarely repeat. Built once and shared by every connection that uses it.
   *
   * <pre>{@code
   * HpackEncoder.Policy policy = HpackEncoder.Policy.notIndexing(Set.of("x-request-id"));
   * }</pre>
   */
  public static final class Policy {
    /** Only the encoder's own list. */
    public static final Policy DEFAULT = new Policy(Set.of());

    private final Map<String, NameInfo> names;
    private final Set<String> notIndexed;

    private Policy(Set<String> notIndexed) {
      this.notIndexed = Set.copyOf(notIndexed);
      this.names = buildNameInfo(this.notIndexed);
    }

    /**
     * The encoder's own list plus {@code names} (lower case, as on the wire). Connections of one
     * configuration share one policy: the last few are kept, by their names.
     */
    public static Policy notIndexing(Set<String> names) {
      if (names.isEmpty()) {
        return DEFAULT;
      }
      Policy known = RECENT.get(names);
      if (known == null) {
        known = new Policy(names);
        if (RECENT.size() < MAX_RECENT) {
          RECENT.putIfAbsent(known.notIndexed, known);
        }
      }
      return known;
    }

    /** Few configurations exist in a process; a bound keeps a pathological one from growing it. */
    private static final int MAX_RECENT = 16;

    private static final java.util.concurrent.ConcurrentMap<Set<String>, Policy> RECENT =
        new java.util.concurrent.ConcurrentHashMap<>();

    /** The names added to the encoder's own list. */
    public Set<String> notIndexed() {
      return notIndexed;
    }
  }

  private final Map<String, NameInfo> names;
  private final Table table = new Table();
  // Peer SETTINGS changes since the last block, to be announced by the next beginBlock().
  private boolean updatePending;
  private int pendingMin;
  private int pendingFinal;

  /** Creates an encoder with a dynamic table of 4096 octets, the HTTP/2 default. */
  public HpackEncoder() {
    this(Policy.DEFAULT);
  }

  /** As {@link #HpackEncoder()}, leaving the policy's names out of the dynamic table too. */
  public HpackEncoder(Policy policy) {
    this.names = policy.names;
    table.maxSize = DEFAULT_HEADER_TABLE_SIZE;
  }

  /**
   * The peer's SETTINGS_HEADER_TABLE_SIZE changed: the table maximum becomes {@code min(value,
   * 4096)}. The next {@link #beginBlock} announces it with a dynamic table size update (RFC 7541
   * 4.2); if the size went down and then up again before that, it emits the minimum, then the final.
   */
  public void setMaxTableSize(int peerHeaderTableSize) {
    if (peerHeaderTableSize < 0) {
      throw new IllegalArgumentException("negative table size: " + peerHeaderTableSize);
    }
    int newMax = Math.min(peerHeaderTableSize, DEFAULT_HEADER_TABLE_SIZE);
    pendingMin = updatePending ? Math.min(pendingMin, newMax) : newMax;
    pendingFinal = newMax;
    updatePending = true;
  }

  /**
   * Starts a header block: writes any pending dynamic table size update. Must be called once at the
   * start of every header block, including blocks made of pre-encoded bytes.
   */
  public void beginBlock(ByteSink out) {
    if (!updatePending) {
      return;
    }
    updatePending = false;
    out.ensureCapacity(12);
    if (pendingMin < table.maxSize) {
      writeSizeUpdate(pendingMin, out);
    }
    if (pendingFinal != table.maxSize) {
      writeSizeUpdate(pendingFinal, out);
    }
  }

  private void writeSizeUpdate(int maxSize, ByteSink out) {
    out.size = writeInt(out.buf, out.size, SIZE_UPDATE, 5, maxSize);
    table.setMaxSize(maxSize);
  }

  /**
   * Encodes one field. Stateful: may add the field to the dynamic table (incremental indexing),
   * following the policy described in the class documentation.
   */
  public void encodeHeader(String name, String value, ByteSink out) {
    NameInfo info = names.get(name);
    int nameIndex = 0;
    int policy = INDEX;
    if (info != null) {
      int index = info.staticIndexOf(value);
      if (index != 0) {
        writeIndexed(index, out);
        return;
      }
      nameIndex = info.staticIndex;
      policy = info.policy;
    }
    if (policy == NEVER_INDEX
        || (policy == NEVER_INDEX_IF_SHORT && value.length() < MIN_INDEXED_COOKIE_LENGTH)) {
      if (nameIndex == 0) {
        nameIndex = table.nameIndex(name);
      }
      writeLiteral(NEVER_INDEXED, 4, nameIndex, name, value, out);
      return;
    }
    if (policy == DONT_INDEX) {
      // Never inserted, so never in the dynamic table: only the static name can help.
      writeLiteral(WITHOUT_INDEXING, 4, nameIndex, name, value, out);
      return;
    }
    long entrySize = (long) name.length() + value.length() + ENTRY_OVERHEAD;
    boolean indexable = value.length() <= MAX_INDEXED_VALUE_LENGTH && entrySize <= table.maxSize;
    int hash = 0;
    if (indexable) {
      hash = fieldHash(name, value);
      int fieldIndex = table.fieldIndex(name, value, hash);
      if (fieldIndex != 0) {
        writeIndexed(fieldIndex, out);
        return;
      }
    }
    if (nameIndex == 0) {
      nameIndex = table.nameIndex(name);
    }
    if (indexable) {
      // The name index refers to the table before this insertion and its evictions, which is how
      // the decoder resolves it.
      writeLiteral(WITH_INDEXING, 6, nameIndex, name, value, out);
      table.add(name, value, hash, (int) entrySize);
    } else {
      writeLiteral(WITHOUT_INDEXING, 4, nameIndex, name, value, out);
    }
  }

  /**
   * Like {@link #encodeHeader} but never adds to the dynamic table and uses a never-indexed literal,
   * for sensitive values such as credentials.
   */
  public void encodeSensitiveHeader(String name, String value, ByteSink out) {
    NameInfo info = names.get(name);
    int nameIndex = info == null ? 0 : info.staticIndex;
    if (nameIndex == 0) {
      nameIndex = table.nameIndex(name);
    }
    writeLiteral(NEVER_INDEXED, 4, nameIndex, name, value, out);
  }

  /**
   * Encodes a field using only the static table and literals that are not indexed (never-indexed
   * for the sensitive names listed in the class documentation). The result does not depend on or
   * change any encoder state, so it can be cached and replayed after {@link #beginBlock}.
   */
  public static void encodeStateless(String name, String value, ByteSink out) {
    // Static entries and the sensitive names are the same under every policy.
    NameInfo info = Policy.DEFAULT.names.get(name);
    int nameIndex = 0;
    int representation = WITHOUT_INDEXING;
    if (info != null) {
      int index = info.staticIndexOf(value);
      if (index != 0) {
        writeIndexed(index, out);
        return;
      }
      nameIndex = info.staticIndex;
      if (info.policy == NEVER_INDEX
          || (info.policy == NEVER_INDEX_IF_SHORT && value.length() < MIN_INDEXED_COOKIE_LENGTH)) {
        representation = NEVER_INDEXED;
      }
    }
    writeLiteral(representation, 4, nameIndex, name, value, out);
  }

  private static void writeIndexed(int index, ByteSink out) {
    out.ensureCapacity(6);
    out.size = writeInt(out.buf, out.size, INDEXED, 7, index);
  }

  /** A literal field; {@code nameIndex == 0} means a literal name. */
  private static void writeLiteral(
      int representation, int prefixBits, int nameIndex, String name, String value, ByteSink out) {
    int nameLength = nameIndex == 0 ? name.length() : 0;
    out.ensureCapacity(Math.addExact(Math.addExact(nameLength, value.length()), FIELD_OVERHEAD));
    byte[] buf = out.buf;
    int pos = out.size;
    if (nameIndex != 0) {
      pos = writeInt(buf, pos, representation, prefixBits, nameIndex);
    } else {
      buf[pos++] = (byte) representation;
      pos = writeString(buf, pos, name);
    }
    out.size = writeString(buf, pos, value);
  }

  /** RFC 7541 5.2: Huffman-coded when that is shorter. The caller reserved length + 6 octets. */
  @SuppressWarnings("deprecation") // getBytes(int,int,byte[],int): a bulk copy of the low 8 bits
  private static int writeString(byte[] buf, int pos, String s) {
    int length = s.length();
    long huffmanLength = Huffman.encodedLength(s);
    if (huffmanLength < length) {
      pos = writeInt(buf, pos, 0x80, 7, (int) huffmanLength);
      return Huffman.encode(s, buf, pos);
    }
    pos = writeInt(buf, pos, 0x00, 7, length);
    s.getBytes(0, length, buf, pos);
    return pos + length;
  }

  /**
   * RFC 7541 5.1: writes {@code value} (>= 0) with an N-bit prefix, OR-ing {@code flags} into the
   * first octet. Needs at most 6 octets. Returns the position after the last octet.
   */
  static int writeInt(byte[] buf, int pos, int flags, int prefixBits, int value) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      buf[pos++] = (byte) (flags | value);
      return pos;
    }
    buf[pos++] = (byte) (flags | max);
    value -= max;
    while ((value & ~0x7F) != 0) {
      buf[pos++] = (byte) (value | 0x80);
      value >>>= 7;
    }
    buf[pos++] = (byte) value;
    return pos;
  }

  private static int fieldHash(String name, String value) {
    return name.hashCode() * 31 + value.hashCode();
  }

  private static Map<String, NameInfo> buildNameInfo(Set<String> notIndexed) {
    Map<String, Integer> policies = new HashMap<>();
    for (String name : notIndexed) {
      policies.put(name, DONT_INDEX);
    }
    policies.put("authorization", NEVER_INDEX);
    policies.put("proxy-authorization", NEVER_INDEX);
    policies.put("cookie", NEVER_INDEX_IF_SHORT);
    policies.put("content-length", DONT_INDEX);
    // Loops, not lambdas: this runs as a server starts, when each lambda is a class to spin.
    Map<String, NameInfo> map = new HashMap<>();
    for (int i = 1; i <= StaticTable.LENGTH; i++) {
      String name = StaticTable.NAMES[i];
      NameInfo info = map.get(name);
      if (info == null) {
        info = new NameInfo(i, policies.getOrDefault(name, INDEX));
        map.put(name, info);
      }
      int k = info.staticValues.length;
      info.staticValues = Arrays.copyOf(info.staticValues, k + 1);
      info.staticIndices = Arrays.copyOf(info.staticIndices, k + 1);
      info.staticValues[k] = StaticTable.VALUES[i];
      info.staticIndices[k] = i;
    }
    for (Map.Entry<String, Integer> policy : policies.entrySet()) {
      map.putIfAbsent(policy.getKey(), new NameInfo(0, policy.getValue()));
    }
    return map;
  }

  /**
   * The dynamic table, with hash chains so that finding a field or a name costs a few probes.
   *
   * <p>Every inserted entry gets the next sequence number; entry {@code seq} lives in ring slot
   * {@code seq & MASK} and has HPACK index {@code 61 + (nextSeq - seq)}. Chains link each entry to
   * the previous entry of its bucket by sequence number, newest first, so eviction needs no unlinking:
   * a walk stops at the first sequence number below {@code oldestSeq}. Sequence numbers are longs
   * so that they never wrap on a long-lived connection.
   */
  private static final class Table {
    // The table max is capped at 4096 octets and an entry takes at least 32: at most 128 entries.
    private static final int SLOTS = DEFAULT_HEADER_TABLE_SIZE / ENTRY_OVERHEAD;
    private static final int MASK = SLOTS - 1;
    private static final int BUCKET_BITS = 8; // twice the entries: short chains
    private static final int BUCKETS = 1 << BUCKET_BITS;

    // Allocated on the first insertion: a connection that never sends a header block (an idle
    // one) keeps none of this.
    String[] names;
    String[] values;
    int[] hashes;
    long[] fieldNext;
    long[] nameNext;
    long[] fieldHeads;
    long[] nameHeads;
    long oldestSeq;
    long nextSeq;
    int size;
    int maxSize;

    private void allocate() {
      names = new String[SLOTS];
      values = new String[SLOTS];
      hashes = new int[SLOTS];
      fieldNext = new long[SLOTS];
      nameNext = new long[SLOTS];
      fieldHeads = new long[BUCKETS];
      nameHeads = new long[BUCKETS];
      Arrays.fill(fieldHeads, -1);
      Arrays.fill(nameHeads, -1);
    }

    private static int bucket(int hash) {
      return (hash * 0x9E3779B9) >>> (32 - BUCKET_BITS);
    }

    /** HPACK index of the field, or 0. */
    int fieldIndex(String name, String value, int hash) {
      if (names == null) {
        return 0;
      }
      for (long seq = fieldHeads[bucket(hash)]; seq >= oldestSeq; seq = fieldNext[(int) seq & MASK]) {
        int slot = (int) seq & MASK;
        if (hashes[slot] == hash && values[slot].equals(value) && names[slot].equals(name)) {
          return StaticTable.LENGTH + (int) (nextSeq - seq);
        }
      }
      return 0;
    }

    /** HPACK index of the newest entry with this name, or 0. */
    int nameIndex(String name) {
      if (names == null || nextSeq == oldestSeq) {
        return 0;
      }
      for (long seq = nameHeads[bucket(name.hashCode())];
          seq >= oldestSeq;
          seq = nameNext[(int) seq & MASK]) {
        if (names[(int) seq & MASK].equals(name)) {
          return StaticTable.LENGTH + (int) (nextSeq - seq);
        }
      }
      return 0;
    }

    /** Adds a field the caller checked to fit ({@code entrySize <= maxSize}). */
    void add(String name, String value, int hash, int entrySize) {
      if (names == null) {
        allocate();
      }
      evictUntil(maxSize - entrySize);
      long seq = nextSeq++;
      int slot = (int) seq & MASK;
      names[slot] = name;
      values[slot] = value;
      hashes[slot] = hash;
      int fb = bucket(hash);
      fieldNext[slot] = fieldHeads[fb];
      fieldHeads[fb] = seq;
      int nb = bucket(name.hashCode());
      nameNext[slot] = nameHeads[nb];
      nameHeads[nb] = seq;
      size += entrySize;
    }

    void setMaxSize(int newMax) {
      maxSize = newMax;
      evictUntil(newMax);
    }

    private void evictUntil(int target) {
      while (size > target) {
        int slot = (int) oldestSeq++ & MASK;
        size -= names[slot].length() + values[slot].length() + ENTRY_OVERHEAD;
        names[slot] = null;
        values[slot] = null;
      }
    }
  }

  // Introspection for tests.

  int dynamicTableSize() {
    return table.size;
  }

  int dynamicTableLength() {
    return (int) (table.nextSeq - table.oldestSeq);
  }

  int dynamicTableMaxSize() {
    return table.maxSize;
  }
}
