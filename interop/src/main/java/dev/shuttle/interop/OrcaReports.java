package dev.shuttle.interop;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.shuttle.Metadata;
import dev.shuttle.interop.orca.OrcaLoadReport;
import dev.shuttle.interop.proto.TestOrcaReport;

/**
 * ORCA backend metrics (gRFC A51) as the interop cases exchange them: the test's
 * {@link TestOrcaReport} on one side, xDS's {@link OrcaLoadReport} on the wire. A server reports
 * per call in the {@value #TRAILER} trailer, and out of band through
 * {@code xds.service.orca.v3.OpenRcaService}.
 */
final class OrcaReports {
  /** The trailer that carries a call's serialized {@link OrcaLoadReport}. */
  static final String TRAILER = "endpoint-load-metrics-bin";

  private OrcaReports() {}

  /** What a server reports for one call: all four parts of the test's report. */
  static OrcaLoadReport perCall(TestOrcaReport report) {
    return OrcaLoadReport.newBuilder()
        .setCpuUtilization(report.getCpuUtilization())
        .setMemUtilization(report.getMemoryUtilization())
        .putAllRequestCost(report.getRequestCostMap())
        .putAllUtilization(report.getUtilizationMap())
        .build();
  }

  /** What a server reports out of band: request costs belong to calls, so they are left out. */
  static OrcaLoadReport outOfBand(TestOrcaReport report) {
    return OrcaLoadReport.newBuilder()
        .setCpuUtilization(report.getCpuUtilization())
        .setMemUtilization(report.getMemoryUtilization())
        .putAllUtilization(report.getUtilizationMap())
        .build();
  }

  /** The parts of a load report the interop cases compare. */
  static TestOrcaReport toTestReport(OrcaLoadReport report) {
    return TestOrcaReport.newBuilder()
        .setCpuUtilization(report.getCpuUtilization())
        .setMemoryUtilization(report.getMemUtilization())
        .putAllRequestCost(report.getRequestCostMap())
        .putAllUtilization(report.getUtilizationMap())
        .build();
  }

  /** The report in a call's trailers, or null when it carries none. */
  static OrcaLoadReport fromTrailers(Metadata trailers) throws InvalidProtocolBufferException {
    byte[] bytes = trailers.getBinary(TRAILER);
    return bytes == null ? null : OrcaLoadReport.parseFrom(bytes);
  }
}
