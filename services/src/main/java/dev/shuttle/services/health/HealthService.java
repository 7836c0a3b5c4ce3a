package dev.shuttle.services.health;

import dev.shuttle.ServerContext;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.StreamSink;
import dev.shuttle.services.health.v1.HealthCheckRequest;
import dev.shuttle.services.health.v1.HealthCheckResponse;
import dev.shuttle.services.health.v1.HealthCheckResponse.ServingStatus;
import dev.shuttle.services.health.v1.HealthListRequest;
import dev.shuttle.services.health.v1.HealthListResponse;
import java.util.Map;

/**
 * gRPC's standard health service, {@code grpc.health.v1.Health}, answering from a
 * {@link HealthStatusManager}; get it from {@link HealthStatusManager#service()}.
 *
 * <ul>
 *   <li>{@code Check}: the service's status; {@code NOT_FOUND} for a service the manager does not
 *       know. The empty name is the whole server.
 *   <li>{@code List}: every known service and its status; {@code RESOURCE_EXHAUSTED} beyond
 *       {@value #MAX_LISTED_SERVICES} of them, as the protocol says.
 *   <li>{@code Watch}: the status at once, then each change, until the client cancels. An unknown
 *       service reads {@code SERVICE_UNKNOWN} and the call stays open, so a service registered
 *       later is seen. A watcher that reads slower than the status changes gets the latest
 *       status, not every one in between. When the server shuts down (see
 *       {@link HealthStatusManager#addTo}), each watch sends {@code NOT_SERVING} and ends with
 *       {@code OK}, which tells the client to retry elsewhere, and lets the shutdown finish.
 * </ul>
 */
public final class HealthService extends dev.shuttle.services.health.v1.HealthService {
  /** The most services {@code List} answers with, as the protocol sets it. */
  public static final int MAX_LISTED_SERVICES = 100;

  private final HealthStatusManager manager;

  HealthService(HealthStatusManager manager) {
    this.manager = manager;
  }

  @Override
  public HealthCheckResponse check(HealthCheckRequest request, ServerContext context) {
    ServingStatus status = manager.status(request.getService());
    if (status == null) {
      throw new StatusException(Status.NOT_FOUND.withDescription("unknown service " + request.getService()));
    }
    return response(status);
  }

  @Override
  public HealthListResponse list(HealthListRequest request, ServerContext context) {
    Map<String, ServingStatus> statuses = manager.statuses();
    if (statuses.size() > MAX_LISTED_SERVICES) {
      throw new StatusException(
          Status.RESOURCE_EXHAUSTED.withDescription(
              statuses.size() + " services, more than the " + MAX_LISTED_SERVICES + " List may return"));
    }
    HealthListResponse.Builder response = HealthListResponse.newBuilder();
    statuses.forEach((service, status) -> response.putStatuses(service, response(status)));
    return response.build();
  }

  @Override
  public void watch(HealthCheckRequest request, StreamSink<HealthCheckResponse> responses, ServerContext context) {
    StatusWatch watch = manager.watch(request.getService());
    try {
      // Wakes a handler waiting for a change even when the server does not interrupt handlers.
      context.onCancel(watch::cancel);
      for (ServingStatus status = watch.next(); status != null; status = watch.next()) {
        responses.send(response(status));
      }
    } catch (InterruptedException e) {
      // Cancelled while waiting for a change: the server interrupts a cancelled call's handler.
    } catch (StatusException e) {
      // Cancelled, or the client went away, while sending: nobody is left to tell.
    } finally {
      manager.unwatch(watch);
    }
  }

  private static HealthCheckResponse response(ServingStatus status) {
    return HealthCheckResponse.newBuilder().setStatus(status).build();
  }
}
