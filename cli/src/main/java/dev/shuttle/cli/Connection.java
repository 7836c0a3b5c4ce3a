package dev.shuttle.cli;

import dev.shuttle.CallOptions;
import dev.shuttle.Channel;
import dev.shuttle.Deadline;
import dev.shuttle.Metadata;
import dev.shuttle.http2.config.TlsClientConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;

/**
 * The channel to the server named on the command line, and the options every RPC of the command
 * carries: the {@code -H} headers, and the {@code --deadline}, which bounds the whole command
 * (reflection included), not each RPC anew.
 */
final class Connection implements AutoCloseable {
  private final Channel channel;
  private final CallOptions options;

  private Connection(Channel channel, CallOptions options) {
    this.channel = channel;
    this.options = options;
  }

  /** {@code defaultDeadline} applies without {@code --deadline}; null for none. */
  static Connection open(String target, CommandLine line, Duration defaultDeadline) {
    Metadata headers = headers(line);
    Duration timeout = line.deadline != null ? Durations.parse(line.deadline) : defaultDeadline;
    TlsClientConfig tls = line.usesTls() ? tls(line) : null;
    Channel.Builder builder;
    try {
      builder = Channel.builder(target);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    if (tls != null) {
      builder.tls(tls);
    }
    if (line.authority != null) {
      builder.authority(line.authority);
    }
    CallOptions options = CallOptions.DEFAULT.withMetadata(headers);
    if (timeout != null) {
      options = options.withDeadline(Deadline.after(timeout));
    }
    return new Connection(builder.build(), options);
  }

  Channel channel() {
    return channel;
  }

  CallOptions options() {
    return options;
  }

  /** {@code -H 'key: value'}; a {@code -bin} key's value is base64, as on the wire. */
  private static Metadata headers(CommandLine line) {
    Metadata metadata = new Metadata();
    for (String header : line.headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw CliException.usage("a header is 'key: value', got: " + header);
      }
      String key = header.substring(0, colon).trim();
      String value = header.substring(colon + 1).trim();
      try {
        if (Metadata.isBinaryKey(key.toLowerCase(java.util.Locale.ROOT))) {
          metadata.addBinary(key, Base64.getDecoder().decode(value));
        } else {
          metadata.add(key, value);
        }
      } catch (IllegalArgumentException e) {
        throw CliException.usage("invalid header " + header + ": " + e.getMessage());
      }
    }
    return metadata;
  }

  private static TlsClientConfig tls(CommandLine line) {
    if ((line.cert == null) != (line.key == null)) {
      throw CliException.usage("--cert and --key go together");
    }
    TlsClientConfig.Builder tls = TlsClientConfig.builder();
    try {
      if (line.caCert != null) {
        tls.trustPem(line.caCert);
      }
      if (line.cert != null) {
        tls.keyPem(line.cert, line.key);
      }
      if (line.serverName != null) {
        tls.serverName(line.serverName);
      }
      return tls.build();
    } catch (IOException | RuntimeException e) {
      throw CliException.badInput("cannot load the TLS files: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    channel.close();
  }
}
