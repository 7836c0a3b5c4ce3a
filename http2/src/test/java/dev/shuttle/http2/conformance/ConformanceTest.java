package dev.shuttle.http2.conformance;

import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.Http2Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.TestInstance;

/**
 * What every conformance class shares: a Shuttle {@link Http2Server} on a free loopback port with
 * the {@link EchoHandler} behind it and the default configuration (what the server ships with),
 * fresh client connections per test, and request field blocks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayNameGeneration(H2specDisplayNames.class)
abstract class ConformanceTest {
  static final String AUTHORITY = "localhost";

  private Http2Server server;
  private final List<H2Client> clients = new ArrayList<>();
  private final List<Http2Server> privateServers = new ArrayList<>();

  @BeforeAll
  void startServer() throws IOException {
    server = Http2Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Http2Config.defaults(), new EchoHandler());
  }

  /**
   * Closes the listening socket and every connection at once. Not followed by awaitTermination:
   * Http2Server's termination latch can miss its count when the acceptor thread is still alive as
   * the last connection ends, and the wait would then only time out.
   */
  @AfterAll
  void stopServer() {
    server.shutdownNow();
  }

  @AfterEach
  void closeClients() throws IOException {
    for (H2Client c : clients) {
      c.close();
    }
    clients.clear();
    for (Http2Server s : privateServers) {
      s.shutdownNow();
    }
    privateServers.clear();
  }

  /** A server of the test's own, for tests that shut it down; stopped after the test. */
  Http2Server privateServer() throws IOException {
    Http2Server s = Http2Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Http2Config.defaults(), new EchoHandler());
    privateServers.add(s);
    return s;
  }

  /** A connection past the preface to a server of the test's own. */
  H2Client handshake(Http2Server to, int... settings) throws IOException {
    H2Client client = H2Client.connect(to.localAddress());
    clients.add(client);
    return client.handshake(settings);
  }

  /** A TCP connection to the server; nothing sent yet. */
  H2Client connect() throws IOException {
    H2Client client = H2Client.connect(server.localAddress());
    clients.add(client);
    return client;
  }

  /** A connection past the preface, with these settings of ours acknowledged. */
  H2Client handshake(int... settings) throws IOException {
    return connect().handshake(settings);
  }

  // ---------------------------------------------------------------------------------------------
  // Requests.

  /** The four request pseudo-header fields of RFC 9113 8.3.1, in order. */
  static String[] request(String method, String path) {
    return new String[] {":method", method, ":scheme", "http", ":path", path, ":authority", AUTHORITY};
  }

  static String[] get() {
    return request("GET", "/");
  }

  static String[] post() {
    return request("POST", "/");
  }

  /** The fields, then more fields. */
  static String[] with(String[] fields, String... more) {
    String[] all = Arrays.copyOf(fields, fields.length + more.length);
    System.arraycopy(more, 0, all, fields.length, more.length);
    return all;
  }

  /** A field block of literals without indexing (RFC 7541 6.2.2). */
  static byte[] block(String... nameValues) {
    return Hpack.fields(nameValues);
  }

  /** A GET on {@code /}: HEADERS with END_STREAM and END_HEADERS. */
  static byte[] getRequest(int streamId) {
    return Wire.headers(streamId, Wire.END_STREAM | Wire.END_HEADERS, block(get()));
  }

  /** The headers of a POST on {@code /}, its body still to come: HEADERS with END_HEADERS only. */
  static byte[] postHeaders(int streamId) {
    return Wire.headers(streamId, Wire.END_HEADERS, block(post()));
  }
}
