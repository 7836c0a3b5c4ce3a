package dev.shuttle.examples.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkTest {
  @Test
  void answersEveryNumberFromTenToTwentyAndNothingElse() {
    Work work = new Work(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      int random = work.getRandom(Request.newBuilder().setId("123").build(), null).getRandom();
      assertTrue(random >= 10 && random <= 20, "out of range: " + random);
      seen.add(random);
    }
    assertEquals(11, seen.size(), "both ends are included, as with Python's randint");
  }

  @Test
  void printsTheRequestThenItsIdLikeThePythonSeed() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Work work = new Work(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    work.getRandom(Request.newBuilder().setId("123").build(), null);
    assertEquals("id: \"123\"\n\n123\n", bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void bindsTheSeedsWireNames() {
    var definition = new Work().bindService();
    assertEquals("TestServer", definition.name());
    assertEquals("TestServer/GetRandom", definition.methods().get("GetRandom").descriptor().fullName());
  }
}
