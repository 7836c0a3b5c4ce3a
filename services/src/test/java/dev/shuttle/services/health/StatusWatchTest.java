package dev.shuttle.services.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.shuttle.services.health.v1.HealthCheckResponse.ServingStatus;
import org.junit.jupiter.api.Test;

/** A watcher slower than the changes keeps one slot, the latest status; never a queue. */
class StatusWatchTest {
  @Test
  void aWatcherThatFellBehindGetsOnlyTheLatestStatus() throws Exception {
    StatusWatch watch = new StatusWatch("demo.Greeter", ServingStatus.SERVING);
    assertEquals(ServingStatus.SERVING, watch.next());

    for (int i = 0; i < 1000; i++) {
      watch.offer(i % 2 == 0 ? ServingStatus.NOT_SERVING : ServingStatus.SERVING);
    }
    watch.offer(ServingStatus.NOT_SERVING);

    assertEquals(ServingStatus.NOT_SERVING, watch.next());
    watch.finish();
    assertNull(watch.next(), "statuses left after the latest");
  }

  @Test
  void changesThatEndWhereTheyStartedAreNoChange() throws Exception {
    StatusWatch watch = new StatusWatch("demo.Greeter", ServingStatus.SERVING);
    assertEquals(ServingStatus.SERVING, watch.next());

    watch.offer(ServingStatus.NOT_SERVING);
    watch.offer(ServingStatus.SERVING);
    watch.finish();

    assertNull(watch.next());
  }

  @Test
  void finishingSendsWhatIsLeftFirst() throws Exception {
    StatusWatch watch = new StatusWatch("", ServingStatus.SERVING);
    watch.offer(ServingStatus.NOT_SERVING);
    watch.finish();

    assertEquals(ServingStatus.NOT_SERVING, watch.next());
    assertNull(watch.next());
  }

  @Test
  void aCancelledWatchSendsNothingMore() throws Exception {
    StatusWatch watch = new StatusWatch("", ServingStatus.SERVING);
    watch.cancel();

    assertNull(watch.next());
  }
}
