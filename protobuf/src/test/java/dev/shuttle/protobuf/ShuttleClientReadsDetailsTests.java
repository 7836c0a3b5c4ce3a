package dev.shuttle.protobuf;

import static dev.shuttle.protobuf.ErrorDetailsService.BAD_REQUEST;
import static dev.shuttle.protobuf.ErrorDetailsService.HEADERS_MARKER_KEY;
import static dev.shuttle.protobuf.ErrorDetailsService.QUOTA;
import static dev.shuttle.protobuf.ErrorDetailsService.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.StringValue;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.shuttle.BidiCall;
import dev.shuttle.CallOptions;
import dev.shuttle.Channel;
import dev.shuttle.ClientStreamingCall;
import dev.shuttle.Metadata;
import dev.shuttle.ResponseMetadata;
import dev.shuttle.ResponseStream;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a Shuttle client reads from a server's error details, in every call shape; the subclasses
 * pick the server ({@link ErrorDetailsService}, served by grpc-java or by Shuttle).
 */
abstract class ShuttleClientReadsDetailsTests {
  static final CallOptions TEN_SECONDS = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));

  /** A channel to a server of {@link ErrorDetailsService}. */
  abstract Channel channel();

  private static void assertStatus(Status.Code code, String description, StatusException e) {
    assertEquals(code, e.code());
    assertEquals(description, e.status().description());
  }

  @Test
  void aUnaryCallReadsBadRequestFieldViolationsFromATrailersOnlyResponse() {
    ResponseMetadata received = new ResponseMetadata();
    StatusException e =
        assertThrows(
            StatusException.class,
            () -> channel().unaryCall(ErrorDetailsService.UNARY, text("bad-request"), TEN_SECONDS.withResponseMetadata(received)));

    assertStatus(Status.Code.INVALID_ARGUMENT, "invalid sign-up", e);
    assertEquals(BAD_REQUEST, StatusProtos.fromThrowable(e));
    BadRequest badRequest = StatusProtos.detail(e, BadRequest.class);
    assertEquals("email", badRequest.getFieldViolations(0).getField());
    assertEquals("must be at least 18", badRequest.getFieldViolations(1).getDescription());
    assertNull(received.headers().get(HEADERS_MARKER_KEY), "trailers-only: no headers block");
    assertEquals(BAD_REQUEST, StatusProtos.fromStatusAndTrailers(e.status(), received.trailers()));
  }

  @Test
  void aUnaryCallReadsErrorInfoAndRetryInfoBesideOtherTrailers() {
    StatusException e =
        assertThrows(StatusException.class, () -> channel().unaryCall(ErrorDetailsService.UNARY, text("quota"), TEN_SECONDS));

    assertStatus(Status.Code.RESOURCE_EXHAUSTED, QUOTA.getMessage(), e);
    assertEquals(QUOTA, StatusProtos.fromThrowable(e));
    assertEquals("RATE_LIMITED", StatusProtos.detail(e, ErrorInfo.class).getReason());
    assertEquals("100", StatusProtos.detail(e, ErrorInfo.class).getMetadataOrThrow("limit"));
    RetryInfo retry = StatusProtos.detail(e, RetryInfo.class);
    assertEquals(2, retry.getRetryDelay().getSeconds());
    assertEquals(500_000_000, retry.getRetryDelay().getNanos());
    assertEquals("req-7", e.trailers().get(ErrorDetailsService.REQUEST_ID_KEY));
  }

  @Test
  void anAsyncUnaryCallsFailureHoldsTheDetailsAmongItsCauses() throws Exception {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> channel().unaryCallAsync(ErrorDetailsService.UNARY, text("quota"), TEN_SECONDS).get(10, TimeUnit.SECONDS));
    assertEquals(QUOTA, StatusProtos.fromThrowable(e));
  }

  @Test
  void aServerStreamEndingInAnErrorAfterMessagesCarriesTheDetails() {
    try (ResponseStream<StringValue> stream =
        channel().serverStreamingCall(ErrorDetailsService.SERVER_STREAMING, text("quota:2"), TEN_SECONDS)) {
      assertEquals(text("m0"), stream.receive());
      assertEquals(text("m1"), stream.receive());
      StatusException e = assertThrows(StatusException.class, stream::receive);

      assertStatus(Status.Code.RESOURCE_EXHAUSTED, QUOTA.getMessage(), e);
      assertEquals(QUOTA, StatusProtos.fromThrowable(e));
      assertEquals("yes", stream.headers().get(HEADERS_MARKER_KEY), "headers came in a block of their own");
      assertEquals(QUOTA, StatusProtos.fromStatusAndTrailers(e.status(), stream.trailers()));
    }
  }

  @Test
  void aServerStreamFailingAtOnceCarriesTheDetailsInATrailersOnlyResponse() {
    try (ResponseStream<StringValue> stream =
        channel().serverStreamingCall(ErrorDetailsService.SERVER_STREAMING, text("bad-request:0"), TEN_SECONDS)) {
      StatusException e = assertThrows(StatusException.class, stream::receive);

      assertStatus(Status.Code.INVALID_ARGUMENT, "invalid sign-up", e);
      assertEquals(BAD_REQUEST, StatusProtos.fromThrowable(e));
      assertNull(stream.headers().get(HEADERS_MARKER_KEY), "trailers-only: no headers block");
    }
  }

  @Test
  void aClientStreamingCallsFinishCarriesTheDetails() {
    try (ClientStreamingCall<StringValue, StringValue> call =
        channel().clientStreamingCall(ErrorDetailsService.CLIENT_STREAMING, TEN_SECONDS)) {
      call.send(text("first"));
      call.send(text("bad-request"));
      StatusException e = assertThrows(StatusException.class, call::finish);

      assertEquals(BAD_REQUEST, StatusProtos.fromThrowable(e));
    }
  }

  @Test
  void aBidiCallFailingMidwayCarriesTheDetails() {
    try (BidiCall<StringValue, StringValue> call = channel().bidiStreamingCall(ErrorDetailsService.BIDI, TEN_SECONDS)) {
      call.send(text("hello"));
      assertEquals(text("hello"), call.receive());
      call.send(text("quota"));
      StatusException e = assertThrows(StatusException.class, call::receive);

      assertStatus(Status.Code.RESOURCE_EXHAUSTED, QUOTA.getMessage(), e);
      assertEquals(QUOTA, StatusProtos.fromThrowable(e));
    }
  }

  @Test
  void detailsThatAreNotAStatusProtoLeaveAUsableExceptionWithoutDetails() {
    StatusException e =
        assertThrows(StatusException.class, () -> channel().unaryCall(ErrorDetailsService.UNARY, text("garbage"), TEN_SECONDS));

    assertStatus(Status.Code.INTERNAL, "garbage details", e);
    assertArrayEquals(ErrorDetailsService.GARBAGE_BYTES, e.trailers().getBinary(Metadata.STATUS_DETAILS_KEY), "carried as sent");
    assertNull(StatusProtos.fromThrowable(e));
    assertNull(StatusProtos.detail(e, ErrorInfo.class));
  }

  @Test
  void detailsForAnotherCodeAreIgnoredAndTheCallsStatusStands() {
    StatusException e =
        assertThrows(StatusException.class, () -> channel().unaryCall(ErrorDetailsService.UNARY, text("mismatch"), TEN_SECONDS));

    assertStatus(Status.Code.UNAVAILABLE, "mismatched details", e);
    assertNull(StatusProtos.fromThrowable(e));
    assertNull(StatusProtos.detail(e, RetryInfo.class));
  }

  @Test
  void detailsInAServerStreamThatAreNotAStatusProtoLeaveAUsableException() {
    try (ResponseStream<StringValue> stream =
        channel().serverStreamingCall(ErrorDetailsService.SERVER_STREAMING, text("garbage:1"), TEN_SECONDS)) {
      assertEquals(text("m0"), stream.receive());
      StatusException e = assertThrows(StatusException.class, stream::receive);

      assertStatus(Status.Code.INTERNAL, "garbage details", e);
      assertNull(StatusProtos.fromThrowable(e));
    }
  }
}
