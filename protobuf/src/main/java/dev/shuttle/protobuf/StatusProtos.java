package dev.shuttle.protobuf;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.shuttle.Metadata;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Rich error details: a {@link StatusException} made from a {@code google.rpc.Status}, and the
 * {@code google.rpc.Status} read back from a failed call. The details travel in the
 * {@value Metadata#STATUS_DETAILS_KEY} trailer, as every gRPC implementation sends them (grpc-java's
 * {@code StatusProto}, grpc-go's {@code status.WithDetails}, ...), and are {@link Any}s packing the
 * standard messages of {@code google/rpc/error_details.proto}: {@code ErrorInfo},
 * {@code BadRequest}, {@code RetryInfo}, {@code QuotaFailure}, {@code PreconditionFailure},
 * {@code ResourceInfo}, {@code Help}, {@code LocalizedMessage}, {@code DebugInfo}, or messages of
 * your own.
 *
 * <p>A handler answering with the fields that were wrong:
 *
 * <pre>{@code
 * BadRequest badRequest = BadRequest.newBuilder()
 *     .addFieldViolations(FieldViolation.newBuilder().setField("email").setDescription("not an address"))
 *     .build();
 * throw StatusProtos.toStatusException(com.google.rpc.Status.newBuilder()
 *     .setCode(Code.INVALID_ARGUMENT_VALUE)
 *     .setMessage("invalid sign-up")
 *     .addDetails(Any.pack(badRequest))
 *     .build());
 * }</pre>
 *
 * <p>A client honouring the server's {@code RetryInfo}:
 *
 * <pre>{@code
 * try {
 *   return client.reserve(request);
 * } catch (StatusException e) {
 *   RetryInfo retry = StatusProtos.detail(e, RetryInfo.class);
 *   if (retry == null) throw e;
 *   com.google.protobuf.Duration delay = retry.getRetryDelay();
 *   Thread.sleep(java.time.Duration.ofSeconds(delay.getSeconds(), delay.getNanos()));
 *   return client.reserve(request);
 * }
 * }</pre>
 *
 * <p><b>What a peer sends is never trusted.</b> Reading never throws because of what arrived:
 * details that are not a valid {@code google.rpc.Status}, or whose code is not the call's
 * {@code grpc-status}, are read as no details ({@code null}), and the call's status stays what
 * {@code grpc-status} and {@code grpc-message} said. The code of the call is the one gRPC acted
 * on; details describing another failure would mislead a client deciding whether to retry.
 * (grpc-java throws {@link IllegalArgumentException} in both cases; a peer's mistake should not
 * crash the caller.) Details whose value does not parse are skipped by {@link #detail}.
 */
public final class StatusProtos {
  private static final System.Logger LOG = System.getLogger(StatusProtos.class.getName());

  private StatusProtos() {}

  /**
   * A {@link StatusException} carrying {@code statusProto}: its code and message become the call's
   * {@code grpc-status} and {@code grpc-message}, and the whole message, details included, is
   * sent in the {@value Metadata#STATUS_DETAILS_KEY} trailer.
   *
   * <pre>{@code
   * throw StatusProtos.toStatusException(com.google.rpc.Status.newBuilder()
   *     .setCode(Code.NOT_FOUND_VALUE)
   *     .setMessage("no user " + id)
   *     .addDetails(Any.pack(ResourceInfo.newBuilder().setResourceType("user").setResourceName(id).build()))
   *     .build());
   * }</pre>
   *
   * @throws IllegalArgumentException if the code is {@code OK} (0), which is no failure, or not a
   *     gRPC status code (1 to 16)
   */
  public static StatusException toStatusException(com.google.rpc.Status statusProto) {
    return toStatusException(statusProto, new Metadata());
  }

  /**
   * Like {@link #toStatusException(com.google.rpc.Status)}, with other trailers to send too.
   * {@code trailers} is copied, not changed; a {@value Metadata#STATUS_DETAILS_KEY} it holds is
   * replaced by {@code statusProto}.
   *
   * <pre>{@code
   * Metadata trailers = new Metadata().add("x-request-id", requestId);
   * throw StatusProtos.toStatusException(statusProto, trailers);
   * }</pre>
   *
   * @throws IllegalArgumentException if the code is {@code OK} (0), which is no failure, or not a
   *     gRPC status code (1 to 16)
   */
  public static StatusException toStatusException(com.google.rpc.Status statusProto, Metadata trailers) {
    Objects.requireNonNull(statusProto, "statusProto");
    Objects.requireNonNull(trailers, "trailers");
    int value = statusProto.getCode();
    Status.Code code = Status.Code.fromValue(value);
    if (code.value() != value) {
      throw new IllegalArgumentException("not a gRPC status code: " + value);
    }
    if (code == Status.Code.OK) {
      throw new IllegalArgumentException("a google.rpc.Status with code OK describes no failure");
    }
    String message = statusProto.getMessage();
    Status status = Status.of(code, message.isEmpty() ? null : message);
    Metadata all = new Metadata(trailers).putBinary(Metadata.STATUS_DETAILS_KEY, statusProto.toByteArray());
    return status.asException(all);
  }

  /**
   * The {@code google.rpc.Status} of the first {@link StatusException} in {@code t}'s chain of
   * causes ({@code t} itself first), so that it is found inside an {@code ExecutionException} or
   * {@code CompletionException} too. Null when there is no {@code StatusException} in the chain, or
   * the first one carries no usable details (see the class comment).
   *
   * <pre>{@code
   * client.getUserAsync(request).exceptionally(failure -> {
   *   com.google.rpc.Status details = StatusProtos.fromThrowable(failure);
   *   ...
   * });
   * }</pre>
   */
  public static com.google.rpc.Status fromThrowable(Throwable t) {
    Objects.requireNonNull(t, "t");
    // A chain can loop (initCause only refuses a throwable as its own cause).
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable cause = t; cause != null && seen.add(cause); cause = cause.getCause()) {
      if (cause instanceof StatusException e) {
        return fromStatusAndTrailers(e.status(), e.trailers());
      }
    }
    return null;
  }

  /**
   * The {@code google.rpc.Status} in {@code trailers}, when it is valid and its code is
   * {@code status}'s; else null. With several values under the key, the last one counts.
   *
   * <pre>{@code
   * com.google.rpc.Status details = StatusProtos.fromStatusAndTrailers(e.status(), e.trailers());
   * }</pre>
   */
  public static com.google.rpc.Status fromStatusAndTrailers(Status status, Metadata trailers) {
    Objects.requireNonNull(status, "status");
    if (trailers == null) {
      return null;
    }
    byte[] bytes = trailers.getBinary(Metadata.STATUS_DETAILS_KEY);
    if (bytes == null) {
      return null;
    }
    com.google.rpc.Status statusProto;
    try {
      statusProto = com.google.rpc.Status.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      LOG.log(Level.DEBUG, () -> "ignoring " + Metadata.STATUS_DETAILS_KEY + " that is not a google.rpc.Status: " + e.getMessage());
      return null;
    }
    if (statusProto.getCode() != status.code().value()) {
      LOG.log(
          Level.DEBUG,
          () -> "ignoring " + Metadata.STATUS_DETAILS_KEY + " with code " + statusProto.getCode()
              + " for a call that ended with " + status.code());
      return null;
    }
    return statusProto;
  }

  /**
   * The first detail of {@code type} in the {@code google.rpc.Status} of {@code t} (see
   * {@link #fromThrowable}), or null.
   *
   * <pre>{@code
   * ErrorInfo info = StatusProtos.detail(e, ErrorInfo.class);
   * if (info != null && info.getReason().equals("QUOTA_EXCEEDED")) { ... }
   * }</pre>
   */
  public static <T extends Message> T detail(Throwable t, Class<T> type) {
    com.google.rpc.Status statusProto = fromThrowable(t);
    return statusProto == null ? null : detail(statusProto, type);
  }

  /**
   * The first detail of {@code statusProto} that is a {@code type} and parses, or null. A detail
   * of that type whose bytes do not parse is skipped.
   *
   * <pre>{@code
   * BadRequest badRequest = StatusProtos.detail(statusProto, BadRequest.class);
   * }</pre>
   */
  public static <T extends Message> T detail(com.google.rpc.Status statusProto, Class<T> type) {
    Objects.requireNonNull(type, "type");
    List<Any> details = statusProto.getDetailsList();
    for (Any any : details) {
      if (!any.is(type)) {
        continue;
      }
      try {
        return any.unpack(type);
      } catch (InvalidProtocolBufferException e) {
        LOG.log(Level.DEBUG, () -> "skipping a " + any.getTypeUrl() + " detail that does not parse: " + e.getMessage());
      }
    }
    return null;
  }
}
