package dev.shuttle;

import java.util.Objects;

/**
 * The outcome of an RPC: a {@linkplain Code code}, an optional human-readable description and,
 * locally only, the exception that caused it. The description travels as {@code grpc-message};
 * the cause never leaves the process.
 *
 * <pre>{@code
 * throw Status.NOT_FOUND.withDescription("no user " + id).asException();
 * }</pre>
 */
public final class Status {

  /** The status codes of gRPC's {@code doc/statuscodes.md}, with their wire values. */
  public enum Code {
    OK(0),
    CANCELLED(1),
    UNKNOWN(2),
    INVALID_ARGUMENT(3),
    DEADLINE_EXCEEDED(4),
    NOT_FOUND(5),
    ALREADY_EXISTS(6),
    PERMISSION_DENIED(7),
    RESOURCE_EXHAUSTED(8),
    FAILED_PRECONDITION(9),
    ABORTED(10),
    OUT_OF_RANGE(11),
    UNIMPLEMENTED(12),
    INTERNAL(13),
    UNAVAILABLE(14),
    DATA_LOSS(15),
    UNAUTHENTICATED(16);

    private static final Code[] BY_VALUE = values();
    private final int value;

    Code(int value) {
      this.value = value;
    }

    /** The number sent as {@code grpc-status}. */
    public int value() {
      return value;
    }

    /** The status with this code and no description. */
    public Status toStatus() {
      return BY_CODE[ordinal()];
    }

    /** The code for a wire value; values outside 0..16 are {@link #UNKNOWN}, as the spec asks. */
    public static Code fromValue(int value) {
      return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : UNKNOWN;
    }
  }

  // Built here, not in Code: Code must initialise without touching Status, or using Code first
  // would see these constants half made.
  private static final Status[] BY_CODE = byCode();

  public static final Status OK = Code.OK.toStatus();
  public static final Status CANCELLED = Code.CANCELLED.toStatus();
  public static final Status UNKNOWN = Code.UNKNOWN.toStatus();
  public static final Status INVALID_ARGUMENT = Code.INVALID_ARGUMENT.toStatus();
  public static final Status DEADLINE_EXCEEDED = Code.DEADLINE_EXCEEDED.toStatus();
  public static final Status NOT_FOUND = Code.NOT_FOUND.toStatus();
  public static final Status ALREADY_EXISTS = Code.ALREADY_EXISTS.toStatus();
  public static final Status PERMISSION_DENIED = Code.PERMISSION_DENIED.toStatus();
  public static final Status RESOURCE_EXHAUSTED = Code.RESOURCE_EXHAUSTED.toStatus();
  public static final Status FAILED_PRECONDITION = Code.FAILED_PRECONDITION.toStatus();
  public static final Status ABORTED = Code.ABORTED.toStatus();
  public static final Status OUT_OF_RANGE = Code.OUT_OF_RANGE.toStatus();
  public static final Status UNIMPLEMENTED = Code.UNIMPLEMENTED.toStatus();
  public static final Status INTERNAL = Code.INTERNAL.toStatus();
  public static final Status UNAVAILABLE = Code.UNAVAILABLE.toStatus();
  public static final Status DATA_LOSS = Code.DATA_LOSS.toStatus();
  public static final Status UNAUTHENTICATED = Code.UNAUTHENTICATED.toStatus();

  private static Status[] byCode() {
    Code[] codes = Code.values();
    Status[] statuses = new Status[codes.length];
    for (Code code : codes) {
      statuses[code.ordinal()] = new Status(code, null, null);
    }
    return statuses;
  }

  private final Code code;
  private final String description;
  private final Throwable cause;

  private Status(Code code, String description, Throwable cause) {
    this.code = code;
    this.description = description;
    this.cause = cause;
  }

  public static Status of(Code code, String description) {
    return new Status(Objects.requireNonNull(code, "code"), description, null);
  }

  public Code code() {
    return code;
  }

  /** The description, or {@code null} when there is none. */
  public String description() {
    return description;
  }

  /** The local cause, or {@code null}; never sent to the peer. */
  public Throwable cause() {
    return cause;
  }

  public boolean isOk() {
    return code == Code.OK;
  }

  public Status withDescription(String description) {
    return new Status(code, description, cause);
  }

  public Status withCause(Throwable cause) {
    return new Status(code, description, cause);
  }

  /** An unchecked exception carrying this status and no trailers. */
  public StatusException asException() {
    return new StatusException(this);
  }

  /** An unchecked exception carrying this status and the given trailers. */
  public StatusException asException(Metadata trailers) {
    return new StatusException(this, trailers);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Status s && s.code == code && Objects.equals(s.description, description);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, description);
  }

  @Override
  public String toString() {
    return description == null ? code.name() : code + ": " + description;
  }
}
