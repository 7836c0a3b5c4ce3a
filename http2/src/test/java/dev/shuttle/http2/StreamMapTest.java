package dev.shuttle.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The registry's map of streams agrees with a HashMap over any mix of puts and removes. */
class StreamMapTest {
  @Test
  void agreesWithAHashMap() {
    Random random = new Random(42);
    StreamMap map = new StreamMap();
    Map<Integer, Http2Stream> reference = new HashMap<>();
    int nextId = 1;
    for (int step = 0; step < 200_000; step++) {
      if (reference.size() < 300 && random.nextInt(3) != 0) {
        Http2Stream stream = new Http2Stream(nextId, null);
        nextId += 2;
        map.put(stream);
        reference.put(stream.id, stream);
      } else if (!reference.isEmpty()) {
        int id = 1 + 2 * random.nextInt((nextId - 1) / 2);
        assertSame(reference.remove(id), map.remove(id), "remove " + id);
      }
      int probe = 1 + 2 * random.nextInt(Math.max(1, (nextId - 1) / 2 + 10));
      assertSame(reference.get(probe), map.get(probe), "get " + probe);
      assertEquals(reference.size(), map.size());
    }
    assertEquals(reference.size(), map.values().size());
  }
}
