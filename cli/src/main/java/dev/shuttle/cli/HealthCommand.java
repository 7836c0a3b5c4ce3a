package dev.shuttle.cli;

import dev.shuttle.Metadata;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.ResponseMetadata;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.protobuf.ProtoMarshaller;
import dev.shuttle.services.health.v1.HealthCheckRequest;
import dev.shuttle.services.health.v1.HealthCheckResponse;
import dev.shuttle.services.health.v1.HealthCheckResponse.ServingStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * {@code shuttle health HOST:PORT [SERVICE]}: one {@code grpc.health.v1.Health/Check}, with
 * grpc_health_probe's exit codes so it can stand in for it in an exec probe.
 */
final class HealthCommand {
  private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
  private static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> CHECK =
      MethodDescriptor.of(
          MethodType.UNARY,
          "grpc.health.v1.Health",
          "Check",
          ProtoMarshaller.of(HealthCheckRequest.getDefaultInstance()),
          ProtoMarshaller.of(HealthCheckResponse.getDefaultInstance()));

  private HealthCommand() {}

  static int run(CommandLine line, Terminal terminal) {
    List<String> args = line.positional(1, 2, "HOST:PORT [SERVICE]");
    String service = args.size() == 2 ? args.get(1) : "";
    try (Connection connection = Connection.open(args.get(0), line, DEFAULT_DEADLINE)) {
      HealthCheckResponse response;
      ResponseMetadata received = new ResponseMetadata();
      Metadata noHeaders = received.headers();
      Metadata noTrailers = received.trailers();
      try {
        response = connection.channel().unaryCall(
            CHECK, HealthCheckRequest.newBuilder().setService(service).build(), connection.options().withResponseMetadata(received));
      } catch (StatusException e) {
        String reason = e.code() + ": " + (e.status().description() == null ? "" : e.status().description());
        // The holder's own empty instances still there: neither headers nor trailers arrived.
        boolean serverAnswered = received.headers() != noHeaders || received.trailers() != noTrailers;
        if (isConnectionFailure(e.status(), serverAnswered)) {
          terminal.err().println("shuttle: cannot connect to " + args.get(0) + ": " + reason);
          return ExitCodes.HEALTH_CONNECTION_FAILURE;
        }
        terminal.err().println("shuttle: the health check failed: " + reason);
        return ExitCodes.HEALTH_RPC_FAILURE;
      }
      ServingStatus status = response.getStatus();
      terminal.out().println(status == ServingStatus.UNRECOGNIZED ? "status " + response.getStatusValue() : status.name());
      if (status != ServingStatus.SERVING) {
        terminal.err().println("shuttle: " + (service.isEmpty() ? "the server" : service) + " is not serving");
        return ExitCodes.HEALTH_UNHEALTHY;
      }
      return ExitCodes.OK;
    }
  }

  /**
   * Whether the call never reached a gRPC server, which grpc_health_probe reports as a failed
   * connection: the channel reports a failed connect or TLS handshake as {@code UNAVAILABLE} (or
   * {@code DEADLINE_EXCEEDED} while connecting) caused by the socket's {@code IOException}; and
   * a connection the server turns away before answering (a GOAWAY to a cleartext client on a TLS
   * port, say) as {@code UNAVAILABLE} with no response at all.
   */
  private static boolean isConnectionFailure(Status status, boolean serverAnswered) {
    if (status.code() == Status.Code.UNAVAILABLE && !serverAnswered) {
      return true;
    }
    if (status.code() != Status.Code.UNAVAILABLE && status.code() != Status.Code.DEADLINE_EXCEEDED) {
      return false;
    }
    for (Throwable cause = status.cause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException) {
        return true;
      }
    }
    return false;
  }
}
