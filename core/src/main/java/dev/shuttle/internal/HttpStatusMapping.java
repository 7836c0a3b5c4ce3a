package dev.shuttle.internal;

import dev.shuttle.Status;

/**
 * The gRPC code for a response that is not gRPC, by its HTTP status (grpc/grpc
 * {@code doc/http-grpc-status-mapping.md}).
 */
public final class HttpStatusMapping {
  private HttpStatusMapping() {}

  public static Status.Code codeFor(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> Status.Code.INTERNAL;
      case 401 -> Status.Code.UNAUTHENTICATED;
      case 403 -> Status.Code.PERMISSION_DENIED;
      case 404 -> Status.Code.UNIMPLEMENTED;
      case 429, 502, 503, 504 -> Status.Code.UNAVAILABLE;
      default -> Status.Code.UNKNOWN;
    };
  }

  /** The status a client reports for a non-gRPC HTTP response. */
  public static Status statusFor(int httpStatus, String contentType) {
    String description =
        "HTTP status code " + httpStatus + (contentType == null ? "" : "; content-type: " + contentType);
    return Status.of(codeFor(httpStatus), description);
  }
}
