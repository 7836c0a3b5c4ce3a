package dev.shuttle.http2.hpack;

/** The static table of RFC 7541 Appendix A. Arrays are 1-based: HPACK index i is at [i]. */
final class StaticTable {
  private StaticTable() {}

  /** Number of entries; dynamic table indices start right after. */
  static final int LENGTH = 61;

  // String literals, so decoded names and values are shared, interned instances.
  static final String[] NAMES = new String[LENGTH + 1];
  static final String[] VALUES = new String[LENGTH + 1];

  static {
    int i = 1;
    NAMES[i] = ":authority"; VALUES[i++] = "";
    NAMES[i] = ":method"; VALUES[i++] = "GET";
    NAMES[i] = ":method"; VALUES[i++] = "POST";
    NAMES[i] = ":path"; VALUES[i++] = "/";
    NAMES[i] = ":path"; VALUES[i++] = "/index.html";
    NAMES[i] = ":scheme"; VALUES[i++] = "http";
    NAMES[i] = ":scheme"; VALUES[i++] = "https";
    NAMES[i] = ":status"; VALUES[i++] = "200";
    NAMES[i] = ":status"; VALUES[i++] = "204";
    NAMES[i] = ":status"; VALUES[i++] = "206";
    NAMES[i] = ":status"; VALUES[i++] = "304";
    NAMES[i] = ":status"; VALUES[i++] = "400";
    NAMES[i] = ":status"; VALUES[i++] = "404";
    NAMES[i] = ":status"; VALUES[i++] = "500";
    NAMES[i] = "accept-charset"; VALUES[i++] = "";
    NAMES[i] = "accept-encoding"; VALUES[i++] = "gzip, deflate";
    NAMES[i] = "accept-language"; VALUES[i++] = "";
    NAMES[i] = "accept-ranges"; VALUES[i++] = "";
    NAMES[i] = "accept"; VALUES[i++] = "";
    NAMES[i] = "access-control-allow-origin"; VALUES[i++] = "";
    NAMES[i] = "age"; VALUES[i++] = "";
    NAMES[i] = "allow"; VALUES[i++] = "";
    NAMES[i] = "authorization"; VALUES[i++] = "";
    NAMES[i] = "cache-control"; VALUES[i++] = "";
    NAMES[i] = "content-disposition"; VALUES[i++] = "";
    NAMES[i] = "content-encoding"; VALUES[i++] = "";
    NAMES[i] = "content-language"; VALUES[i++] = "";
    NAMES[i] = "content-length"; VALUES[i++] = "";
    NAMES[i] = "content-location"; VALUES[i++] = "";
    NAMES[i] = "content-range"; VALUES[i++] = "";
    NAMES[i] = "content-type"; VALUES[i++] = "";
    NAMES[i] = "cookie"; VALUES[i++] = "";
    NAMES[i] = "date"; VALUES[i++] = "";
    NAMES[i] = "etag"; VALUES[i++] = "";
    NAMES[i] = "expect"; VALUES[i++] = "";
    NAMES[i] = "expires"; VALUES[i++] = "";
    NAMES[i] = "from"; VALUES[i++] = "";
    NAMES[i] = "host"; VALUES[i++] = "";
    NAMES[i] = "if-match"; VALUES[i++] = "";
    NAMES[i] = "if-modified-since"; VALUES[i++] = "";
    NAMES[i] = "if-none-match"; VALUES[i++] = "";
    NAMES[i] = "if-range"; VALUES[i++] = "";
    NAMES[i] = "if-unmodified-since"; VALUES[i++] = "";
    NAMES[i] = "last-modified"; VALUES[i++] = "";
    NAMES[i] = "link"; VALUES[i++] = "";
    NAMES[i] = "location"; VALUES[i++] = "";
    NAMES[i] = "max-forwards"; VALUES[i++] = "";
    NAMES[i] = "proxy-authenticate"; VALUES[i++] = "";
    NAMES[i] = "proxy-authorization"; VALUES[i++] = "";
    NAMES[i] = "range"; VALUES[i++] = "";
    NAMES[i] = "referer"; VALUES[i++] = "";
    NAMES[i] = "refresh"; VALUES[i++] = "";
    NAMES[i] = "retry-after"; VALUES[i++] = "";
    NAMES[i] = "server"; VALUES[i++] = "";
    NAMES[i] = "set-cookie"; VALUES[i++] = "";
    NAMES[i] = "strict-transport-security"; VALUES[i++] = "";
    NAMES[i] = "transfer-encoding"; VALUES[i++] = "";
    NAMES[i] = "user-agent"; VALUES[i++] = "";
    NAMES[i] = "vary"; VALUES[i++] = "";
    NAMES[i] = "via"; VALUES[i++] = "";
    NAMES[i] = "www-authenticate"; VALUES[i++] = "";
    if (i != LENGTH + 1) {
      throw new IllegalStateException("static table has " + (i - 1) + " entries");
    }
  }
}
