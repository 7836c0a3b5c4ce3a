package dev.shuttle;

import static dev.shuttle.RawH2.FLAG_END_HEADERS;
import static dev.shuttle.RawH2.FLAG_END_STREAM;
import static dev.shuttle.RawH2.concat;
import static dev.shuttle.RawH2.data;
import static dev.shuttle.RawH2.grpcMessage;
import static dev.shuttle.RawH2.grpcRequest;
import static dev.shuttle.RawH2.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests that are valid HTTP/2 but not valid gRPC get the answer gRPC's PROTOCOL-HTTP2.md
 * asks for, as an HTTP status or a grpc-status, and the connection goes on serving. Every test
 * ends with a well-behaved request on the same connection.
 */
class MalformedGrpcRequestTest {
  private static final int FOUR_MIB = 4 * 1024 * 1024;

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

  private static RawH2 handshake() throws Exception {
    return RawH2.connect(server.port()).handshake();
  }

  /** Sends one complete request (headers block, then the DATA bytes with END_STREAM) on stream 1. */
  private static RawH2.Response exchange(RawH2 conn, byte[] headerBlock, byte[] body) throws Exception {
    conn.send(headers(1, FLAG_END_HEADERS, headerBlock), data(1, true, body));
    RawH2.Response response = conn.awaitResponse(1);
    assertNull(response.resetCode(), "expected an answer, not a reset: " + response);
    return response;
  }

  @ParameterizedTest(name = "content-type {0}")
  @ValueSource(strings = {"text/plain", "application/json", "application/grpcfoo", "text/html; charset=utf-8"})
  void nonGrpcContentTypeGets415(String contentType) throws Exception {
    try (RawH2 conn = handshake()) {
      RawH2.Response r = exchange(conn, RawH2.request("POST", EchoServer.ECHO_PATH, contentType), grpcMessage("x"));
      assertEquals("415", r.header(":status"), "response " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void missingContentTypeGets415() throws Exception {
    try (RawH2 conn = handshake()) {
      RawH2.Response r = exchange(conn, RawH2.request("POST", EchoServer.ECHO_PATH, null), grpcMessage("x"));
      assertEquals("415", r.header(":status"), "response " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void grpcContentTypeWithFormatSuffixIsAccepted() throws Exception {
    try (RawH2 conn = handshake()) {
      RawH2.Response r =
          exchange(conn, RawH2.request("POST", EchoServer.ECHO_PATH, "application/grpc+proto"), grpcMessage("suffix"));
      assertEquals("200", r.header(":status"), "response " + r);
      assertEquals("0", r.grpcStatus());
      assertEquals("echo:suffix", r.firstMessage());
    }
  }

  @ParameterizedTest(name = ":method {0}")
  @ValueSource(strings = {"GET", "PUT", "HEAD", "post"})
  void nonPostMethodGets405(String method) throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(headers(1, FLAG_END_HEADERS | FLAG_END_STREAM, RawH2.request(method, EchoServer.ECHO_PATH, "application/grpc")));
      RawH2.Response r = conn.awaitResponse(1);
      assertEquals("405", r.header(":status"), "response " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void unknownPathGetsGrpcStatusUnimplemented() throws Exception {
    try (RawH2 conn = handshake()) {
      RawH2.Response r = exchange(conn, grpcRequest("/hostile.Echo/Nope"), grpcMessage("x"));
      assertEquals("200", r.header(":status"), "response " + r);
      assertEquals("12", r.grpcStatus(), "response " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void requestMessageOverTheLimitGetsResourceExhaustedAndTheConnectionGoesOn() throws Exception {
    try (RawH2 conn = handshake()) {
      // Only the prefix and a little of the body: the announced length alone must be refused.
      byte[] prefix = new byte[5];
      RawH2.writeInt(prefix, 1, FOUR_MIB + 1);
      conn.send(headers(1, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH)), data(1, false, concat(prefix, new byte[1000])));
      RawH2.Response r = conn.awaitResponse(1);
      assertEquals("8", r.grpcStatus(), "the HEADERS frame carrying grpc-status: " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void gzipBombGetsResourceExhausted() throws Exception {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
      gzip.write(new byte[FOUR_MIB + 1024]);
    }
    byte[] message = grpcMessage(zipped.toByteArray());
    message[0] = 1; // compressed
    try (RawH2 conn = handshake()) {
      RawH2.Response r = exchange(conn, grpcRequest(EchoServer.ECHO_PATH, "grpc-encoding", "gzip"), message);
      assertEquals("8", r.grpcStatus(), "response " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void compressedMessageWithoutEncodingGetsInternal() throws Exception {
    try (RawH2 conn = handshake()) {
      byte[] message = grpcMessage("not really compressed");
      message[0] = 1;
      RawH2.Response r = exchange(conn, grpcRequest(EchoServer.ECHO_PATH), message);
      assertEquals("13", r.grpcStatus(), "response " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void unsupportedEncodingGetsUnimplemented() throws Exception {
    try (RawH2 conn = handshake()) {
      byte[] message = grpcMessage("x");
      message[0] = 1;
      RawH2.Response r = exchange(conn, grpcRequest(EchoServer.ECHO_PATH, "grpc-encoding", "br"), message);
      assertEquals("12", r.grpcStatus(), "response " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void invalidMessageFlagGetsInternal() throws Exception {
    try (RawH2 conn = handshake()) {
      byte[] message = grpcMessage("x");
      message[0] = 2;
      RawH2.Response r = exchange(conn, grpcRequest(EchoServer.ECHO_PATH), message);
      assertEquals("13", r.grpcStatus(), "response " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void requestEndingInsideAMessageGetsInternal() throws Exception {
    try (RawH2 conn = handshake()) {
      byte[] truncated = java.util.Arrays.copyOf(grpcMessage("0123456789"), 8);
      RawH2.Response r = exchange(conn, grpcRequest(EchoServer.ECHO_PATH), truncated);
      assertEquals("13", r.grpcStatus(), "response " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void twoMessagesForAUnaryMethodGetInternal() throws Exception {
    try (RawH2 conn = handshake()) {
      RawH2.Response r = exchange(conn, grpcRequest(EchoServer.ECHO_PATH), concat(grpcMessage("a"), grpcMessage("b")));
      assertEquals("13", r.grpcStatus(), "response " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void noMessageForAUnaryMethodGetsInternal() throws Exception {
    try (RawH2 conn = handshake()) {
      conn.send(headers(1, FLAG_END_HEADERS | FLAG_END_STREAM, grpcRequest(EchoServer.ECHO_PATH)));
      RawH2.Response r = conn.awaitResponse(1);
      assertEquals("13", r.grpcStatus(), "response " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @ParameterizedTest(name = "grpc-timeout {0}")
  @ValueSource(strings = {"abc", "123456789S", "10x", "-1S", ""})
  void malformedTimeoutIsRefused(String timeout) throws Exception {
    try (RawH2 conn = handshake()) {
      RawH2.Response r = exchange(conn, grpcRequest(EchoServer.ECHO_PATH, "grpc-timeout", timeout), grpcMessage("x"));
      assertEquals("13", r.grpcStatus(), "response " + r);
      EchoServer.assertEchoes(conn, 3);
    }
  }
}
