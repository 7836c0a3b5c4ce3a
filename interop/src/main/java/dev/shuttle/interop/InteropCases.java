package dev.shuttle.interop;

import com.google.protobuf.ByteString;
import dev.shuttle.BidiCall;
import dev.shuttle.Channel;
import dev.shuttle.ClientStreamingCall;
import dev.shuttle.CompressionRegistry;
import dev.shuttle.Metadata;
import dev.shuttle.ResponseMetadata;
import dev.shuttle.ResponseStream;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.interop.proto.BoolValue;
import dev.shuttle.interop.proto.EchoStatus;
import dev.shuttle.interop.proto.Empty;
import dev.shuttle.interop.proto.Payload;
import dev.shuttle.interop.proto.ResponseParameters;
import dev.shuttle.interop.proto.SimpleRequest;
import dev.shuttle.interop.proto.SimpleResponse;
import dev.shuttle.interop.proto.StreamingInputCallRequest;
import dev.shuttle.interop.proto.StreamingInputCallResponse;
import dev.shuttle.interop.proto.StreamingOutputCallRequest;
import dev.shuttle.interop.proto.StreamingOutputCallResponse;
import dev.shuttle.interop.proto.TestServiceClient;
import dev.shuttle.interop.proto.UnimplementedServiceClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The client side of gRPC's interop cases (doc/interop-test-descriptions.md), run on Shuttle's
 * {@link Channel} and generated clients against any interop server. A case returns when it
 * passed and throws when it did not: {@link InteropCaseFailure} when the server answered
 * otherwise than the case requires, {@link StatusException} when a call that had to succeed
 * failed.
 *
 * <pre>{@code
 * InteropCases cases = new InteropCases(() -> Channel.plaintext("localhost:50051"), SoakSettings.DEFAULTS);
 * cases.run(InteropCase.LARGE_UNARY);
 * }</pre>
 */
final class InteropCases {
  static final String ECHO_INITIAL_VALUE = "test_initial_metadata_value";
  private static final byte[] ECHO_TRAILING_VALUE = {(byte) 0xab, (byte) 0xab, (byte) 0xab};
  static final String SPECIAL_STATUS_MESSAGE =
      "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \uD83D\uDE08\t\n";

  /** The case's own bound on its ORCA stream: generous, as reports come every second. */

  /** The channels the cases call on; channel_soak takes a new one per iteration. */
  private final Supplier<Channel> channels;

  private final SoakSettings soak;

  /** False for a server that can neither read a request's compressed flag nor set one per response. */
  private final boolean checkMessageFlags;

  InteropCases(Supplier<Channel> channels, SoakSettings soak) {
    this(channels, soak, true);
  }

  private InteropCases(Supplier<Channel> channels, SoakSettings soak, boolean checkMessageFlags) {
    this.channels = channels;
    this.soak = soak;
    this.checkMessageFlags = checkMessageFlags;
  }

  /**
   * These cases for a server whose API neither reads a request message's compressed flag nor
   * sets one per response message (grpc-java's TestServiceImpl): the probes of
   * client_compressed_unary and client_compressed_streaming and the per-message flag checks of
   * server_compressed_streaming are left out; everything else of those cases still runs. Not
   * for the command line: a case run this way has not passed as the spec words it.
   */
  InteropCases skippingMessageFlagChecks() {
    return new InteropCases(channels, soak, false);
  }

  /** Runs one case on a channel of its own, closed when the case ends. */
  void run(InteropCase testCase) throws Exception {
    try (Channel channel = channels.get()) {
      TestServiceClient client = TestServiceClient.of(channel);
      switch (testCase) {
        case EMPTY_UNARY -> emptyUnary(client);
        case LARGE_UNARY -> largeUnary(client);
        case CLIENT_COMPRESSED_UNARY -> clientCompressedUnary(client, checkMessageFlags);
        case SERVER_COMPRESSED_UNARY -> serverCompressedUnary(client);
        case CLIENT_STREAMING -> clientStreaming(client);
        case CLIENT_COMPRESSED_STREAMING -> clientCompressedStreaming(client, checkMessageFlags);
        case SERVER_STREAMING -> serverStreaming(client);
        case SERVER_COMPRESSED_STREAMING -> serverCompressedStreaming(client, checkMessageFlags);
        case PING_PONG -> pingPong(client);
        case EMPTY_STREAM -> emptyStream(client);
        case TIMEOUT_ON_SLEEPING_SERVER -> timeoutOnSleepingServer(client);
        case CANCEL_AFTER_BEGIN -> cancelAfterBegin(client);
        case CANCEL_AFTER_FIRST_RESPONSE -> cancelAfterFirstResponse(client);
        case CUSTOM_METADATA -> customMetadata(client);
        case STATUS_CODE_AND_MESSAGE -> statusCodeAndMessage(client);
        case SPECIAL_STATUS_MESSAGE -> specialStatusMessage(client);
        case UNIMPLEMENTED_METHOD -> unimplementedMethod(client);
        case UNIMPLEMENTED_SERVICE -> unimplementedService(channel);
        case VERY_LARGE_REQUEST -> veryLargeRequest(client);
        case PICK_FIRST_UNARY -> pickFirstUnary(client);
        case RPC_SOAK -> soak(channel, false);
        case CHANNEL_SOAK -> soak(channel, true);
        case ORCA_PER_RPC -> OrcaCases.orcaPerRpc(client);
        case ORCA_OOB -> OrcaCases.orcaOob(channel, client);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The cases, in the order of the spec.

  private static void emptyUnary(TestServiceClient client) {
    Empty response = client.emptyCall(Empty.getDefaultInstance());
    check(Empty.getDefaultInstance().equals(response), "EmptyCall answered %s, not an empty message", response);
  }

  private static void largeUnary(TestServiceClient client) {
    checkZeros("the UnaryCall response", client.unaryCall(largeRequest().build()).getPayload(), 314159);
  }

  private static void clientCompressedUnary(TestServiceClient client, boolean probe) throws Exception {
    SimpleRequest expectCompressed = largeRequest().setExpectCompressed(bool(true)).build();
    SimpleRequest expectUncompressed = largeRequest().setExpectCompressed(bool(false)).build();
    if (probe) {
      // A server that checks the compressed flag must refuse this uncompressed request.
      StatusException refused =
          expectFailure("the probe (an uncompressed request expecting compression)", () -> client.unaryCall(expectCompressed));
      checkCode(refused, Status.Code.INVALID_ARGUMENT, "the probe (an uncompressed request expecting compression)");
    }
    SimpleResponse compressed = client.withCompression(CompressionRegistry.GZIP).unaryCall(expectCompressed);
    checkZeros("the response to the compressed request", compressed.getPayload(), 314159);
    SimpleResponse uncompressed = client.unaryCall(expectUncompressed);
    checkZeros("the response to the uncompressed request", uncompressed.getPayload(), 314159);
  }

  private static void serverCompressedUnary(TestServiceClient client) {
    for (boolean compressed : new boolean[] {true, false}) {
      ResponseMetadata received = new ResponseMetadata();
      SimpleResponse response =
          client.withResponseMetadata(received).unaryCall(largeRequest().setResponseCompressed(bool(compressed)).build());
      String what = "the response asked " + (compressed ? "compressed" : "uncompressed");
      checkZeros(what, response.getPayload(), 314159);
      check(
          received.isMessageCompressed() == compressed,
          "%s arrived %s",
          what,
          received.isMessageCompressed() ? "compressed" : "uncompressed");
    }
  }

  private static void clientStreaming(TestServiceClient client) {
    try (ClientStreamingCall<StreamingInputCallRequest, StreamingInputCallResponse> call = client.streamingInputCall()) {
      for (int size : new int[] {27182, 8, 1828, 45904}) {
        call.send(StreamingInputCallRequest.newBuilder().setPayload(zeros(size)).build());
      }
      int total = call.finish().getAggregatedPayloadSize();
      check(total == 74922, "aggregated_payload_size is %d, not 74922", total);
    }
  }

  private static void clientCompressedStreaming(TestServiceClient client, boolean probe) throws Exception {
    StreamingInputCallRequest expectCompressed =
        StreamingInputCallRequest.newBuilder().setExpectCompressed(bool(true)).setPayload(zeros(27182)).build();
    StreamingInputCallRequest expectUncompressed =
        StreamingInputCallRequest.newBuilder().setExpectCompressed(bool(false)).setPayload(zeros(45904)).build();
    if (probe) {
      try (ClientStreamingCall<StreamingInputCallRequest, StreamingInputCallResponse> call = client.streamingInputCall()) {
        StatusException refused =
            expectFailure(
                "the probe (an uncompressed request expecting compression)",
                () -> {
                  call.send(expectCompressed);
                  call.finish();
                });
        checkCode(refused, Status.Code.INVALID_ARGUMENT, "the probe (an uncompressed request expecting compression)");
      }
    }
    try (ClientStreamingCall<StreamingInputCallRequest, StreamingInputCallResponse> call =
        client.withCompression(CompressionRegistry.GZIP).streamingInputCall()) {
      call.setMessageCompression(true);
      call.send(expectCompressed);
      call.setMessageCompression(false);
      call.send(expectUncompressed);
      int total = call.finish().getAggregatedPayloadSize();
      check(total == 73086, "aggregated_payload_size is %d, not 73086", total);
    }
  }

  private static void serverStreaming(TestServiceClient client) {
    int[] sizes = {31415, 9, 2653, 58979};
    StreamingOutputCallRequest.Builder request = StreamingOutputCallRequest.newBuilder();
    for (int size : sizes) {
      request.addResponseParameters(ResponseParameters.newBuilder().setSize(size));
    }
    try (ResponseStream<StreamingOutputCallResponse> responses = client.streamingOutputCall(request.build())) {
      List<StreamingOutputCallResponse> received = new ArrayList<>();
      for (StreamingOutputCallResponse response : responses) {
        received.add(response);
      }
      check(received.size() == sizes.length, "%d responses, not %d", received.size(), sizes.length);
      for (int i = 0; i < sizes.length; i++) {
        checkZeros("response " + (i + 1), received.get(i).getPayload(), sizes[i]);
      }
    }
  }

  private static void serverCompressedStreaming(TestServiceClient client, boolean checkFlags) {
    StreamingOutputCallRequest request =
        StreamingOutputCallRequest.newBuilder()
            .addResponseParameters(ResponseParameters.newBuilder().setCompressed(bool(true)).setSize(31415))
            .addResponseParameters(ResponseParameters.newBuilder().setCompressed(bool(false)).setSize(92653))
            .build();
    try (ResponseStream<StreamingOutputCallResponse> responses = client.streamingOutputCall(request)) {
      StreamingOutputCallResponse first = responses.receive();
      check(first != null, "the stream ended before the first response");
      checkZeros("the first response", first.getPayload(), 31415);
      check(!checkFlags || responses.isMessageCompressed(), "the first response, asked compressed, arrived uncompressed");
      StreamingOutputCallResponse second = responses.receive();
      check(second != null, "the stream ended before the second response");
      checkZeros("the second response", second.getPayload(), 92653);
      check(!checkFlags || !responses.isMessageCompressed(), "the second response, asked uncompressed, arrived compressed");
      check(responses.receive() == null, "more than two responses");
    }
  }

  private static void pingPong(TestServiceClient client) {
    int[] responseSizes = {31415, 9, 2653, 58979};
    int[] requestSizes = {27182, 8, 1828, 45904};
    try (BidiCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call = client.fullDuplexCall()) {
      for (int i = 0; i < responseSizes.length; i++) {
        call.send(
            StreamingOutputCallRequest.newBuilder()
                .addResponseParameters(ResponseParameters.newBuilder().setSize(responseSizes[i]))
                .setPayload(zeros(requestSizes[i]))
                .build());
        StreamingOutputCallResponse response = call.receive();
        check(response != null, "the stream ended after %d of 4 responses", i);
        checkZeros("response " + (i + 1), response.getPayload(), responseSizes[i]);
      }
      call.halfClose();
      check(call.receive() == null, "a response after the fourth");
    }
  }

  private static void emptyStream(TestServiceClient client) {
    try (BidiCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call = client.fullDuplexCall()) {
      call.halfClose();
      check(call.receive() == null, "a response to an empty stream");
    }
  }

  private static void timeoutOnSleepingServer(TestServiceClient client) throws Exception {
    StatusException ended =
        expectFailure(
            "a FullDuplexCall with a 1 ms timeout",
            () -> {
              try (BidiCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call =
                  client.withTimeout(Duration.ofMillis(1)).fullDuplexCall()) {
                call.send(StreamingOutputCallRequest.newBuilder().setPayload(zeros(27182)).build());
                StreamingOutputCallResponse response = call.receive();
                check(response == null, "the server answered a request that asked for no response");
              }
            });
    checkCode(ended, Status.Code.DEADLINE_EXCEEDED, "a FullDuplexCall with a 1 ms timeout");
  }

  private static void cancelAfterBegin(TestServiceClient client) throws Exception {
    ClientStreamingCall<StreamingInputCallRequest, StreamingInputCallResponse> call = client.streamingInputCall();
    call.close(); // cancels: nothing was sent yet
    StatusException ended = expectFailure("a StreamingInputCall cancelled after it began", call::finish);
    checkCode(ended, Status.Code.CANCELLED, "a StreamingInputCall cancelled after it began");
  }

  private static void cancelAfterFirstResponse(TestServiceClient client) throws Exception {
    BidiCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call = client.fullDuplexCall();
    call.send(
        StreamingOutputCallRequest.newBuilder()
            .addResponseParameters(ResponseParameters.newBuilder().setSize(31415))
            .setPayload(zeros(27182))
            .build());
    StreamingOutputCallResponse first = call.receive();
    check(first != null, "the stream ended before the first response");
    checkZeros("the first response", first.getPayload(), 31415);
    call.close(); // cancels
    StatusException ended = expectFailure("a FullDuplexCall cancelled after its first response", call::receive);
    checkCode(ended, Status.Code.CANCELLED, "a FullDuplexCall cancelled after its first response");
  }

  private static void customMetadata(TestServiceClient client) {
    Metadata metadata =
        new Metadata()
            .add(InteropTestService.ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE)
            .addBinary(InteropTestService.ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE);
    ResponseMetadata received = new ResponseMetadata();
    SimpleResponse response = client.withMetadata(metadata).withResponseMetadata(received).unaryCall(largeRequest().build());
    checkZeros("the UnaryCall response", response.getPayload(), 314159);
    checkEchoed("UnaryCall", received.headers(), received.trailers());

    try (BidiCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call =
        client.withMetadata(metadata).fullDuplexCall()) {
      call.send(
          StreamingOutputCallRequest.newBuilder()
              .addResponseParameters(ResponseParameters.newBuilder().setSize(314159))
              .setPayload(zeros(271828))
              .build());
      call.halfClose();
      StreamingOutputCallResponse streamed = call.receive();
      check(streamed != null, "the FullDuplexCall ended without a response");
      checkZeros("the FullDuplexCall response", streamed.getPayload(), 314159);
      check(call.receive() == null, "the FullDuplexCall sent more than one response");
      checkEchoed("FullDuplexCall", call.headers(), call.trailers());
    }
  }

  private static void checkEchoed(String call, Metadata headers, Metadata trailers) {
    String initial = headers.get(InteropTestService.ECHO_INITIAL_KEY);
    check(
        ECHO_INITIAL_VALUE.equals(initial),
        "%s: response header %s is %s, not %s",
        call, InteropTestService.ECHO_INITIAL_KEY, initial, ECHO_INITIAL_VALUE);
    byte[] trailing = trailers.getBinary(InteropTestService.ECHO_TRAILING_KEY);
    check(
        Arrays.equals(ECHO_TRAILING_VALUE, trailing),
        "%s: trailer %s is %s, not 0xababab",
        call, InteropTestService.ECHO_TRAILING_KEY, trailing == null ? "missing" : hex(trailing));
  }

  private static void statusCodeAndMessage(TestServiceClient client) throws Exception {
    String message = "test status message";
    EchoStatus status = EchoStatus.newBuilder().setCode(2).setMessage(message).build();
    StatusException unary =
        expectFailure("a UnaryCall asking for status 2", () -> client.unaryCall(SimpleRequest.newBuilder().setResponseStatus(status).build()));
    checkStatus(unary, Status.Code.UNKNOWN, message, "the UnaryCall");

    try (BidiCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call = client.fullDuplexCall()) {
      call.send(StreamingOutputCallRequest.newBuilder().setResponseStatus(status).build());
      call.halfClose();
      StatusException streamed = expectFailure("a FullDuplexCall asking for status 2", call::receive);
      checkStatus(streamed, Status.Code.UNKNOWN, message, "the FullDuplexCall");
    }
  }

  private static void specialStatusMessage(TestServiceClient client) throws Exception {
    EchoStatus status = EchoStatus.newBuilder().setCode(2).setMessage(SPECIAL_STATUS_MESSAGE).build();
    StatusException unary =
        expectFailure("a UnaryCall asking for status 2", () -> client.unaryCall(SimpleRequest.newBuilder().setResponseStatus(status).build()));
    checkStatus(unary, Status.Code.UNKNOWN, SPECIAL_STATUS_MESSAGE, "the UnaryCall");
  }

  private static void unimplementedMethod(TestServiceClient client) throws Exception {
    StatusException e = expectFailure("TestService/UnimplementedCall", () -> client.unimplementedCall(Empty.getDefaultInstance()));
    checkCode(e, Status.Code.UNIMPLEMENTED, "TestService/UnimplementedCall");
  }

  private static void unimplementedService(Channel channel) throws Exception {
    UnimplementedServiceClient client = UnimplementedServiceClient.of(channel);
    StatusException e =
        expectFailure("UnimplementedService/UnimplementedCall", () -> client.unimplementedCall(Empty.getDefaultInstance()));
    checkCode(e, Status.Code.UNIMPLEMENTED, "UnimplementedService/UnimplementedCall");
  }

  private static void veryLargeRequest(TestServiceClient client) {
    SimpleRequest request = SimpleRequest.newBuilder().setPayload(zeros(10 * 1024 * 1024)).setResponseSize(10).build();
    checkZeros("the response to a 10 MiB request", client.unaryCall(request).getPayload(), 10);
  }

  /**
   * Every call of a pick_first channel goes to the backend its first call reached. A Shuttle
   * channel has one address and one connection, so there is no other backend to reach: the case
   * checks that the server's id stays the same (grpc-java's server leaves it empty).
   */
  private static void pickFirstUnary(TestServiceClient client) {
    SimpleRequest request =
        SimpleRequest.newBuilder().setResponseSize(1).setFillServerId(true).setPayload(zeros(1)).build();
    String first = client.unaryCall(request).getServerId();
    for (int i = 0; i < 100; i++) {
      String id = client.unaryCall(request).getServerId();
      check(first.equals(id), "call %d reached server \"%s\", the first one \"%s\"", i + 2, id, first);
    }
  }

  private void soak(Channel shared, boolean newChannelEachIteration) throws Exception {
    new SoakRun(soak, shared, newChannelEachIteration ? channels : null).run();
  }

  /** A call that must fail. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  /** The large_unary request: 271828 bytes of zeros, asking for 314159 back. */
  private static SimpleRequest.Builder largeRequest() {
    return SimpleRequest.newBuilder().setResponseSize(314159).setPayload(zeros(271828));
  }

  private static BoolValue bool(boolean value) {
    return BoolValue.newBuilder().setValue(value).build();
  }

  static Payload zeros(int size) {
    return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])).build();
  }

  static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new InteropCaseFailure(String.format(Locale.ROOT, format, args));
    }
  }

  /** The payload holds exactly {@code size} bytes, all zero, as every interop server sends. */
  static void checkZeros(String what, Payload payload, int size) {
    ByteString body = payload.getBody();
    check(body.size() == size, "%s carries %d bytes, not %d", what, body.size(), size);
    for (int i = 0; i < size; i++) {
      if (body.byteAt(i) != 0) {
        throw new InteropCaseFailure(what + ": byte " + i + " is " + body.byteAt(i) + ", not 0");
      }
    }
  }

  /** Runs a step that must end with a status other than OK, and returns that status. */
  private static StatusException expectFailure(String what, Step step) throws Exception {
    try {
      step.run();
    } catch (StatusException e) {
      return e;
    }
    throw new InteropCaseFailure(what + " succeeded; it must fail");
  }

  private static void checkCode(StatusException e, Status.Code code, String what) {
    check(e.code() == code, "%s ended with %s, not %s", what, describe(e), code);
  }

  private static void checkStatus(StatusException e, Status.Code code, String message, String what) {
    checkCode(e, code, what);
    check(
        message.equals(e.status().description()),
        "%s ended with the message \"%s\", not \"%s\"",
        what, escape(e.status().description()), escape(message));
  }

  static String describe(StatusException e) {
    String description = e.status().description();
    return e.code() + (description == null || description.isEmpty() ? "" : ": " + description);
  }

  private static String escape(String s) {
    return s == null ? "null" : s.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n");
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder("0x");
    for (byte b : bytes) {
      out.append(String.format(Locale.ROOT, "%02x", b));
    }
    return out.toString();
  }
}
