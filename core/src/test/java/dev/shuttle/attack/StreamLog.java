package dev.shuttle.attack;

import static dev.shuttle.attack.RawFrames.DATA;
import static dev.shuttle.attack.RawFrames.HEADERS;
import static dev.shuttle.attack.RawFrames.RST_STREAM;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The frames a server sent on each stream of a raw connection (HEADERS, DATA, RST_STREAM), in
 * the order they came; a {@link RawConnection} listener.
 */
final class StreamLog implements Consumer<RawConnection.Frame> {
  private final Map<Integer, List<RawConnection.Frame>> byStream = new HashMap<>();

  @Override
  public synchronized void accept(RawConnection.Frame f) {
    if (f.streamId() != 0 && (f.type() == HEADERS || f.type() == DATA || f.type() == RST_STREAM)) {
      byStream.computeIfAbsent(f.streamId(), k -> new ArrayList<>()).add(f);
    }
  }

  synchronized List<RawConnection.Frame> frames(int streamId) {
    return new ArrayList<>(byStream.getOrDefault(streamId, List.of()));
  }

  /** The first frame on the stream, or null. */
  synchronized RawConnection.Frame first(int streamId) {
    List<RawConnection.Frame> frames = byStream.get(streamId);
    return frames == null || frames.isEmpty() ? null : frames.get(0);
  }

  /** The first RST_STREAM on the stream, or null. */
  synchronized RawConnection.Frame reset(int streamId) {
    for (RawConnection.Frame f : byStream.getOrDefault(streamId, List.of())) {
      if (f.type() == RST_STREAM) {
        return f;
      }
    }
    return null;
  }

  /** Waits until every stream has an RST_STREAM; fails after the timeout with the ones still missing. */
  void awaitResets(List<Integer> streamIds, java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<Integer> missing = new ArrayList<>();
      for (int id : streamIds) {
        if (reset(id) == null) {
          missing.add(id);
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no RST_STREAM within " + timeout + " on " + missing.size() + " streams, e.g. "
            + missing.subList(0, Math.min(10, missing.size())));
      }
      Thread.sleep(10);
    }
  }
}
