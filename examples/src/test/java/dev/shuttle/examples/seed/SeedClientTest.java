package dev.shuttle.examples.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SeedClientTest {
  @Test
  void printsTheResponseThenTheNumberLikeThePythonSeed() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status = SeedClient.report(Response.newBuilder().setRandom(17).build(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertEquals(SeedClient.OK, status);
    assertEquals("random: 17\n\n17\n", bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void numbersOutsideTenToTwentyFail() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(SeedClient.OK, SeedClient.report(Response.newBuilder().setRandom(10).build(), sink));
    assertEquals(SeedClient.OK, SeedClient.report(Response.newBuilder().setRandom(20).build(), sink));
    assertEquals(SeedClient.OUT_OF_RANGE, SeedClient.report(Response.newBuilder().setRandom(9).build(), sink));
    assertEquals(SeedClient.OUT_OF_RANGE, SeedClient.report(Response.newBuilder().setRandom(21).build(), sink));
    // proto3 does not send a zero, so a response without the field reads as 0: out of range too.
    assertEquals(SeedClient.OUT_OF_RANGE, SeedClient.report(Response.getDefaultInstance(), sink));
  }

  @Test
  void badArgumentsAreAUsageError() {
    assertEquals(SeedClient.USAGE_ERROR, SeedClient.run(new String[] {"no-port"}));
  }
}
