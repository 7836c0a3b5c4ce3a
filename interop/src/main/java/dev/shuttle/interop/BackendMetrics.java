package dev.shuttle.interop;

import dev.shuttle.interop.orca.OrcaLoadReport;
import dev.shuttle.interop.proto.TestOrcaReport;
import java.util.concurrent.Semaphore;

/**
 * The metrics an interop server reports out of band: what the last {@code orca_oob_report} of a
 * FullDuplexCall set, streamed by {@link OrcaService} to every subscriber. One server-wide value,
 * so two orca_oob clients running at once would read each other's numbers; as grpc-java's
 * interop server does, a FullDuplexCall that sets them holds {@link #claim()} until it ends and
 * the next one waits.
 */
final class BackendMetrics {
  private volatile OrcaLoadReport current = OrcaLoadReport.getDefaultInstance();
  private final Semaphore owner = new Semaphore(1, true);

  /** The report subscribers get now. */
  OrcaLoadReport current() {
    return current;
  }

  /** Replaces the whole report (a utilization absent from {@code report} is gone from it). */
  void set(TestOrcaReport report) {
    current = OrcaReports.outOfBand(report);
  }

  /**
   * Waits until no other call sets the metrics, then lets the caller set them until it calls
   * {@link #release()}.
   */
  void claim() throws InterruptedException {
    owner.acquire();
  }

  void release() {
    owner.release();
  }
}
