package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client facing an HTTP/2 server that is not gRPC (a proxy's error page, a web server): each
 * answer becomes the status code of grpc/grpc {@code doc/http-grpc-status-mapping.md}, and the
 * channel stays usable. The server is a small Python script on the {@code h2} package, run as a
 * subprocess on port 0.
 */
class NonGrpcResponseTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final CallOptions TEN_SECONDS = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));

  private static Process python;
  private static int port;
  private static EchoServer shuttle;

  private Channel channel;

  @BeforeAll
  static void startServers() throws Exception {
    requirePythonH2();
    Path script = Path.of(NonGrpcResponseTest.class.getResource("/non_grpc_h2_server.py").toURI());
    python = new ProcessBuilder(PYTHON, script.toString()).redirectError(Redirect.INHERIT).start();
    BufferedReader stdout = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.US_ASCII));
    String line = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(20, TimeUnit.SECONDS);
    if (line == null) {
      fail("the Python HTTP/2 server exited before printing its port (see its stderr above)");
    }
    port = Integer.parseInt(line.trim());
    shuttle = EchoServer.start();
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (python != null) {
      python.getOutputStream().close(); // the script exits when its stdin closes
      python.destroy();
      if (!python.waitFor(10, TimeUnit.SECONDS)) {
        python.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (shuttle != null) {
      shuttle.close();
    }
  }

  private static void requirePythonH2() throws InterruptedException {
    String problem;
    if (!Files.isExecutable(Path.of(PYTHON))) {
      problem = PYTHON + " does not exist";
    } else {
      try {
        Process check = new ProcessBuilder(PYTHON, "-c", "import h2").redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        problem = check.waitFor() == 0 ? null : output.strip();
      } catch (IOException e) {
        problem = e.toString();
      }
    }
    if (problem != null) {
      fail(
          "NonGrpcResponseTest needs the Python h2 package for " + PYTHON + " (" + problem + "). "
              + "Install it with: apt-get install python3-h2 (CI installs it).");
    }
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  @BeforeEach
  void openChannel() {
    channel = Channel.plaintext("127.0.0.1:" + port);
  }

  /** Whatever the non-gRPC server did, a real gRPC call on a new channel to Shuttle succeeds. */
  @AfterEach
  void closeChannelThenCallARealServer() {
    channel.close();
    try (Channel fresh = Channel.plaintext("127.0.0.1:" + shuttle.port())) {
      assertEquals("echo:real", fresh.unaryCall(EchoServer.ECHO, "real", TEN_SECONDS));
    }
  }

  private static MethodDescriptor<String, String> method(String name) {
    return MethodDescriptor.of(MethodType.UNARY, "nongrpc.Web", name, TestMarshallers.UTF8, TestMarshallers.UTF8);
  }

  private StatusException callFails(String methodName) {
    return assertThrows(StatusException.class, () -> channel.unaryCall(method(methodName), "hello", TEN_SECONDS));
  }

  @ParameterizedTest(name = "HTTP {0} with an HTML body -> {1}")
  @CsvSource({
    "400, INTERNAL",
    "401, UNAUTHENTICATED",
    "403, PERMISSION_DENIED",
    "404, UNIMPLEMENTED",
    "429, UNAVAILABLE",
    "502, UNAVAILABLE",
    "503, UNAVAILABLE",
    "504, UNAVAILABLE",
    "500, UNKNOWN",
    "418, UNKNOWN",
    "302, UNKNOWN"
  })
  void httpErrorStatusMapsToGrpcCode(int httpStatus, Status.Code expected) {
    StatusException e = callFails("Status" + httpStatus);
    assertEquals(expected, e.code(), "status " + e.status());
    String description = String.valueOf(e.status().description());
    assertTrue(description.contains(String.valueOf(httpStatus)), "the description names the HTTP status: " + description);
    // The channel's connection is not harmed by a non-gRPC answer on one stream.
    assertEquals("pong", channel.unaryCall(method("GrpcOk"), "ping", TEN_SECONDS));
  }

  @ParameterizedTest(name = "HTTP {0} without a body -> {1}")
  @CsvSource({"401, UNAUTHENTICATED", "404, UNIMPLEMENTED", "503, UNAVAILABLE", "500, UNKNOWN"})
  void headersOnlyHttpErrorMapsToGrpcCode(int httpStatus, Status.Code expected) {
    StatusException e = callFails("Status" + httpStatus + "Empty");
    assertEquals(expected, e.code(), "status " + e.status());
    assertEquals("pong", channel.unaryCall(method("GrpcOk"), "ping", TEN_SECONDS));
  }

  @Test
  void http200WithHtmlIsUnknown() {
    StatusException e = callFails("Html200");
    assertEquals(Status.Code.UNKNOWN, e.code(), "status " + e.status());
    assertEquals("pong", channel.unaryCall(method("GrpcOk"), "ping", TEN_SECONDS));
  }

  /** gRPC responses broken in one way each get the status gRPC implementations agree on. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "BadGrpcStatus, UNKNOWN",
    "MissingGrpcStatus, UNKNOWN",
    "NoTrailers, INTERNAL",
    "TruncatedMessage, INTERNAL",
    "InvalidFlag, INTERNAL",
    "CompressedWithoutEncoding, INTERNAL",
    "UnknownEncoding, UNIMPLEMENTED",
    "CorruptGzip, INTERNAL",
    "TwoMessagesForUnary, INTERNAL",
  })
  void malformedGrpcResponseGetsAPreciseStatus(String answer, Status.Code expected) {
    StatusException e = callFails(answer);
    assertEquals(expected, e.code(), "status " + e.status());
    assertEquals("pong", channel.unaryCall(method("GrpcOk"), "ping", TEN_SECONDS));
  }

  @Test
  void aProperGrpcAnswerFromTheSameServerWorks() {
    assertEquals("pong", channel.unaryCall(method("GrpcOk"), "ping", TEN_SECONDS));
  }

  @Test
  void serverClosingTheConnectionMidResponseIsUnavailable() {
    StatusException e = callFails("CloseMidCall");
    assertEquals(Status.Code.UNAVAILABLE, e.code(), "status " + e.status());
    // The channel reconnects for the next call.
    assertEquals("pong", channel.unaryCall(method("GrpcOk"), "ping", TEN_SECONDS));
  }

  @Test
  void serverClosingTheConnectionWithoutAnswerIsUnavailable() {
    StatusException e = callFails("CloseAtOnce");
    assertEquals(Status.Code.UNAVAILABLE, e.code(), "status " + e.status());
    assertEquals("pong", channel.unaryCall(method("GrpcOk"), "ping", TEN_SECONDS));
  }

  @Test
  void responseMessageOverTheClientLimitIsResourceExhausted() {
    StatusException e = callFails("HugeMessage");
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code(), "status " + e.status());
    assertEquals("pong", channel.unaryCall(method("GrpcOk"), "ping", TEN_SECONDS));
  }
}
