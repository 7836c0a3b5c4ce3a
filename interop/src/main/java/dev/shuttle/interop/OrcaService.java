package dev.shuttle.interop;

import dev.shuttle.ServerContext;
import dev.shuttle.StatusException;
import dev.shuttle.StreamSink;
import dev.shuttle.interop.orca.OpenRcaService;
import dev.shuttle.interop.orca.OrcaLoadReport;
import dev.shuttle.interop.orca.OrcaLoadReportRequest;
import java.time.Duration;

/**
 * ORCA's out-of-band load reporting ({@code xds.service.orca.v3.OpenRcaService}): each subscriber
 * gets the server's {@link BackendMetrics} at once, then again every report interval it asked
 * for, until it cancels. An interval below {@link #minInterval} (or none) is raised to it, so a
 * client cannot make the server report as fast as it likes; grpc-java's interop server uses one
 * second, which its interop client's orca_oob case expects.
 */
final class OrcaService extends OpenRcaService {
  /** The minimum report interval of gRPC's interop servers. */
  static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(1);

  private final BackendMetrics metrics;
  private final Duration minInterval;

  OrcaService(BackendMetrics metrics, Duration minInterval) {
    this.metrics = metrics;
    this.minInterval = minInterval;
  }

  @Override
  public void streamCoreMetrics(
      OrcaLoadReportRequest request, StreamSink<OrcaLoadReport> responses, ServerContext context) {
    Duration asked =
        Duration.ofSeconds(request.getReportInterval().getSeconds(), request.getReportInterval().getNanos());
    Duration interval = asked.compareTo(minInterval) < 0 ? minInterval : asked;
    try {
      while (!context.isCancelled()) {
        responses.send(metrics.current());
        Thread.sleep(interval);
      }
    } catch (InterruptedException | StatusException e) {
      // The subscriber went away: its cancellation interrupted the wait, or ended the send.
    }
  }
}
