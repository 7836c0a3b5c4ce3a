package dev.shuttle.interop;

import static dev.shuttle.interop.InteropCases.check;
import static dev.shuttle.interop.InteropCases.describe;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.shuttle.BidiCall;
import dev.shuttle.Channel;
import dev.shuttle.ResponseMetadata;
import dev.shuttle.ResponseStream;
import dev.shuttle.StatusException;
import dev.shuttle.interop.orca.OpenRcaServiceClient;
import dev.shuttle.interop.orca.OrcaLoadReport;
import dev.shuttle.interop.orca.OrcaLoadReportRequest;
import dev.shuttle.interop.proto.ResponseParameters;
import dev.shuttle.interop.proto.SimpleRequest;
import dev.shuttle.interop.proto.StreamingOutputCallRequest;
import dev.shuttle.interop.proto.StreamingOutputCallResponse;
import dev.shuttle.interop.proto.TestOrcaReport;
import dev.shuttle.interop.proto.TestServiceClient;
import java.time.Duration;
import java.util.List;

/**
 * ORCA's interop cases (gRFC A51): backend metrics a server reports per call, in the
 * {@code endpoint-load-metrics-bin} trailer, and out of band, through {@code OpenRcaService}.
 */
final class OrcaCases {
  private static final Duration ORCA_WAIT = Duration.ofSeconds(30);

  private OrcaCases() {}

  static void orcaPerRpc(TestServiceClient client) throws InvalidProtocolBufferException {
    TestOrcaReport expected =
        TestOrcaReport.newBuilder()
            .setCpuUtilization(0.8210)
            .setMemoryUtilization(0.5847)
            .putRequestCost("cost", 3456.32)
            .putUtilization("util", 0.30499)
            .build();
    ResponseMetadata received = new ResponseMetadata();
    client.withResponseMetadata(received).unaryCall(SimpleRequest.newBuilder().setOrcaPerQueryReport(expected).build());
    OrcaLoadReport report = OrcaReports.fromTrailers(received.trailers());
    check(report != null, "no %s trailer", OrcaReports.TRAILER);
    TestOrcaReport got = OrcaReports.toTestReport(report);
    check(expected.equals(got), "the per-call report is {%s}, not {%s}", oneLine(got), oneLine(expected));
  }

  /**
   * Out-of-band reports follow the metrics that FullDuplexCall requests set. grpc-java's client
   * receives them in a load-balancing policy; Shuttle has no such layer, so this client subscribes
   * to {@code OpenRcaService} itself, on the channel of the FullDuplexCall (the same server), and
   * reads the reports until one equals what it set.
   */
  static void orcaOob(Channel channel, TestServiceClient client) {
    TestOrcaReport first =
        TestOrcaReport.newBuilder().setCpuUtilization(0.8210).setMemoryUtilization(0.5847).putUtilization("util", 0.30499).build();
    TestOrcaReport second =
        TestOrcaReport.newBuilder().setCpuUtilization(0.29309).setMemoryUtilization(0.2).putUtilization("util", 0.2039).build();
    OrcaLoadReportRequest subscription =
        OrcaLoadReportRequest.newBuilder().setReportInterval(com.google.protobuf.Duration.newBuilder().setSeconds(1)).build();
    try (BidiCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call = client.fullDuplexCall();
        ResponseStream<OrcaLoadReport> reports =
            OpenRcaServiceClient.of(channel).withTimeout(ORCA_WAIT).streamCoreMetrics(subscription)) {
      for (TestOrcaReport metrics : List.of(first, second)) {
        call.send(
            StreamingOutputCallRequest.newBuilder()
                .setOrcaOobReport(metrics)
                .addResponseParameters(ResponseParameters.newBuilder().setSize(1))
                .build());
        check(call.receive() != null, "the FullDuplexCall ended before answering the request that set the metrics");
        awaitReport(reports, metrics);
      }
      call.halfClose();
      check(call.receive() == null, "a response after the half-close");
    }
  }

  private static void awaitReport(ResponseStream<OrcaLoadReport> reports, TestOrcaReport expected) {
    TestOrcaReport last = null;
    try {
      for (OrcaLoadReport report = reports.receive(); report != null; report = reports.receive()) {
        last = OrcaReports.toTestReport(report);
        if (last.equals(expected)) {
          return;
        }
      }
      throw new InteropCaseFailure("the OpenRcaService stream ended before a report of {" + oneLine(expected) + "}");
    } catch (StatusException e) {
      throw new InteropCaseFailure(
          "no out-of-band report of {" + oneLine(expected) + "} before the stream ended with " + describe(e)
              + (last == null ? "; no report arrived" : "; the last one was {" + oneLine(last) + "}"),
          e);
    }
  }

  private static String oneLine(TestOrcaReport report) {
    return com.google.protobuf.TextFormat.printer().emittingSingleLine(true).printToString(report);
  }
}
