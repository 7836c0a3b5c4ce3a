package dev.shuttle.http2.conformance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every server test case of h2spec (github.com/summerwind/h2spec, the http2, hpack and generic
 * groups), by id: each section and how many cases h2spec numbers in it. One of them,
 * http2/5.4.1/2, only runs in h2spec's strict mode; it is covered here like the others.
 */
final class H2specCases {
  private static final String[] SECTIONS = {
    // RFC 7540 / 9113
    "http2/3.5:2", "http2/4.1:3", "http2/4.2:3", "http2/4.3:3",
    "http2/5.1:13", "http2/5.1.1:2", "http2/5.1.2:1", "http2/5.3.1:2", "http2/5.4.1:2", "http2/5.5:2",
    "http2/6.1:3", "http2/6.2:4", "http2/6.3:2", "http2/6.4:3", "http2/6.5:3", "http2/6.5.2:5",
    "http2/6.5.3:2", "http2/6.7:4", "http2/6.8:1", "http2/6.9:3", "http2/6.9.1:3", "http2/6.9.2:3",
    "http2/6.10:6", "http2/7:2", "http2/8.1:1", "http2/8.1.2:1", "http2/8.1.2.1:4", "http2/8.1.2.2:2",
    "http2/8.1.2.3:7", "http2/8.1.2.6:2", "http2/8.2:1",
    // RFC 7541
    "hpack/2.3.3:2", "hpack/4.2:1", "hpack/5.2:3", "hpack/6.1:1", "hpack/6.3:1",
    // Things every server must simply accept
    "generic/1:1", "generic/2:5", "generic/3.1:3", "generic/3.2:3", "generic/3.3:5", "generic/3.4:1",
    "generic/3.5:1", "generic/3.7:1", "generic/3.8:1", "generic/3.9:2", "generic/3.10:2", "generic/4:4",
    "generic/5:15",
  };

  /** All case ids, in h2spec's order. */
  static final List<String> ALL = expand();

  private H2specCases() {}

  private static List<String> expand() {
    List<String> ids = new ArrayList<>();
    for (String s : SECTIONS) {
      int colon = s.indexOf(':');
      int count = Integer.parseInt(s.substring(colon + 1));
      for (int i = 1; i <= count; i++) {
        ids.add(s.substring(0, colon) + "/" + i);
      }
    }
    return Collections.unmodifiableList(ids);
  }
}
