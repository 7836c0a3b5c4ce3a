package dev.shuttle.examples.seed;

import dev.shuttle.http2.config.TlsClientConfig;
import dev.shuttle.http2.config.TlsServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launchers' command line: an optional {@code HOST:PORT} and the TLS flags, in any order.
 *
 * <pre>
 * --tls-cert FILE         PEM certificate chain: the server's, or the client's for mutual TLS
 * --tls-key FILE          PEM private key of that certificate (PKCS#8, RSA or EC)
 * --tls-ca FILE           PEM CAs: the client trusts them for the server; a server given one
 *                         requires client certificates signed by them
 * --tls-server-name NAME  client: the name the server's certificate must carry (default HOST)
 * --tls                   client: TLS trusting the JDK's CAs (implied by any other --tls flag)
 * </pre>
 */
record SeedOptions(
    HostPort address, boolean help, boolean tls, Path cert, Path key, Path ca, String serverName) {

  /** Parses {@code args}; a client accepts {@code --tls} and {@code --tls-server-name}, a server does not. */
  static SeedOptions parse(String[] args, boolean client) {
    HostPort address = null;
    boolean help = false;
    boolean tls = false;
    Path cert = null;
    Path key = null;
    Path ca = null;
    String serverName = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "-h", "--help" -> help = true;
        case "--tls-cert" -> cert = file(arg, value(args, ++i, arg));
        case "--tls-key" -> key = file(arg, value(args, ++i, arg));
        case "--tls-ca" -> ca = file(arg, value(args, ++i, arg));
        case "--tls-server-name" -> {
          if (!client) {
            throw new IllegalArgumentException("--tls-server-name is a client flag");
          }
          serverName = value(args, ++i, arg);
        }
        case "--tls" -> {
          if (!client) {
            throw new IllegalArgumentException("a server uses TLS when given --tls-cert and --tls-key");
          }
          tls = true;
        }
        default -> {
          if (arg.startsWith("-")) {
            throw new IllegalArgumentException("unknown flag " + arg);
          }
          if (address != null) {
            throw new IllegalArgumentException("expected at most one HOST:PORT");
          }
          address = HostPort.parse(arg);
        }
      }
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (!client && ca != null && cert == null) {
      throw new IllegalArgumentException("--tls-ca on a server needs --tls-cert and --tls-key");
    }
    tls |= cert != null || ca != null || serverName != null;
    return new SeedOptions(address == null ? HostPort.DEFAULT : address, help, tls, cert, key, ca, serverName);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static Path file(String flag, String name) {
    Path path = Path.of(name);
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException(flag + ": cannot read " + name);
    }
    return path;
  }

  /** The server's TLS, or null for cleartext. */
  TlsServerConfig serverTls() throws IOException {
    if (cert == null) {
      return null;
    }
    TlsServerConfig.Builder builder = TlsServerConfig.builder().keyPem(cert, key);
    if (ca != null) {
      builder.trustPem(ca).clientAuth(TlsServerConfig.ClientAuth.REQUIRE);
    }
    return builder.build();
  }

  /** The client's TLS, or null for cleartext. */
  TlsClientConfig clientTls() throws IOException {
    if (!tls) {
      return null;
    }
    TlsClientConfig.Builder builder = TlsClientConfig.builder();
    if (ca != null) {
      builder.trustPem(ca);
    }
    if (cert != null) {
      builder.keyPem(cert, key);
    }
    if (serverName != null) {
      builder.serverName(serverName);
    }
    return builder.build();
  }
}
