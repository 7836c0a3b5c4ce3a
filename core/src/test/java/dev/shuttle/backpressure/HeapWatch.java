package dev.shuttle.backpressure;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The heap a JVM used, as its garbage collector saw it: the most in use right after any
 * collection (what survived, plus old garbage a young collection does not look at), the most
 * after a full collection (what was really live), the number of collections, and the live heap
 * measured on request.
 */
final class HeapWatch {
  private final Set<String> heapPools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toUnmodifiableSet());
  private final AtomicLong peakAfterGc = new AtomicLong();
  private final AtomicLong peakLive = new AtomicLong();
  private final AtomicLong liveMeasurements = new AtomicLong();
  private final AtomicLong peakAfterFullGc = new AtomicLong();
  private final AtomicLong collections = new AtomicLong();
  private final AtomicLong fullCollections = new AtomicLong();

  static HeapWatch start() {
    HeapWatch watch = new HeapWatch();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener(
          (notification, handback) -> {
            if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
              watch.onCollection(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()));
            }
          },
          null,
          null);
    }
    return watch;
  }

  private void onCollection(GarbageCollectionNotificationInfo info) {
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    collections.incrementAndGet();
    peakAfterGc.accumulateAndGet(used, Math::max);
    if (info.getGcAction().contains("major")) {
      fullCollections.incrementAndGet();
      peakAfterFullGc.accumulateAndGet(used, Math::max);
    }
  }

  /**
   * Collects all garbage (a full GC) and notes what is left, the live heap; for moments when
   * the most is buffered.
   */
  void measureLive() {
    liveMeasurements.incrementAndGet();
    peakLive.accumulateAndGet(liveNow(), Math::max);
  }

  /** The live heap now, after a full GC. */
  static long liveNow() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** The most {@link #measureLive()} found. */
  long peakLive() {
    return peakLive.get();
  }

  long liveMeasurements() {
    return liveMeasurements.get();
  }

  long peakAfterGc() {
    return peakAfterGc.get();
  }

  long peakAfterFullGc() {
    return peakAfterFullGc.get();
  }

  long collections() {
    return collections.get();
  }

  long fullCollections() {
    return fullCollections.get();
  }
}
