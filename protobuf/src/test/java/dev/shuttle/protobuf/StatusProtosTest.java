package dev.shuttle.protobuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.shuttle.Metadata;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class StatusProtosTest {
  static final com.google.rpc.Status DETAILS =
      com.google.rpc.Status.newBuilder()
          .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
          .setMessage("slow down, é")
          .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("QUOTA").setDomain("shuttle.dev").putMetadata("k", "v").build()))
          .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(500_000_000)).build()))
          .build();

  @Test
  void anExceptionTakesCodeAndMessageFromTheStatusProtoAndCarriesItInTheTrailers() {
    StatusException e = StatusProtos.toStatusException(DETAILS);

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code());
    assertEquals("slow down, é", e.status().description());
    assertArrayEquals(DETAILS.toByteArray(), e.trailers().getBinary(Metadata.STATUS_DETAILS_KEY));
    assertEquals(DETAILS, StatusProtos.fromThrowable(e));
  }

  @Test
  void anEmptyMessageIsNoDescription() {
    StatusException e = StatusProtos.toStatusException(com.google.rpc.Status.newBuilder().setCode(Code.ABORTED_VALUE).build());
    assertNull(e.status().description());
  }

  @Test
  void extraTrailersAreCopiedAndTheirOwnDetailsReplaced() {
    Metadata trailers = new Metadata().add("x-request-id", "42").putBinary(Metadata.STATUS_DETAILS_KEY, new byte[] {1, 2});

    StatusException e = StatusProtos.toStatusException(DETAILS, trailers);

    assertEquals("42", e.trailers().get("x-request-id"));
    assertEquals(1, e.trailers().getAllBinary(Metadata.STATUS_DETAILS_KEY).size());
    assertEquals(DETAILS, StatusProtos.fromThrowable(e));
    assertArrayEquals(new byte[] {1, 2}, trailers.getBinary(Metadata.STATUS_DETAILS_KEY), "the caller's trailers are unchanged");
  }

  @Test
  void okAndCodesOutsideGrpcsAreRefusedWhenMakingAnException() {
    for (int code : new int[] {0, -1, 17, 1000}) {
      com.google.rpc.Status statusProto = com.google.rpc.Status.newBuilder().setCode(code).build();
      assertThrows(IllegalArgumentException.class, () -> StatusProtos.toStatusException(statusProto), "code " + code);
    }
  }

  @Test
  void theFirstStatusExceptionAmongTheCausesIsRead() {
    StatusException e = StatusProtos.toStatusException(DETAILS);

    assertEquals(DETAILS, StatusProtos.fromThrowable(new CompletionException(e)));
    assertEquals(DETAILS, StatusProtos.fromThrowable(new ExecutionException(new RuntimeException(e))));
    assertNull(StatusProtos.fromThrowable(new IllegalStateException("no status here")));

    StatusException outer = new StatusException(Status.INTERNAL.withCause(e));
    assertNull(StatusProtos.fromThrowable(outer), "the outer status has no details; the inner ones describe another failure");
  }

  @Test
  void aChainOfCausesThatLoopsEnds() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    assertNull(StatusProtos.fromThrowable(a));
  }

  @Test
  void noTrailerMeansNoDetails() {
    assertNull(StatusProtos.fromThrowable(Status.NOT_FOUND.withDescription("gone").asException()));
    assertNull(StatusProtos.fromStatusAndTrailers(Status.NOT_FOUND, null));
  }

  @Test
  void detailsWhoseCodeIsNotTheCallsAreIgnored() {
    Metadata trailers = new Metadata().putBinary(Metadata.STATUS_DETAILS_KEY, DETAILS.toByteArray());
    assertNull(StatusProtos.fromStatusAndTrailers(Status.UNAVAILABLE, trailers));
    assertNull(StatusProtos.fromThrowable(Status.INTERNAL.asException(trailers)));
    assertEquals(DETAILS, StatusProtos.fromStatusAndTrailers(Status.RESOURCE_EXHAUSTED, trailers));
  }

  @Test
  void theLastOfSeveralValuesCounts() {
    com.google.rpc.Status first = DETAILS.toBuilder().setMessage("first").build();
    Metadata trailers =
        new Metadata()
            .addBinary(Metadata.STATUS_DETAILS_KEY, first.toByteArray())
            .addBinary(Metadata.STATUS_DETAILS_KEY, DETAILS.toByteArray());
    assertEquals(DETAILS, StatusProtos.fromStatusAndTrailers(Status.RESOURCE_EXHAUSTED, trailers));
  }

  @Test
  void bytesThatAreNotAStatusProtoAreNoDetails() {
    byte[][] garbage = {
      {(byte) 0xff},
      {0x0a, 0x7f, 0x01}, // a length past the end
      {0x08}, // a tag without its value
      {0x1a, 0x02, (byte) 0xff, (byte) 0xff}, // details field holding no Any
      "not a protobuf".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
    };
    for (byte[] bytes : garbage) {
      Metadata trailers = new Metadata().putBinary(Metadata.STATUS_DETAILS_KEY, bytes);
      assertNull(StatusProtos.fromThrowable(Status.INTERNAL.asException(trailers)));
    }
  }

  /** Whatever bytes a peer sends, reading them returns details or null, never throws. */
  @Test
  void randomBytesNeverMakeReadingThrow() {
    Random random = new Random(20240611);
    byte[] valid = DETAILS.toByteArray();
    for (int i = 0; i < 5000; i++) {
      byte[] bytes;
      if (i % 2 == 0) {
        bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
      } else {
        bytes = valid.clone(); // a valid message with a few bytes flipped: deeper into the parser
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
      }
      Metadata trailers = new Metadata().putBinary(Metadata.STATUS_DETAILS_KEY, bytes);
      com.google.rpc.Status read = StatusProtos.fromThrowable(Status.RESOURCE_EXHAUSTED.asException(trailers));
      assertTrue(read == null || read.getCode() == Code.RESOURCE_EXHAUSTED_VALUE, "only details for the call's code");
      if (read != null) {
        StatusProtos.detail(read, ErrorInfo.class);
        StatusProtos.detail(read, RetryInfo.class);
      }
    }
  }

  @Test
  void aDetailIsFoundByType() {
    StatusException e = StatusProtos.toStatusException(DETAILS);

    assertEquals("QUOTA", StatusProtos.detail(e, ErrorInfo.class).getReason());
    assertEquals(500_000_000, StatusProtos.detail(e, RetryInfo.class).getRetryDelay().getNanos());
    assertNull(StatusProtos.detail(e, BadRequest.class));
    assertNull(StatusProtos.detail(new IllegalStateException(), ErrorInfo.class));
  }

  @Test
  void aDetailWhoseValueDoesNotParseIsSkipped() {
    Any broken =
        Any.newBuilder()
            .setTypeUrl("type.googleapis.com/" + ErrorInfo.getDescriptor().getFullName())
            .setValue(ByteString.copyFrom(new byte[] {0x0a, 0x7f}))
            .build();
    ErrorInfo good = ErrorInfo.newBuilder().setReason("SECOND").build();
    com.google.rpc.Status statusProto =
        com.google.rpc.Status.newBuilder().setCode(Code.INTERNAL_VALUE).addDetails(broken).addDetails(Any.pack(good)).build();

    assertEquals(good, StatusProtos.detail(statusProto, ErrorInfo.class));
    assertNull(StatusProtos.detail(statusProto.toBuilder().removeDetails(1).build(), ErrorInfo.class));
  }
}
