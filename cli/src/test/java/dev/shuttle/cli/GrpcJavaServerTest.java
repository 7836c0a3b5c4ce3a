package dev.shuttle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.testing.integration.TestServiceImpl;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI against grpc-java's interop TestService, with grpc-java's reflection service in its
 * older v1alpha version only: so every run also shows the fall back from v1.
 */
class GrpcJavaServerTest {
  private static ScheduledExecutorService executor;
  private static Server server;
  private static String target;

  @BeforeAll
  @SuppressWarnings("deprecation") // ProtoReflectionService is grpc-java's v1alpha one, wanted here
  static void start() throws Exception {
    executor = Executors.newScheduledThreadPool(2);
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus("grpc.testing.TestService", ServingStatus.SERVING);
    health.setStatus("draining", ServingStatus.NOT_SERVING);
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new TestServiceImpl(executor))
        .addService(ProtoReflectionService.newInstance())
        .addService(health.getHealthService())
        .build()
        .start();
    target = "127.0.0.1:" + server.getPort();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    executor.shutdownNow();
  }

  @Test
  void listsTheServicesThroughV1alphaReflection() {
    CliRun run = CliRun.run("list", target);
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(
        List.of("grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection", "grpc.testing.TestService"),
        run.lines(),
        run.toString());
  }

  @Test
  void listsAServicesMethodsByFullName() {
    CliRun run = CliRun.run("list", target, "grpc.testing.TestService");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.lines().contains("grpc.testing.TestService.UnaryCall"), run.toString());
    assertTrue(run.lines().contains("grpc.testing.TestService.FullDuplexCall"), run.toString());
  }

  @Test
  void describesAServiceAndAMessageAsProtoText() {
    CliRun service = CliRun.run("describe", target, "grpc.testing.TestService");
    assertEquals(0, service.exitCode(), service.toString());
    assertTrue(service.out().contains("service TestService {"), service.toString());
    assertTrue(service.out().contains(
        "rpc StreamingOutputCall(.grpc.testing.StreamingOutputCallRequest) returns (stream .grpc.testing.StreamingOutputCallResponse);"),
        service.toString());

    CliRun message = CliRun.run("describe", target, "grpc.testing.SimpleRequest");
    assertEquals(0, message.exitCode(), message.toString());
    assertTrue(message.out().startsWith("// grpc.testing.SimpleRequest is a message, in grpc/testing/messages.proto\n"),
        message.toString());
    assertTrue(message.out().contains("message SimpleRequest {"), message.toString());
    assertTrue(message.out().contains("  .grpc.testing.Payload payload = 3;"), message.toString());
  }

  @Test
  void callsAUnaryMethodWithJson() {
    CliRun run = CliRun.run("call", target, "grpc.testing.TestService/UnaryCall", "-d", "{\"responseSize\": 3}");
    assertEquals(0, run.exitCode(), run.toString());
    // Three zero bytes, in base64.
    assertEquals(List.of("{\"payload\":{\"body\":\"AAAA\"}}"), run.lines(), run.toString());
  }

  @Test
  void callsAServerStreamingMethodAndPrintsAJsonLinePerResponse() {
    CliRun run = CliRun.run("call", target, "grpc.testing.TestService.StreamingOutputCall",
        "-d", "{\"responseParameters\": [{\"size\": 1}, {\"size\": 2}, {\"size\": 3}]}");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(List.of(
        "{\"payload\":{\"body\":\"AA==\"}}",
        "{\"payload\":{\"body\":\"AAA=\"}}",
        "{\"payload\":{\"body\":\"AAAA\"}}"), run.lines(), run.toString());
  }

  @Test
  void healthAgainstGrpcJavasHealthServiceExitsAsGrpcHealthProbeDoes() {
    assertEquals(0, CliRun.run("health", target).exitCode(), "the whole server");
    assertEquals(0, CliRun.run("health", target, "grpc.testing.TestService").exitCode());
    CliRun draining = CliRun.run("health", target, "draining");
    assertEquals(4, draining.exitCode(), draining.toString());
    CliRun unknown = CliRun.run("health", target, "no.such.Service");
    assertEquals(3, unknown.exitCode(), unknown.toString());
  }

  @Test
  void aFailedCallPrintsItsStatusAndExitsOne() {
    CliRun run = CliRun.run("call", target, "grpc.testing.TestService/UnaryCall",
        "-d", "{\"responseStatus\": {\"code\": 9, \"message\": \"not now\"}}");
    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.err().contains("FAILED_PRECONDITION: not now"), run.toString());
  }
}
