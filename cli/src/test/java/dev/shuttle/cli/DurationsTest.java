package dev.shuttle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void readsGoStyleDurations() {
    assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
    assertEquals(Duration.ofHours(2), Durations.parse("2h"));
    assertEquals(Duration.ofNanos(1500), Durations.parse("1us500ns"));
    assertEquals(Duration.ofSeconds(3), Durations.parse("3"));
  }

  @Test
  void rejectsWhatIsNotAPositiveDuration() {
    for (String bad : new String[] {"", "s", "5 s", "5x", "0s", "-1s", "soon"}) {
      CliException e = assertThrows(CliException.class, () -> Durations.parse(bad), bad);
      assertEquals(ExitCodes.USAGE, e.exitCode());
    }
  }
}
