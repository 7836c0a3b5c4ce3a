package dev.shuttle.interop;

import com.google.protobuf.ByteString;
import dev.shuttle.CompressionRegistry;
import dev.shuttle.ServerContext;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.StreamSink;
import dev.shuttle.StreamSource;
import dev.shuttle.interop.proto.BoolValue;
import dev.shuttle.interop.proto.EchoStatus;
import dev.shuttle.interop.proto.Empty;
import dev.shuttle.interop.proto.Payload;
import dev.shuttle.interop.proto.PayloadType;
import dev.shuttle.interop.proto.ResponseParameters;
import dev.shuttle.interop.proto.SimpleRequest;
import dev.shuttle.interop.proto.SimpleResponse;
import dev.shuttle.interop.proto.StreamingInputCallRequest;
import dev.shuttle.interop.proto.StreamingInputCallResponse;
import dev.shuttle.interop.proto.StreamingOutputCallRequest;
import dev.shuttle.interop.proto.StreamingOutputCallResponse;
import dev.shuttle.interop.proto.TestService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code grpc.testing.TestService} with every server feature of gRPC's
 * doc/interop-test-descriptions.md: EmptyCall, UnaryCall, CacheableUnaryCall, StreamingInputCall,
 * StreamingOutputCall, FullDuplexCall and HalfDuplexCall; compressed requests
 * ({@code expect_compressed} is checked against the message's compressed flag) and responses
 * ({@code response_compressed}, per message in streams); Echo Status, Echo Metadata,
 * {@code interval_us}, {@code fill_server_id}; ORCA reports per call ({@code
 * orca_per_query_report}, in the {@value OrcaReports#TRAILER} trailer) and out of band ({@code
 * orca_oob_report}, streamed by {@link OrcaService}). UnimplementedCall is left to the base class,
 * which answers {@code UNIMPLEMENTED}.
 *
 * <pre>{@code
 * BackendMetrics metrics = new BackendMetrics();
 * Server server = Server.builder()
 *     .service(new InteropTestService("server-1", metrics))
 *     .service(new OrcaService(metrics, OrcaService.DEFAULT_MIN_INTERVAL))
 *     .start();
 * }</pre>
 */
class InteropTestService extends TestService {
  /** Request header echoed in the response headers (Echo Metadata). */
  static final String ECHO_INITIAL_KEY = "x-grpc-test-echo-initial";

  /** Request header echoed in the trailers (Echo Metadata). */
  static final String ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin";

  /** The largest response a request may ask for; more would only let a client exhaust the heap. */
  static final int MAX_RESPONSE_SIZE = 16 * 1024 * 1024;

  private final String serverId;
  private final BackendMetrics metrics;

  /**
   * @param serverId what {@code fill_server_id} answers with: the same for every call this
   *     service serves, so that pick_first_unary sees one backend
   * @param metrics the out-of-band metrics that {@code orca_oob_report} sets
   */
  InteropTestService(String serverId, BackendMetrics metrics) {
    this.serverId = serverId;
    this.metrics = metrics;
  }

  @Override
  public Empty emptyCall(Empty request, ServerContext context) {
    return Empty.getDefaultInstance();
  }

  @Override
  public SimpleResponse unaryCall(SimpleRequest request, ServerContext context) {
    echoMetadata(context);
    checkCompression(request.hasExpectCompressed(), request.getExpectCompressed(), context);
    if (request.getResponseCompressed().getValue()) {
      context.setCompression(CompressionRegistry.GZIP);
    }
    echoStatus(request.hasResponseStatus(), request.getResponseStatus());
    checkPayloadType(request.getResponseType());
    if (request.hasOrcaPerQueryReport()) {
      context.responseTrailers()
          .addBinary(OrcaReports.TRAILER, OrcaReports.perCall(request.getOrcaPerQueryReport()).toByteArray());
    }
    SimpleResponse.Builder response = SimpleResponse.newBuilder().setPayload(zeros(request.getResponseSize()));
    if (request.getFillServerId()) {
      response.setServerId(serverId);
    }
    return response.build();
  }

  /**
   * The payload is the time of the call, so that two calls differ unless a cache answered the
   * second; the headers let an HTTP cache keep the response for a minute.
   */
  @Override
  public SimpleResponse cacheableUnaryCall(SimpleRequest request, ServerContext context) {
    echoMetadata(context);
    context.responseHeaders().add("cache-control", "max-age=60, public");
    return SimpleResponse.newBuilder()
        .setPayload(
            Payload.newBuilder()
                .setType(PayloadType.COMPRESSABLE)
                .setBody(ByteString.copyFromUtf8(Long.toString(System.nanoTime()))))
        .build();
  }

  @Override
  public void streamingOutputCall(
      StreamingOutputCallRequest request, StreamSink<StreamingOutputCallResponse> responses, ServerContext context) {
    echoMetadata(context);
    echoStatus(request.hasResponseStatus(), request.getResponseStatus());
    checkPayloadType(request.getResponseType());
    compressIfAnyAsks(request.getResponseParametersList(), context);
    sendResponses(request.getResponseParametersList(), responses, context);
  }

  @Override
  public StreamingInputCallResponse streamingInputCall(
      StreamSource<StreamingInputCallRequest> requests, ServerContext context) {
    echoMetadata(context);
    int total = 0;
    for (StreamingInputCallRequest request : requests) {
      checkCompression(request.hasExpectCompressed(), request.getExpectCompressed(), context);
      total += request.getPayload().getBody().size();
    }
    return StreamingInputCallResponse.newBuilder().setAggregatedPayloadSize(total).build();
  }

  @Override
  public void fullDuplexCall(
      StreamSource<StreamingOutputCallRequest> requests,
      StreamSink<StreamingOutputCallResponse> responses,
      ServerContext context) {
    echoMetadata(context);
    // Later requests may ask for compressed responses, and the encoding goes in the headers, which
    // leave with the first response: gzip for the call, each message compressed only if asked.
    context.setCompression(CompressionRegistry.GZIP);
    boolean ownsMetrics = false;
    try {
      for (StreamingOutputCallRequest request : requests) {
        if (request.hasOrcaOobReport()) {
          if (!ownsMetrics) {
            claimMetrics();
            ownsMetrics = true;
          }
          metrics.set(request.getOrcaOobReport());
        }
        echoStatus(request.hasResponseStatus(), request.getResponseStatus());
        checkPayloadType(request.getResponseType());
        sendResponses(request.getResponseParametersList(), responses, context);
      }
    } finally {
      if (ownsMetrics) {
        metrics.release();
      }
    }
  }

  @Override
  public void halfDuplexCall(
      StreamSource<StreamingOutputCallRequest> requests,
      StreamSink<StreamingOutputCallResponse> responses,
      ServerContext context) {
    echoMetadata(context);
    List<ResponseParameters> all = new ArrayList<>();
    for (StreamingOutputCallRequest request : requests) {
      echoStatus(request.hasResponseStatus(), request.getResponseStatus());
      checkPayloadType(request.getResponseType());
      all.addAll(request.getResponseParametersList());
    }
    compressIfAnyAsks(all, context);
    sendResponses(all, responses, context);
  }

  // ---------------------------------------------------------------------------------------------

  /** Echo Metadata: the initial value back in the response headers, the trailing one in the trailers. */
  private static void echoMetadata(ServerContext context) {
    String initial = context.requestMetadata().get(ECHO_INITIAL_KEY);
    if (initial != null) {
      context.responseHeaders().add(ECHO_INITIAL_KEY, initial);
    }
    byte[] trailing = context.requestMetadata().getBinary(ECHO_TRAILING_KEY);
    if (trailing != null) {
      context.responseTrailers().addBinary(ECHO_TRAILING_KEY, trailing);
    }
  }

  /** Echo Status: a request with a status ends the call with it, before anything else it asks. */
  private static void echoStatus(boolean present, EchoStatus status) {
    if (present && status.getCode() != 0) {
      throw new StatusException(Status.of(Status.Code.fromValue(status.getCode()), status.getMessage()));
    }
  }

  /** CompressedRequest: a request must arrive compressed exactly when it says it expects to be. */
  private static void checkCompression(boolean present, BoolValue expectCompressed, ServerContext context) {
    if (!present) {
      return;
    }
    boolean compressed = context.isMessageCompressed();
    if (expectCompressed.getValue() && !compressed) {
      throw new StatusException(
          Status.INVALID_ARGUMENT.withDescription("expected a compressed request, got an uncompressed one"));
    }
    if (!expectCompressed.getValue() && compressed) {
      throw new StatusException(
          Status.INVALID_ARGUMENT.withDescription("expected an uncompressed request, got a compressed one"));
    }
  }

  private static void checkPayloadType(PayloadType type) {
    if (type != PayloadType.COMPRESSABLE) {
      throw new StatusException(Status.INVALID_ARGUMENT.withDescription("unsupported response_type " + type));
    }
  }

  private void claimMetrics() {
    try {
      metrics.claim();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StatusException(Status.CANCELLED.withDescription("cancelled while waiting for another orca_oob client"));
    }
  }

  /** Gzip for the call when any of its responses is to be compressed. */
  private static void compressIfAnyAsks(List<ResponseParameters> parameters, ServerContext context) {
    for (ResponseParameters p : parameters) {
      if (p.getCompressed().getValue()) {
        context.setCompression(CompressionRegistry.GZIP);
        return;
      }
    }
  }

  /**
   * One response per parameter, each after its {@code interval_us}, each compressed exactly when
   * its {@code compressed} says so (when the call has a compression).
   */
  private static void sendResponses(
      List<ResponseParameters> parameters, StreamSink<StreamingOutputCallResponse> responses, ServerContext context) {
    for (ResponseParameters p : parameters) {
      if (p.getIntervalUs() > 0) {
        sleep(Duration.ofNanos(p.getIntervalUs() * 1000L));
      }
      context.setMessageCompression(p.getCompressed().getValue());
      responses.send(StreamingOutputCallResponse.newBuilder().setPayload(zeros(p.getSize())).build());
    }
  }

  private static void sleep(Duration interval) {
    try {
      Thread.sleep(interval);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StatusException(Status.CANCELLED.withDescription("cancelled during interval_us"));
    }
  }

  /** A COMPRESSABLE payload of {@code size} zero bytes. */
  private static Payload zeros(int size) {
    if (size < 0 || size > MAX_RESPONSE_SIZE) {
      throw new StatusException(
          Status.INVALID_ARGUMENT.withDescription("response size must be 0.." + MAX_RESPONSE_SIZE + ", got " + size));
    }
    return Payload.newBuilder().setType(PayloadType.COMPRESSABLE).setBody(ByteString.copyFrom(new byte[size])).build();
  }
}
