package dev.shuttle.http2;

import dev.shuttle.http2.hpack.ByteSink;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Write buffers shared by every connection: a connection's writer holds one only while it drains,
 * so thousands of idle connections hold none, and a busy one reuses the same few.
 */
final class WriteBuffers {
  static final int SIZE = 16 * 1024;
  /** Larger buffers (grown for a large header block) are not kept. */
  private static final int MAX_KEPT_CAPACITY = 128 * 1024;
  private static final int SLOTS = 32;

  /** Slots that hold a free buffer or null: taking and giving back allocate nothing. */
  private static final AtomicReferenceArray<ByteSink> POOL = new AtomicReferenceArray<>(SLOTS);

  private WriteBuffers() {}

  static ByteSink take() {
    int start = (int) Thread.currentThread().threadId() & (SLOTS - 1);
    for (int i = 0; i < SLOTS; i++) {
      int slot = (start + i) & (SLOTS - 1);
      ByteSink sink = POOL.get(slot);
      if (sink != null && POOL.compareAndSet(slot, sink, null)) {
        return sink;
      }
    }
    return new ByteSink(SIZE);
  }

  static void give(ByteSink sink) {
    if (sink.array().length > MAX_KEPT_CAPACITY) {
      return;
    }
    sink.reset();
    int start = (int) Thread.currentThread().threadId() & (SLOTS - 1);
    for (int i = 0; i < SLOTS; i++) {
      int slot = (start + i) & (SLOTS - 1);
      if (POOL.get(slot) == null && POOL.compareAndSet(slot, null, sink)) {
        return;
      }
    }
  }
}
