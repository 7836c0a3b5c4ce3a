package dev.shuttle.http2;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams of one connection by id, and what the ids of RFC 9113 section 5.1.1 imply: which
 * ids are still idle, which closed recently (so a late frame is ignored rather than taken for an
 * error), and how many streams each side has open.
 *
 * <p>A stream the peer opened keeps its slot under our MAX_CONCURRENT_STREAMS after it closes when
 * the layer above holds it ({@link Http2Stream#holdSlot()}): a handler still running for a reset
 * call counts, so resets cannot make us run more handlers than the limit.
 *
 * <p>Not thread-safe: guarded by the connection's lock.
 */
final class StreamRegistry {
  /** How many closed stream ids we remember at least, to tell late frames from protocol errors. */
  private static final int RECENT_STREAMS = 64;
  static final int MAX_STREAM_ID = Integer.MAX_VALUE;

  private final boolean client;
  private final StreamMap streams = new StreamMap();
  private final RecentIds recentlyReset;
  private final RecentIds recentlyClosed;
  private int nextLocalId;
  private int lastPeerId;
  /** Written under the connection's lock; volatile for {@link #othersBusy}, which reads it without. */
  private volatile int openLocal;
  /** Changed without the connection's lock when a handler frees its stream's slot. */
  private final AtomicInteger peerSlots = new AtomicInteger();

  /**
   * @param maxConcurrentStreams our limit: every stream of a full connection may be reset at
   *     once with frames of the peer's still in flight, so twice that many resets are remembered
   */
  StreamRegistry(boolean client, int firstLocalId, int maxConcurrentStreams) {
    this.client = client;
    this.nextLocalId = firstLocalId;
    int remembered = (int) Math.min(1 << 16, Math.max(RECENT_STREAMS, 2L * maxConcurrentStreams));
    this.recentlyReset = new RecentIds(remembered);
    this.recentlyClosed = new RecentIds(RECENT_STREAMS);
  }

  Http2Stream get(int id) {
    return streams.get(id);
  }

  boolean isEmpty() {
    return streams.size() == 0;
  }

  int size() {
    return streams.size();
  }

  List<Http2Stream> snapshot() {
    return streams.values();
  }

  /** Whether the id belongs to streams this side opens (odd for a client, even for a server). */
  boolean isLocal(int id) {
    return (id & 1) == (client ? 1 : 0);
  }

  /** Whether no stream with this id was ever opened (RFC 9113 5.1: frames on it are errors). */
  boolean isIdle(int id) {
    return isLocal(id) ? id >= nextLocalId && nextLocalId > 0 : id > lastPeerId;
  }

  int lastPeerId() {
    return lastPeerId;
  }

  /** Whether this side may open no more streams: its ids are used up. */
  boolean localIdsExhausted() {
    return nextLocalId <= 0;
  }

  int openLocal() {
    return openLocal;
  }

  /**
   * Whether streams other than {@code stream} are in progress: for a stream of ours, other open
   * streams of ours; for the peer's, other peer streams holding a slot (open, or held while their
   * handler runs). Read without the lock: a hint for batching writes, not a count to rely on.
   */
  boolean othersBusy(Http2Stream stream) {
    if (isLocal(stream.id)) {
      return openLocal - (stream.state == StreamState.CLOSED ? 0 : 1) > 0;
    }
    return peerSlots.get() - (stream.holdsSlot() ? 1 : 0) > 0;
  }

  /** Peer streams that are open, or closed but still held by the layer above. */
  int peerSlots() {
    return peerSlots.get();
  }

  /** A peer stream's slot is free: the stream is gone and nobody holds it. */
  void slotFreed() {
    peerSlots.decrementAndGet();
  }

  /** Takes the next id for a stream of ours; only after checking {@link #localIdsExhausted()}. */
  int nextLocalId() {
    int id = nextLocalId;
    nextLocalId = id >= MAX_STREAM_ID - 1 ? -1 : id + 2;
    return id;
  }

  /** Records that the peer used this id; ids of new peer streams must increase (RFC 9113 5.1.1). */
  void peerIdUsed(int id) {
    lastPeerId = id;
  }

  void add(Http2Stream stream) {
    streams.put(stream);
    if (isLocal(stream.id)) {
      openLocal++;
    } else {
      stream.claimSlot();
      peerSlots.incrementAndGet();
    }
  }

  /** Forgets a closed stream; its peer slot stays taken while the layer above holds it. */
  void remove(Http2Stream stream) {
    if (streams.remove(stream.id) == null) {
      return;
    }
    recentlyClosed.add(stream.id);
    if (isLocal(stream.id)) {
      openLocal--;
    } else {
      stream.dropSlotClaim();
    }
  }

  void rememberReset(int id) {
    recentlyReset.add(id);
  }

  boolean wasRecentlyReset(int id) {
    return recentlyReset.contains(id);
  }

  boolean wasRecentlyClosed(int id) {
    return recentlyClosed.contains(id);
  }

  /**
   * The last ids added, up to a capacity; the array grows as ids come (an idle connection has
   * none). Looked up only for frames on streams that are gone, so a scan is enough.
   */
  private static final class RecentIds {
    private final int capacity;
    private int[] ids;
    private int size;
    private int next;

    RecentIds(int capacity) {
      this.capacity = capacity;
    }

    void add(int id) {
      if (ids == null) {
        ids = new int[Math.min(capacity, 16)];
      } else if (size == ids.length && size < capacity) {
        int[] grown = new int[Math.min(capacity, size * 2)];
        // Unroll the ring into the new array, oldest first.
        System.arraycopy(ids, next, grown, 0, size - next);
        System.arraycopy(ids, 0, grown, size - next, next);
        ids = grown;
        next = size;
      }
      ids[next] = id;
      next = (next + 1) % ids.length;
      size = Math.min(size + 1, ids.length);
    }

    boolean contains(int id) {
      for (int i = 0; i < size; i++) {
        if (ids[i] == id) {
          return true;
        }
      }
      return false;
    }
  }
}
