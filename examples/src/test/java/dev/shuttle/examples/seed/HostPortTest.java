package dev.shuttle.examples.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HostPortTest {
  @Test
  void defaultsToTheSeedsAddress() {
    assertEquals(new HostPort("127.0.0.1", 8888), HostPort.fromArgs(new String[0]));
  }

  @Test
  void parsesHostAndPort() {
    assertEquals(new HostPort("localhost", 50051), HostPort.fromArgs(new String[] {"localhost:50051"}));
    assertEquals("localhost:50051", HostPort.parse("localhost:50051").target());
  }

  @Test
  void ipv6HostsAreBracketed() {
    HostPort address = HostPort.parse("[::1]:8888");
    assertEquals("::1", address.host());
    assertEquals(8888, address.port());
    assertEquals("[::1]:8888", address.target());
  }

  @Test
  void rejectsMalformedAddresses() {
    for (String bad : new String[] {"8888", ":8888", "host:", "host:port", "host:70000", "::1:8888"}) {
      assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> HostPort.fromArgs(new String[] {"a:1", "b:2"}));
  }
}
