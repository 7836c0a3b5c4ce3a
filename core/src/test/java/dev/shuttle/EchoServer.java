package dev.shuttle;

import static dev.shuttle.RawH2.FLAG_END_HEADERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A Shuttle server with one unary echo method, and a well-behaved Channel to it, for tests that
 * attack the server on other connections and then check that nothing else was harmed.
 */
final class EchoServer implements AutoCloseable {
  static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of(MethodType.UNARY, "hostile.Echo", "Echo", TestMarshallers.UTF8, TestMarshallers.UTF8);
  static final String ECHO_PATH = "/hostile.Echo/Echo";

  private final Server server;
  private final Channel channel;

  private EchoServer(Server server) {
    this.server = server;
    this.channel = Channel.plaintext("127.0.0.1:" + server.port());
  }

  static EchoServer start() throws IOException {
    return start(UnaryOperator.identity());
  }

  static EchoServer start(UnaryOperator<Server.Builder> configure) throws IOException {
    Server.Builder builder =
        Server.builder()
            .listen("127.0.0.1", 0)
            .service(ServiceDefinition.builder("hostile.Echo").unary(ECHO, (req, ctx) -> "echo:" + req).build());
    return new EchoServer(configure.apply(builder).start());
  }

  int port() {
    return server.port();
  }

  Server server() {
    return server;
  }

  /** A well-behaved call on another connection (the channel's) succeeds. */
  void assertServesOtherConnections() {
    String reply = channel.unaryCall(ECHO, "alive", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)));
    assertEquals("echo:alive", reply, "a well-behaved call on another connection");
  }

  /** A well-behaved request on this raw connection, on a new stream, is answered normally. */
  static void assertEchoes(RawH2 conn, int streamId) throws IOException {
    conn.send(
        RawH2.headers(streamId, FLAG_END_HEADERS, RawH2.grpcRequest(ECHO_PATH)),
        RawH2.data(streamId, true, RawH2.grpcMessage("same-connection")));
    RawH2.Response response = conn.awaitResponse(streamId);
    assertNull(response.resetCode(), "stream " + streamId + " was reset: " + response);
    assertEquals("200", response.header(":status"), "response " + response);
    assertEquals("0", response.grpcStatus(), "response " + response);
    assertEquals("echo:same-connection", response.firstMessage());
  }

  @Override
  public void close() {
    channel.close();
    server.shutdownNow();
  }
}
