package dev.shuttle.examples.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.Channel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shuttle's own code spins no class at run time while a server starts and answers its first call.
 * A lambda, a method reference or a pattern switch is a hidden class that the JVM generates when
 * it first runs, at about a millisecond while the JVM is cold: the 33 there once were cost the
 * seed server 20 of the 500 ms to its first answer. The seed's own code (SeedServer, Work) is the
 * user's and may use them; the generated service classes, the services and the runtime may not.
 *
 * <p>Runs the seed server in a JVM of its own with class loading logged, makes one call, and reads
 * what was loaded up to the answer. No timing is asserted.
 */
class StartPathTest {
  /** A class the JVM spun, and the class whose code asked for it. */
  private static final Pattern SPUN =
      Pattern.compile("(\\S+\\$\\$(?:Lambda|TypeSwitch)\\S*) source: (dev\\.shuttle\\.\\S+)");
  /** The seed's hand-written classes: user code, free to use lambdas. */
  private static final Pattern USER_CODE =
      Pattern.compile("dev\\.shuttle\\.examples\\.seed\\.(SeedServer|SeedOptions|SeedClient|HostPort|Work)");

  @TempDir Path work;
  private Process server;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void startingAndAnsweringTheFirstCallSpinsNoClassFromShuttlesCode() throws Exception {
    Path log = work.resolve("classes.log");
    server =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElseThrow(),
                "-Xlog:class+load:file=" + log,
                "-cp",
                System.getProperty("java.class.path"),
                SeedServer.class.getName(),
                "127.0.0.1:0")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
    Matcher listening = Pattern.compile("listening on (\\S+)").matcher(first == null ? "" : first);
    assertTrue(listening.find(), "first line: " + first);
    Thread.ofVirtual().start(() -> drain(out));

    List<String> loaded;
    try (Channel channel = Channel.plaintext(listening.group(1))) {
      TestServerClient client = TestServerClient.of(channel).withTimeout(Duration.ofSeconds(30));
      int random = client.getRandom(Request.newBuilder().setId("1").build()).getRandom();
      assertTrue(random >= 10 && random <= 20, "answered " + random);
      // The JVM writes each line as it loads the class: what is there now is the start and first
      // call. Read before the channel closes, so that closing the connection, which races with
      // the read, is not in what is checked.
      loaded = Files.readAllLines(log);
    }
    List<String> spun =
        loaded.stream()
            .map(SPUN::matcher)
            .filter(Matcher::find)
            .filter(m -> !USER_CODE.matcher(m.group(2)).matches())
            .map(m -> m.group(1) + " (in " + m.group(2) + ")")
            .toList();
    assertEquals(
        List.of(),
        spun,
        "classes spun at run time for Shuttle's code on the start path: replace each lambda, method"
            + " reference or pattern switch there with a class, a loop or an instanceof chain");
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  private static void drain(BufferedReader reader) {
    try {
      while (reader.readLine() != null) {
        // the server's request log, not checked here
      }
    } catch (IOException e) {
      // the server went away
    }
  }
}
