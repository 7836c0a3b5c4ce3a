package dev.shuttle.examples.seed;

import com.google.protobuf.TextFormat;
import dev.shuttle.Channel;
import dev.shuttle.StatusException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The seed's client in Java: calls {@code TestServer/GetRandom} with id {@code "123"} on {@code
 * HOST:PORT} (default {@code 127.0.0.1:8888}) and prints the response as the Python seed does.
 *
 * <p>Exit status: 0 when the number is in 10..20; 1 when the call fails, with {@code CODE:
 * description} on standard error; 2 when the number is out of range; 64 for bad arguments.
 */
public final class SeedClient {
  static final int OK = 0;
  static final int CALL_FAILED = 1;
  static final int OUT_OF_RANGE = 2;
  static final int USAGE = 64;

  // The Python seed sets no deadline; one here keeps a stuck server from hanging a script forever.
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private SeedClient() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    HostPort address;
    try {
      address = HostPort.fromArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println("usage: SeedClient [HOST:PORT]: " + e.getMessage());
      return USAGE;
    }
    try (Channel channel = Channel.plaintext(address.target())) {
      TestServerClient client = TestServerClient.of(channel).withTimeout(TIMEOUT);
      Response response = client.getRandom(Request.newBuilder().setId("123").build());
      return report(response, System.out);
    } catch (StatusException e) {
      String description = e.status().description();
      System.err.println(e.code() + ": " + (description == null ? "" : description));
      return CALL_FAILED;
    }
  }

  /** Prints the response as Python's print(response) then print(response.random) would. */
  static int report(Response response, PrintStream out) {
    out.print(TextFormat.printer().printToString(response) + "\n" + response.getRandom() + "\n");
    out.flush();
    return response.getRandom() >= Work.MIN && response.getRandom() <= Work.MAX ? OK : OUT_OF_RANGE;
  }
}
