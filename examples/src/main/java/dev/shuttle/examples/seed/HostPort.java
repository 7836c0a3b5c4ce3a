package dev.shuttle.examples.seed;

/**
 * A {@code HOST:PORT} command-line argument. IPv6 hosts are written in brackets, {@code
 * [::1]:8888}, as in URLs, and are kept without them.
 */
record HostPort(String host, int port) {
  static final HostPort DEFAULT = new HostPort("127.0.0.1", 8888);

  /** The address in {@code args[0]}, or {@link #DEFAULT} without arguments. */
  static HostPort fromArgs(String[] args) {
    if (args.length > 1) {
      throw new IllegalArgumentException("expected at most one argument, HOST:PORT");
    }
    return args.length == 0 ? DEFAULT : parse(args[0]);
  }

  static HostPort parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("not HOST:PORT: " + text);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("write IPv6 hosts in brackets, [::1]:8888: " + text);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a port number: " + text.substring(colon + 1), e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    return new HostPort(host, port);
  }

  /** The channel target for this address, with brackets around an IPv6 host. */
  String target() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
