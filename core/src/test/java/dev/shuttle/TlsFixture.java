package dev.shuttle;

import dev.shuttle.http2.TestPki;
import dev.shuttle.http2.config.TlsClientConfig;
import dev.shuttle.http2.config.TlsServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A CA of the test's own, a server certificate for 127.0.0.1 and localhost, a client
 * certificate, all as PEM files in {@code dir}; and the configs most tests want from them.
 */
final class TlsFixture {
  final Path dir;
  final TestPki.Ca ca;
  final Path caPem;
  final TestPki.PemFiles server;
  final TestPki.PemFiles client;

  TlsFixture(Path dir) {
    this.dir = dir;
    this.ca = TestPki.newCa("shuttle-test-ca");
    this.caPem = ca.writePem(dir, "ca");
    this.server = ca.server("shuttle-test-server", "localhost", "127.0.0.1").writePem(dir, "server");
    this.client = ca.client("shuttle-test-client").writePem(dir, "client");
  }

  TlsServerConfig.Builder serverConfig() {
    return TlsServerConfig.builder().keyPem(server.certificateChain(), server.privateKey());
  }

  TlsClientConfig.Builder clientConfig() {
    return TlsClientConfig.builder().trustPem(caPem);
  }

  TlsClientConfig trustingClient() throws IOException {
    return clientConfig().build();
  }

  /** Records what one logger logs, through java.util.logging (System.Logger's default backend). */
  static final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Handler handler;
    private final List<LogRecord> records = new ArrayList<>();

    LogCapture(Class<?> source) {
      this.logger = Logger.getLogger(source.getName());
      this.handler =
          new Handler() {
            @Override
            public void publish(LogRecord record) {
              synchronized (records) {
                records.add(record);
              }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
          };
      logger.addHandler(handler);
    }

    /** What was logged so far, each message formatted. */
    List<LogRecord> records() {
      synchronized (records) {
        return List.copyOf(records);
      }
    }

    static String message(LogRecord record) {
      return new java.util.logging.SimpleFormatter().formatMessage(record);
    }

    @Override
    public void close() {
      logger.removeHandler(handler);
    }
  }
}
