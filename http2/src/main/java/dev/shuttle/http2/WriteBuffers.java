package dev.shuttle.http2;

import dev.shuttle.http2.hpack.ByteSink;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Write buffers shared by every connection: a connection's writer holds one only while it drains,
 * so thousands of idle connections hold none, and a busy one reuses the same few.
 */
final class WriteBuffers {
  static final int SIZE = 16 * 1024;
  /** Larger buffers (grown for a large header block) are not kept. */
  private static final int MAX_KEPT_CAPACITY = 128 * 1024;
  private static final int MAX_POOLED = 32;

  private static final ConcurrentLinkedQueue<ByteSink> POOL = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger POOLED = new AtomicInteger();

  private WriteBuffers() {}

  static ByteSink take() {
    ByteSink sink = POOL.poll();
    if (sink == null) {
      return new ByteSink(SIZE);
    }
    POOLED.decrementAndGet();
    return sink;
  }

  static void give(ByteSink sink) {
    if (sink.array().length > MAX_KEPT_CAPACITY || POOLED.incrementAndGet() > MAX_POOLED) {
      if (sink.array().length <= MAX_KEPT_CAPACITY) {
        POOLED.decrementAndGet();
      }
      return;
    }
    sink.reset();
    POOL.add(sink);
  }
}
