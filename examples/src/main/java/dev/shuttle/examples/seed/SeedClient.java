package dev.shuttle.examples.seed;

import com.google.protobuf.TextFormat;
import dev.shuttle.Channel;
import dev.shuttle.StatusException;
import dev.shuttle.http2.config.TlsClientConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The seed's client in Java: calls {@code TestServer/GetRandom} with id {@code "123"} on {@code
 * HOST:PORT} (default {@code 127.0.0.1:8888}) and prints the response as the Python seed does.
 *
 * <p>Exit status: 0 when the number is in 10..20; 1 when the call fails, with {@code CODE:
 * description} on standard error; 2 when the number is out of range; 64 for bad arguments.
 * TLS flags: see {@link #USAGE}.
 */
public final class SeedClient {
  static final int OK = 0;
  static final int CALL_FAILED = 1;
  static final int OUT_OF_RANGE = 2;
  static final int USAGE_ERROR = 64;

  // The Python seed sets no deadline; one here keeps a stuck server from hanging a script forever.
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  static final String USAGE =
      """
      usage: seed-client [HOST:PORT] [--tls] [--tls-ca FILE] [--tls-cert FILE --tls-key FILE]
                         [--tls-server-name NAME]

      Calls the seed's TestServer/GetRandom with id "123" on HOST:PORT, default 127.0.0.1:8888, and
      prints the response and the number, as the Python seed client does.

        --tls                   connect with TLS (ALPN h2), trusting the JDK's CAs; implied by
                                any other --tls flag
        --tls-ca FILE           trust only the CAs in this PEM file for the server's certificate
        --tls-cert FILE         present this PEM client certificate chain (mutual TLS)
        --tls-key FILE          the PEM private key of --tls-cert (PKCS#8, RSA or EC)
        --tls-server-name NAME  the name the server's certificate must carry (default: HOST)
        -h, --help              print this and exit

      Exit status: 0 for a number in 10..20 (and for --help), 1 when the call fails (the gRPC status
      on stderr), 2 for a number out of range, 64 for bad arguments.
      """;

  private SeedClient() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    SeedOptions options;
    try {
      options = SeedOptions.parse(args, true);
    } catch (IllegalArgumentException e) {
      System.err.println("seed-client: " + e.getMessage());
      System.err.print(USAGE);
      return USAGE_ERROR;
    }
    if (options.help()) {
      System.out.print(USAGE);
      System.out.flush();
      return OK;
    }
    HostPort address = options.address();
    TlsClientConfig tls;
    try {
      tls = options.clientTls();
    } catch (IOException | RuntimeException e) {
      System.err.println("cannot load the TLS files: " + e.getMessage());
      return CALL_FAILED;
    }
    Channel.Builder builder = Channel.builder(address.target());
    if (tls != null) {
      builder.tls(tls);
    }
    try (Channel channel = builder.build()) {
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
