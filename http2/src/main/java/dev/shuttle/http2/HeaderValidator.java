package dev.shuttle.http2;

/**
 * Rejects malformed header blocks (RFC 9113 sections 8.1.1, 8.2 and 8.3): field names must be
 * lower-case tokens, values free of NUL, CR and LF (and, in requests, of whitespace at either
 * end), pseudo-headers known, unique and first, :path a valid path, content-length a single
 * number, and no connection-specific fields. A malformed block is a stream error of type
 * PROTOCOL_ERROR. Whether the DATA matches content-length is for the connection to count.
 */
final class HeaderValidator {
  enum Kind {
    REQUEST,
    RESPONSE,
    TRAILERS
  }

  private HeaderValidator() {}

  static void validate(int streamId, Http2Headers headers, Kind kind) throws Http2Exception {
    boolean regularSeen = false;
    int pseudoSeen = 0; // bit per known pseudo-header, to catch duplicates
    String method = null;
    String scheme = null;
    String path = null;
    String contentLength = null;
    for (int i = 0; i < headers.size(); i++) {
      String name = headers.name(i);
      String value = headers.value(i);
      // A field the decoder took from a table that it had checked on the way in passes every
      // character rule below; most of a busy connection's fields are such repeats.
      boolean wellFormed = headers.isWellFormed(i);
      if (!wellFormed) {
        checkValue(streamId, name, value);
        if (kind == Kind.REQUEST) {
          checkEdges(streamId, name, value);
        }
      }
      if (name.startsWith(":")) {
        if (regularSeen) {
          throw malformed(streamId, "pseudo-header " + name + " after a regular field");
        }
        int bit = pseudoBit(name, kind);
        if (bit == 0) {
          throw malformed(streamId, "pseudo-header " + name + " not allowed here");
        }
        if ((pseudoSeen & bit) != 0) {
          throw malformed(streamId, "duplicate " + name);
        }
        pseudoSeen |= bit;
        switch (bit) {
          case METHOD -> method = value;
          case SCHEME -> scheme = value;
          case PATH -> path = value;
          default -> {}
        }
        continue;
      }
      regularSeen = true;
      if (!wellFormed) {
        checkName(streamId, name);
      }
      switch (name) {
        case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" ->
            throw malformed(streamId, "connection-specific field " + name);
        case "te" -> {
          if (!value.equals("trailers")) {
            throw malformed(streamId, "te other than trailers");
          }
        }
        case "content-length" -> {
          if (kind != Kind.TRAILERS) {
            checkContentLength(streamId, value, contentLength);
            contentLength = value;
          }
        }
        default -> {}
      }
    }
    if (kind == Kind.REQUEST && (pseudoSeen & REQUIRED_REQUEST) != REQUIRED_REQUEST) {
      throw malformed(streamId, "request lacks :method, :scheme or :path");
    }
    if (kind == Kind.REQUEST) {
      checkPath(streamId, method, scheme, path);
    }
    if (kind == Kind.RESPONSE && pseudoSeen == 0) {
      throw malformed(streamId, "response lacks :status");
    }
  }

  private static final int METHOD = 1;
  private static final int SCHEME = 2;
  private static final int PATH = 4;
  private static final int AUTHORITY = 8;
  private static final int PROTOCOL = 16;
  private static final int STATUS = 32;
  private static final int REQUIRED_REQUEST = METHOD | SCHEME | PATH;

  private static int pseudoBit(String name, Kind kind) {
    if (kind == Kind.REQUEST) {
      return switch (name) {
        case ":method" -> METHOD;
        case ":scheme" -> SCHEME;
        case ":path" -> PATH;
        case ":authority" -> AUTHORITY;
        case ":protocol" -> PROTOCOL;
        default -> 0;
      };
    }
    return kind == Kind.RESPONSE && name.equals(":status") ? STATUS : 0;
  }

  /**
   * RFC 9113 8.3.1: :path is never empty; for http and https it is an absolute path ("/" at
   * least), or "*" for a server-wide OPTIONS request.
   */
  private static void checkPath(int streamId, String method, String scheme, String path) throws Http2Exception {
    if (path.isEmpty()) {
      throw malformed(streamId, "empty :path");
    }
    if ((scheme.equals("http") || scheme.equals("https"))
        && !path.startsWith("/")
        && !(path.equals("*") && method.equals("OPTIONS"))) {
      throw malformed(streamId, ":path is neither an absolute path nor * for OPTIONS");
    }
  }

  private static void checkName(int streamId, String name) throws Http2Exception {
    if (name.isEmpty()) {
      throw malformed(streamId, "empty field name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f || (c >= 'A' && c <= 'Z') || c == ':') {
        throw malformed(streamId, "invalid character in field name " + name);
      }
    }
  }

  private static void checkValue(int streamId, String name, String value) throws Http2Exception {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0 || c == '\r' || c == '\n') {
        throw malformed(streamId, "invalid character in value of " + name);
      }
    }
  }

  /**
   * RFC 9113 8.1.1 and RFC 9110 8.6: content-length is a decimal number of octets, and a message
   * that declares two different lengths is malformed (no body can match both). Whether the DATA
   * that follows matches it is for the connection to count.
   */
  private static void checkContentLength(int streamId, String value, String earlier) throws Http2Exception {
    if (value.isEmpty()) {
      throw malformed(streamId, "empty content-length");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw malformed(streamId, "content-length is not a number of octets");
      }
    }
    if (earlier != null && !earlier.equals(value)) {
      throw malformed(streamId, "two different content-length values");
    }
  }

  /**
   * RFC 9113 8.2.1: a value must not start or end with SP or HTAB. Checked on requests only:
   * gRPC peers send grpc-message in trailers with spaces unencoded, and a status message that
   * happens to end with one must not turn into a reset stream.
   */
  private static void checkEdges(int streamId, String name, String value) throws Http2Exception {
    if (!value.isEmpty() && (isSpaceOrTab(value.charAt(0)) || isSpaceOrTab(value.charAt(value.length() - 1)))) {
      throw malformed(streamId, "value of " + name + " starts or ends with whitespace");
    }
  }

  private static boolean isSpaceOrTab(char c) {
    return c == ' ' || c == '\t';
  }

  private static Http2Exception malformed(int streamId, String message) {
    return Http2Exception.streamError(streamId, Http2ErrorCode.PROTOCOL_ERROR, "malformed headers: " + message);
  }
}
