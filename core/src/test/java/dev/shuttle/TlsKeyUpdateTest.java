package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS 1.3 KeyUpdate in the middle of calls, both ways: the JDK sends one (asking for one back)
 * when a key has protected {@code jdk.tls.keyLimits} bytes. The limit is a security property
 * read once per JVM, so the calls run in a child JVM with a limit of 16 KiB, which makes every
 * large message cross several key updates on each side.
 */
class TlsKeyUpdateTest {
  @TempDir Path dir;

  @Test
  void callsCarryOnAcrossKeyUpdatesBothWays() throws Exception {
    Path security = dir.resolve("key-limits.security");
    Files.writeString(
        security,
        "jdk.tls.keyLimits=AES/GCM/NoPadding KeyUpdate 2^14, ChaCha20-Poly1305 KeyUpdate 2^14\n",
        StandardCharsets.US_ASCII);
    Path log = dir.resolve("child.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-Djava.security.properties=" + security,
                "-Djavax.net.debug=ssl:handshake",
                "-cp",
                System.getProperty("java.class.path"),
                Probe.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
    } finally {
      child.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, child.exitValue(), tail(output));
    assertTrue(output.contains("calls done"), tail(output));
    // The JDK's handshake debug output names each KeyUpdate it produces and consumes; those
    // that ask for one back are what makes unwrap report NEED_WRAP.
    long consumed = output.lines().filter(line -> line.contains("Consuming KeyUpdate post-handshake message")).count();
    long produced = output.lines().filter(line -> line.contains("Produced KeyUpdate post-handshake message")).count();
    assertTrue(consumed > 10 && produced > 10, "key updates consumed " + consumed + ", produced " + produced);
    assertTrue(output.contains("update_requested"), tail(output));
  }

  private static String tail(String output) {
    return output.length() > 4000 ? output.substring(output.length() - 4000) : output;
  }

  /** The child JVM: a TLS 1.3 server and client, large calls both ways, concurrently. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      TlsFixture tls = new TlsFixture(Path.of(args[0]));
      Server server =
          Server.builder()
              .tls(tls.serverConfig().protocols("TLSv1.3").build())
              .maxInboundMessageSize(16 << 20)
              .service(TlsCallTest.service())
              .start();
      ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
      try (Channel channel =
          Channel.builder("127.0.0.1:" + server.port()).tls(tls.trustingClient()).maxInboundMessageSize(16 << 20).build()) {
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          int seed = i;
          calls.add(callers.submit(() -> {
            for (int round = 0; round < 5; round++) {
              byte[] payload = new byte[256 * 1024 + seed];
              new Random(seed * 7L + round).nextBytes(payload);
              assertArrayEquals(
                  payload, channel.unaryCall(TlsCallTest.BLOB, payload, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(60))));
            }
            return null;
          }));
        }
        for (Future<?> call : calls) {
          call.get(60, TimeUnit.SECONDS);
        }
      } finally {
        callers.shutdownNow();
        server.shutdownNow();
      }
      System.out.println("calls done");
      System.exit(0);
    }

    private Probe() {}
  }

}
