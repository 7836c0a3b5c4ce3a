package dev.shuttle.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.shuttle.interop.proto.EchoStatus;
import dev.shuttle.interop.proto.Payload;
import dev.shuttle.interop.proto.PayloadType;
import dev.shuttle.interop.proto.SimpleRequest;
import dev.shuttle.interop.proto.SimpleResponse;

/** Constants and checks shared by both directions of the interop tests. */
final class Interop {
  static final String SERVICE = "grpc.testing.TestService";
  static final String UNIMPLEMENTED_SERVICE = "grpc.testing.UnimplementedService";

  /** A method name no server registers under {@link #SERVICE}. */
  static final String UNKNOWN_METHOD = "NoSuchMethod";

  /** A test-only service that answers a {@code Payload} with the same payload. */
  static final String ECHO_SERVICE = "shuttle.interop.test.PayloadEcho";

  static final String ECHO_METHOD = "Echo";

  /** Custom metadata of the interop {@code custom_metadata} case. */
  static final String ECHO_INITIAL_KEY = InteropTestService.ECHO_INITIAL_KEY;

  static final String ECHO_INITIAL_VALUE = InteropCases.ECHO_INITIAL_VALUE;
  static final String ECHO_TRAILING_KEY = InteropTestService.ECHO_TRAILING_KEY;

  static byte[] echoTrailingValue() {
    return new byte[] {(byte) 0xab, (byte) 0xab, (byte) 0xab};
  }

  /**
   * Test-only request header: the servers' UnaryCall waits this many milliseconds, or until the
   * call is cancelled, before answering. Not part of the interop spec.
   */
  static final String SLEEP_KEY = "x-shuttle-test-sleep-ms";

  /** Long enough that only the client's deadline, never the sleep itself, ends the call. */
  static final long LONG_SLEEP_MILLIS = 60_000;

  /** The interop {@code status_code_and_message} case. */
  static final int STATUS_CODE = 2;

  static final String STATUS_MESSAGE = "test status message";

  /** The interop {@code special_status_message} case: whitespace, BMP and non-BMP characters. */
  static final String SPECIAL_STATUS_MESSAGE = InteropCases.SPECIAL_STATUS_MESSAGE;

  static final int KIB = 1024;
  static final int MIB = 1024 * KIB;

  /** The inbound limit both sides raise to for the 10 MiB cases. */
  static final int LARGE_MESSAGE_LIMIT = 16 * MIB;

  /** grpc-java's and Shuttle's default inbound message limit. */
  static final int DEFAULT_LIMIT = 4 * MIB;

  /** Upper bound for waits that only guard against a hang; never asserted as a timing. */
  static final long GUARD_SECONDS = 60;

  private Interop() {}

  /**
   * Bytes that differ from offset to offset and from seed to seed, so that a lost, repeated or
   * misplaced chunk shows up (zeros would hide it).
   */
  static ByteString pattern(int size, int seed) {
    byte[] bytes = new byte[size];
    int x = 0x9E3779B9 ^ (seed * 0x85EBCA6B);
    for (int i = 0; i < size; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = (byte) x;
    }
    return ByteString.copyFrom(bytes);
  }

  /** A UnaryCall request carrying a patterned payload of {@code requestSize} bytes. */
  static SimpleRequest sizedRequest(int requestSize, int responseSize, int seed) {
    return SimpleRequest.newBuilder()
        .setResponseType(PayloadType.COMPRESSABLE)
        .setResponseSize(responseSize)
        .setPayload(Payload.newBuilder().setType(PayloadType.COMPRESSABLE).setBody(pattern(requestSize, seed)))
        .build();
  }

  /** A UnaryCall request asking the server to fail with {@code code} and {@code message}. */
  static SimpleRequest failingRequest(int code, String message) {
    return SimpleRequest.newBuilder()
        .setResponseStatus(EchoStatus.newBuilder().setCode(code).setMessage(message))
        .build();
  }

  /** The interop servers' UnaryCall answer: {@code size} zero bytes. */
  static SimpleResponse zerosResponse(SimpleRequest request) {
    return SimpleResponse.newBuilder()
        .setPayload(
            Payload.newBuilder()
                .setType(PayloadType.COMPRESSABLE)
                .setBody(ByteString.copyFrom(new byte[request.getResponseSize()])))
        .build();
  }

  /** Asserts the response carries exactly {@code size} bytes, every one zero. */
  static void assertZeros(int size, SimpleResponse response) {
    ByteString body = response.getPayload().getBody();
    assertEquals(size, body.size(), "response payload size");
    for (int i = 0; i < size; i++) {
      if (body.byteAt(i) != 0) {
        fail("response payload byte " + i + " is " + body.byteAt(i) + ", not 0");
      }
    }
  }

  /** Byte-for-byte comparison that names the first difference instead of printing megabytes. */
  static void assertSameBytes(ByteString expected, ByteString actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": size");
    for (int i = 0; i < expected.size(); i++) {
      if (expected.byteAt(i) != actual.byteAt(i)) {
        fail(what + ": first difference at byte " + i + ": expected " + expected.byteAt(i) + ", got " + actual.byteAt(i));
      }
    }
  }
}
