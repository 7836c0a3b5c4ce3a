package dev.shuttle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.shuttle.Server;
import dev.shuttle.cli.test.EchoOuterClass;
import dev.shuttle.services.health.HealthStatusManager;
import dev.shuttle.services.health.v1.HealthCheckResponse.ServingStatus;
import dev.shuttle.services.reflection.ReflectionService;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a Shuttle server with reflection (v1 and v1alpha), health, and the Echo test
 * service: every call kind, metadata both ways, deadlines, health's exit codes; and a server
 * without reflection, reached through a descriptor set.
 */
class ShuttleServerTest {
  private static Server server;
  private static Server bare;
  private static String target;

  @BeforeAll
  static void start() throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus("shuttle.cli.test.Echo", ServingStatus.SERVING);
    health.setStatus("shuttle.cli.test.Sleepy", ServingStatus.NOT_SERVING);
    server = health.addTo(Server.builder().listen("127.0.0.1", 0).service(new EchoServiceImpl()))
        .service(ReflectionService.v1())
        .service(ReflectionService.v1alpha())
        .start();
    target = "127.0.0.1:" + server.port();
    bare = Server.builder().listen("127.0.0.1", 0).service(new EchoServiceImpl()).start();
  }

  @AfterAll
  static void stop() {
    server.shutdownNow();
    bare.shutdownNow();
  }

  @Test
  void listsServicesAndMethodsThroughReflection() {
    CliRun services = CliRun.run("list", target);
    assertEquals(0, services.exitCode(), services.toString());
    assertEquals(List.of("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection", "shuttle.cli.test.Echo"), services.lines(), services.toString());

    CliRun methods = CliRun.run("list", target, "shuttle.cli.test.Echo");
    assertEquals(List.of("shuttle.cli.test.Echo.Say", "shuttle.cli.test.Echo.Repeat", "shuttle.cli.test.Echo.Join",
        "shuttle.cli.test.Echo.Chat", "shuttle.cli.test.Echo.Hang"), methods.lines(), methods.toString());
  }

  @Test
  void describesServicesMethodsMessagesAndEnumsAsProtoText() {
    CliRun service = CliRun.run("describe", target, "shuttle.cli.test.Echo");
    assertEquals(0, service.exitCode(), service.toString());
    assertEquals("""
        // shuttle.cli.test.Echo is a service, in shuttle/cli/test/echo.proto
        service Echo {
          rpc Say(.shuttle.cli.test.EchoRequest) returns (.shuttle.cli.test.EchoResponse);
          rpc Repeat(.shuttle.cli.test.EchoRequest) returns (stream .shuttle.cli.test.EchoResponse);
          rpc Join(stream .shuttle.cli.test.EchoRequest) returns (.shuttle.cli.test.EchoResponse);
          rpc Chat(stream .shuttle.cli.test.EchoRequest) returns (stream .shuttle.cli.test.EchoResponse);
          rpc Hang(.shuttle.cli.test.EchoRequest) returns (.shuttle.cli.test.EchoResponse);
        }
        """, service.out());

    CliRun request = CliRun.run("describe", target, "shuttle.cli.test.EchoRequest");
    assertEquals("""
        // shuttle.cli.test.EchoRequest is a message, in shuttle/cli/test/echo.proto
        message EchoRequest {
          string text = 1;
          int32 times = 2;
          .shuttle.cli.test.Tone tone = 3;
          repeated string echo_headers = 4;
          string note = 5;
          .google.protobuf.Timestamp sent_at = 6;
          oneof target {
            string user = 7;
            int64 group_id = 8;
          }
        }
        """, request.out(), request.toString());

    CliRun response = CliRun.run("describe", target, "shuttle.cli.test.EchoResponse");
    assertTrue(response.out().contains("  map<string, string> headers = 3;\n"), response.toString());
    assertTrue(response.out().contains("  message Stats {\n    int32 requests = 1;\n  }\n"), response.toString());

    CliRun method = CliRun.run("describe", target, "shuttle.cli.test.Echo/Chat");
    assertEquals("""
        // shuttle.cli.test.Echo.Chat is a method of shuttle.cli.test.Echo, in shuttle/cli/test/echo.proto
        rpc Chat(stream .shuttle.cli.test.EchoRequest) returns (stream .shuttle.cli.test.EchoResponse);
        """, method.out(), method.toString());

    CliRun tone = CliRun.run("describe", target, "shuttle.cli.test.Tone");
    assertTrue(tone.out().contains("enum Tone {\n  TONE_UNSPECIFIED = 0;\n  LOUD = 1;\n  QUIET = 2;\n}\n"), tone.toString());

    CliRun field = CliRun.run("describe", target, "shuttle.cli.test.EchoRequest.note");
    assertEquals(0, field.exitCode(), field.toString());
    assertTrue(field.out().contains("\nstring note = 5;\n"), field.toString());
  }

  @Test
  void anUnknownSymbolServiceOrMethodExitsThree() {
    assertEquals(3, CliRun.run("describe", target, "shuttle.cli.test.Nothing").exitCode());
    assertEquals(3, CliRun.run("list", target, "shuttle.cli.test.Nothing").exitCode());
    CliRun method = CliRun.run("call", target, "shuttle.cli.test.Echo/Shout");
    assertEquals(3, method.exitCode(), method.toString());
    assertTrue(method.err().contains("no method Shout in shuttle.cli.test.Echo; it has: Say, Repeat, Join, Chat, Hang"),
        method.toString());
  }

  @Test
  void callsAUnaryMethodSendingHeadersTheServerSees() {
    CliRun run = CliRun.run("call", target, "shuttle.cli.test.Echo/Say",
        "-d", "{\"text\": \"hi\", \"echoHeaders\": [\"x-user\", \"x-team\"]}", "-H", "x-user: ada", "-H", "X-Team:core");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(List.of("{\"text\":\"hi\",\"headers\":{\"x-user\":\"ada\",\"x-team\":\"core\"}}"), run.lines(), run.toString());
  }

  @Test
  void verbosePrintsTheResponseHeadersAndTrailersOnStderr() {
    CliRun run = CliRun.run("call", target, "shuttle.cli.test.Echo/Say", "-d", "{\"text\": \"hi\"}", "-v");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(List.of("{\"text\":\"hi\"}"), run.lines(), run.toString());
    assertTrue(run.err().contains("response headers:\n  x-served-by: shuttle-test\n"), run.toString());
    assertTrue(run.err().contains("response trailers:\n  x-outcome: said\n"), run.toString());
    assertTrue(run.err().contains("status: OK"), run.toString());
  }

  @Test
  void callsAServerStreamingMethod() {
    CliRun run = CliRun.run("call", target, "shuttle.cli.test.Echo.Repeat", "-d", "{\"text\": \"again\", \"times\": 3}");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(List.of("{\"text\":\"again\",\"index\":1}", "{\"text\":\"again\",\"index\":2}",
        "{\"text\":\"again\",\"index\":3}"), run.lines(), run.toString());
  }

  @Test
  void callsAClientStreamingMethodWithJsonLinesOnStdin() {
    CliRun run = CliRun.withStdin("{\"text\": \"a\"}\n{\"text\": \"b\"}\n{\"text\": \"c\"}\n", "call", target, "shuttle.cli.test.Echo/Join");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(List.of("{\"text\":\"a b c\",\"stats\":{\"requests\":3}}"), run.lines(), run.toString());
  }

  @Test
  void callsAClientStreamingMethodWithSeveralObjectsInData() {
    CliRun run = CliRun.run("call", target, "shuttle.cli.test.Echo/Join", "-d", "{\"text\": \"x\"} {\"text\": \"y\"}");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(List.of("{\"text\":\"x y\",\"stats\":{\"requests\":2}}"), run.lines(), run.toString());
  }

  @Test
  void callsABidiStreamingMethodWithStdinAndPrintsAJsonLinePerResponse() {
    CliRun run = CliRun.withStdin("{\"text\": \"one\"}\n{\n  \"text\": \"two\"\n}\n", "call", target, "shuttle.cli.test.Echo/Chat", "-d", "-");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(List.of("{\"text\":\"ONE\",\"index\":1}", "{\"text\":\"TWO\",\"index\":2}"), run.lines(), run.toString());
  }

  @Test
  void aDeadlineThatPassesEndsTheCallWithDeadlineExceeded() {
    CliRun run = CliRun.run("call", target, "shuttle.cli.test.Echo/Hang", "--deadline", "300ms");
    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.err().startsWith("shuttle: DEADLINE_EXCEEDED: "), run.toString());
  }

  @Test
  void requestsThatDoNotFitExitTwo() {
    CliRun unknownField = CliRun.run("call", target, "shuttle.cli.test.Echo/Say", "-d", "{\"txet\": \"hi\"}");
    assertEquals(2, unknownField.exitCode(), unknownField.toString());
    assertTrue(unknownField.err().contains("not a valid shuttle.cli.test.EchoRequest"), unknownField.toString());

    CliRun twoForUnary = CliRun.run("call", target, "shuttle.cli.test.Echo/Say", "-d", "{} {}");
    assertEquals(2, twoForUnary.exitCode(), twoForUnary.toString());

    CliRun truncated = CliRun.withStdin("{\"text\": \"a\"}\n{\"text\": ", "call", target, "shuttle.cli.test.Echo/Chat");
    assertEquals(2, truncated.exitCode(), truncated.toString());
    assertTrue(truncated.err().contains("ends inside a JSON object"), truncated.toString());
  }

  @Test
  void badCommandLinesExitTwoAndHelpExitsZero() {
    assertEquals(2, CliRun.run().exitCode());
    assertEquals(2, CliRun.run("frobnicate", target).exitCode());
    assertEquals(2, CliRun.run("list").exitCode());
    assertEquals(2, CliRun.run("list", target, "--bogus").exitCode());
    assertEquals(2, CliRun.run("list", target, "-d", "{}").exitCode());
    assertEquals(2, CliRun.run("call", target, "NoMethod").exitCode());
    assertEquals(2, CliRun.run("call", target, "shuttle.cli.test.Echo/Say", "--deadline", "soon").exitCode());
    assertEquals(2, CliRun.run("call", "nowhere", "shuttle.cli.test.Echo/Say").exitCode());

    for (String command : List.of("list", "describe", "call", "health")) {
      CliRun help = CliRun.run(command, "--help");
      assertEquals(0, help.exitCode(), help.toString());
      assertTrue(help.out().startsWith("usage: shuttle " + command + " HOST:PORT"), help.toString());
    }
    CliRun help = CliRun.run("--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("health has grpc_health_probe's"), help.toString());
  }

  @Test
  void healthExitsZeroForServingAndFourForNotServing() {
    CliRun server = CliRun.run("health", target);
    assertEquals(0, server.exitCode(), server.toString());
    assertEquals("SERVING\n", server.out());
    assertEquals(0, CliRun.run("health", target, "shuttle.cli.test.Echo").exitCode());

    CliRun sleepy = CliRun.run("health", target, "shuttle.cli.test.Sleepy");
    assertEquals(4, sleepy.exitCode(), sleepy.toString());
    assertEquals("NOT_SERVING\n", sleepy.out());
  }

  @Test
  void healthExitsThreeForAServiceTheServerDoesNotKnowAndTwoWhenNothingListens() throws IOException {
    CliRun unknown = CliRun.run("health", target, "shuttle.cli.test.Missing");
    assertEquals(3, unknown.exitCode(), unknown.toString());
    assertTrue(unknown.err().contains("NOT_FOUND"), unknown.toString());

    CliRun noHealthService = CliRun.run("health", "127.0.0.1:" + bare.port());
    assertEquals(3, noHealthService.exitCode(), noHealthService.toString());
    assertTrue(noHealthService.err().contains("UNIMPLEMENTED"), noHealthService.toString());

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CliRun unreachable = CliRun.run("health", "127.0.0.1:" + closedPort);
    assertEquals(2, unreachable.exitCode(), unreachable.toString());

    assertEquals(1, CliRun.run("health").exitCode());
    assertEquals(1, CliRun.run("health", target, "--deadline", "never").exitCode());
  }

  @Test
  void aServerWithoutReflectionIsReachedThroughADescriptorSet(@TempDir Path dir) throws IOException {
    String bareTarget = "127.0.0.1:" + bare.port();
    CliRun noReflection = CliRun.run("list", bareTarget);
    assertEquals(3, noReflection.exitCode(), noReflection.toString());
    assertTrue(noReflection.err().contains("--protoset"), noReflection.toString());

    Path protoset = dir.resolve("echo.protoset");
    FileDescriptor echo = EchoOuterClass.getDescriptor();
    FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
    for (FileDescriptor dependency : echo.getDependencies()) {
      set.addFile(dependency.toProto());
    }
    Files.write(protoset, set.addFile(echo.toProto()).build().toByteArray());

    CliRun list = CliRun.run("list", bareTarget, "--protoset", protoset.toString());
    assertEquals(List.of("shuttle.cli.test.Echo"), list.lines(), list.toString());
    CliRun call = CliRun.run("call", bareTarget, "shuttle.cli.test.Echo/Say", "--protoset", protoset.toString(),
        "-d", "{\"text\": \"bare\", \"sentAt\": \"2026-12-01T10:00:00Z\"}");
    assertEquals(0, call.exitCode(), call.toString());
    assertEquals(List.of("{\"text\":\"bare\"}"), call.lines(), call.toString());
  }
}
