package dev.shuttle;

import static dev.shuttle.RawH2.FLAG_END_HEADERS;
import static dev.shuttle.RawH2.PROTOCOL_ERROR;
import static dev.shuttle.RawH2.block;
import static dev.shuttle.RawH2.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed requests (RFC 9113 8.2 and 8.3) are stream errors of type PROTOCOL_ERROR: the stream
 * is reset and the connection keeps serving.
 */
class MalformedHeadersTest {
  private static EchoServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = EchoServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @AfterEach
  void otherConnectionsAreUnharmed() {
    server.assertServesOtherConnections();
  }

  private static final String[] BASE = {
    ":method", "POST", ":scheme", "http", ":path", EchoServer.ECHO_PATH, ":authority", "localhost",
  };

  private static String[] with(String... more) {
    String[] all = new String[BASE.length + more.length];
    System.arraycopy(BASE, 0, all, 0, BASE.length);
    System.arraycopy(more, 0, all, BASE.length, more.length);
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "uppercase field name",
        "connection header",
        "transfer-encoding header",
        "te other than trailers",
        "pseudo-header after a regular field",
        "unknown pseudo-header",
        "duplicate :path",
        "missing :method",
        "status pseudo-header in a request",
        "newline in a value",
      })
  void malformedRequestIsResetWithProtocolErrorAndTheConnectionSurvives(String variant) throws Exception {
    String[] fields =
        switch (variant) {
          case "uppercase field name" -> with("content-type", "application/grpc", "X-Upper", "v");
          case "connection header" -> with("content-type", "application/grpc", "connection", "keep-alive");
          case "transfer-encoding header" -> with("content-type", "application/grpc", "transfer-encoding", "chunked");
          case "te other than trailers" -> with("content-type", "application/grpc", "te", "gzip");
          case "pseudo-header after a regular field" -> with("content-type", "application/grpc", ":method", "POST");
          case "unknown pseudo-header" -> with(":foo", "bar", "content-type", "application/grpc");
          case "duplicate :path" -> with(":path", "/x", "content-type", "application/grpc");
          case "missing :method" ->
              new String[] {":scheme", "http", ":path", EchoServer.ECHO_PATH, "content-type", "application/grpc"};
          case "status pseudo-header in a request" -> with(":status", "200", "content-type", "application/grpc");
          case "newline in a value" -> with("content-type", "application/grpc", "x-bad", "a\nb");
          default -> throw new IllegalArgumentException(variant);
        };
    try (RawH2 conn = RawH2.connect(server.port()).handshake()) {
      conn.send(headers(1, FLAG_END_HEADERS, block(fields)));
      assertEquals(PROTOCOL_ERROR, conn.awaitReset(1).errorCode());
      EchoServer.assertEchoes(conn, 3);
    }
  }
}
