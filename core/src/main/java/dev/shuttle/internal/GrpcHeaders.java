package dev.shuttle.internal;

import dev.shuttle.Metadata;
import dev.shuttle.Status;
import dev.shuttle.http2.Http2Headers;
import dev.shuttle.http2.hpack.ByteSink;
import dev.shuttle.http2.hpack.HpackEncoder;
import java.util.Set;

/**
 * The HTTP/2 header side of gRPC (PROTOCOL-HTTP2.md) in one place: which headers a request,
 * response and trailers carry, which belong to gRPC rather than the application, and the blocks
 * that never change, encoded once.
 */
public final class GrpcHeaders {
  public static final String CONTENT_TYPE = "content-type";
  public static final String GRPC_CONTENT_TYPE = "application/grpc";
  public static final String GRPC_STATUS = "grpc-status";
  public static final String GRPC_MESSAGE = "grpc-message";
  public static final String GRPC_TIMEOUT = "grpc-timeout";
  public static final String GRPC_ENCODING = "grpc-encoding";
  public static final String GRPC_ACCEPT_ENCODING = "grpc-accept-encoding";
  public static final String USER_AGENT = "shuttle-java/0.1";

  /**
   * Headers whose values rarely repeat from call to call, so HPACK sends them as literals
   * rather than filling the peer's dynamic table with them.
   */
  public static final Set<String> RARELY_REPEATED = Set.of(GRPC_TIMEOUT, GRPC_MESSAGE);

  /** Headers gRPC itself consumes; the application never sees them in its Metadata. */
  private static final Set<String> RESERVED =
      Set.of(
          CONTENT_TYPE,
          "te",
          "connection",
          GRPC_TIMEOUT,
          GRPC_ENCODING,
          GRPC_ACCEPT_ENCODING,
          GRPC_STATUS,
          GRPC_MESSAGE);

  /** {@code :status 200} and {@code content-type: application/grpc}: every plain response. */
  private static final byte[] RESPONSE_HEADERS = encode(":status", "200", CONTENT_TYPE, GRPC_CONTENT_TYPE);

  /** {@code grpc-status: 0}: the trailers of every plain successful call. */
  private static final byte[] OK_TRAILERS = encode(GRPC_STATUS, "0");

  private GrpcHeaders() {}

  private static byte[] encode(String... nameValues) {
    ByteSink sink = new ByteSink(64);
    for (int i = 0; i < nameValues.length; i += 2) {
      HpackEncoder.encodeStateless(nameValues[i], nameValues[i + 1], sink);
    }
    return sink.toByteArray();
  }

  /** Pre-encoded response headers without metadata. The array must not be modified. */
  public static byte[] plainResponseHeaders() {
    return RESPONSE_HEADERS;
  }

  /** Response headers without metadata that advertise the encodings we read, encoded once. */
  public static byte[] plainResponseHeaders(String acceptEncoding) {
    if (acceptEncoding == null || acceptEncoding.isEmpty()) {
      return RESPONSE_HEADERS;
    }
    return encode(":status", "200", CONTENT_TYPE, GRPC_CONTENT_TYPE, GRPC_ACCEPT_ENCODING, acceptEncoding);
  }

  /** Pre-encoded {@code grpc-status: 0} trailers. The array must not be modified. */
  public static byte[] okTrailers() {
    return OK_TRAILERS;
  }

  /** Whether a content-type names gRPC: {@code application/grpc}, optionally {@code +format} or {@code ;params}. */
  public static boolean isGrpcContentType(String contentType) {
    if (contentType == null || !contentType.regionMatches(true, 0, GRPC_CONTENT_TYPE, 0, GRPC_CONTENT_TYPE.length())) {
      return false;
    }
    if (contentType.length() == GRPC_CONTENT_TYPE.length()) {
      return true;
    }
    char next = contentType.charAt(GRPC_CONTENT_TYPE.length());
    return next == '+' || next == ';';
  }

  public static Http2Headers responseHeaders(Metadata metadata) {
    return responseHeaders(metadata, null, null);
  }

  /** Response headers with the response's encoding (null for none) and the encodings we read. */
  public static Http2Headers responseHeaders(Metadata metadata, String encoding, String acceptEncoding) {
    Http2Headers headers = new Http2Headers(4 + metadata.size());
    headers.add(":status", "200").add(CONTENT_TYPE, GRPC_CONTENT_TYPE);
    if (encoding != null) {
      headers.add(GRPC_ENCODING, encoding);
    }
    if (acceptEncoding != null && !acceptEncoding.isEmpty()) {
      headers.add(GRPC_ACCEPT_ENCODING, acceptEncoding);
    }
    metadata.forEachWireEntry(headers::add);
    return headers;
  }

  /** Trailers with the status and the application's trailers. */
  public static Http2Headers trailers(Status status, Metadata metadata) {
    Http2Headers headers = new Http2Headers(2 + metadata.size());
    addStatus(headers, status);
    metadata.forEachWireEntry(headers::add);
    return headers;
  }

  /** A response made of one header block: HTTP status, content-type, gRPC status, metadata. */
  public static Http2Headers trailersOnly(int httpStatus, Status status, Metadata metadata) {
    Http2Headers headers = new Http2Headers(4 + metadata.size());
    headers.add(":status", Integer.toString(httpStatus)).add(CONTENT_TYPE, GRPC_CONTENT_TYPE);
    addStatus(headers, status);
    metadata.forEachWireEntry(headers::add);
    return headers;
  }

  private static void addStatus(Http2Headers headers, Status status) {
    headers.add(GRPC_STATUS, Integer.toString(status.code().value()));
    if (status.description() != null && !status.description().isEmpty()) {
      headers.add(GRPC_MESSAGE, StatusMessage.encode(status.description()));
    }
  }

  /**
   * The application's view of received headers: no pseudo-headers, nothing gRPC consumes.
   * Binary values that are not valid base64 are dropped.
   */
  public static Metadata toMetadata(Http2Headers headers) {
    Metadata metadata = new Metadata();
    for (int i = 0; i < headers.size(); i++) {
      String name = headers.name(i);
      if (name.startsWith(":") || RESERVED.contains(name)) {
        continue;
      }
      try {
        metadata.addWireEntry(name, headers.value(i));
      } catch (IllegalArgumentException e) {
        // A malformed -bin value: the entry is unusable, the call is not.
      }
    }
    return metadata;
  }

  /** The status carried by trailers (or a trailers-only response). */
  public static Status statusFromTrailers(Http2Headers trailers) {
    String code = trailers.get(GRPC_STATUS);
    if (code == null) {
      return Status.UNKNOWN.withDescription("missing grpc-status in trailers");
    }
    int value;
    try {
      value = Integer.parseInt(code);
    } catch (NumberFormatException e) {
      return Status.UNKNOWN.withDescription("invalid grpc-status: " + code);
    }
    String message = trailers.get(GRPC_MESSAGE);
    Status status = Status.Code.fromValue(value).toStatus();
    return message == null ? status : status.withDescription(StatusMessage.decode(message));
  }
}
