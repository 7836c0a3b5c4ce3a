package dev.shuttle.cli;

/**
 * The exit statuses of {@code bin/shuttle}. {@code health} has its own, grpc_health_probe's, so
 * that it can replace that tool in a probe unchanged.
 */
final class ExitCodes {
  static final int OK = 0;
  /** The RPC failed; its status code name and message went to stderr. */
  static final int RPC_FAILED = 1;
  /** A bad command line, or input that does not fit (unreadable file, invalid JSON request). */
  static final int USAGE = 2;
  /** No descriptor for the service, method or symbol: unknown to the server, or no reflection. */
  static final int NOT_FOUND = 3;

  /** grpc_health_probe's: invalid arguments. */
  static final int HEALTH_INVALID_ARGUMENTS = 1;
  /** grpc_health_probe's: the connection failed (refused, unreachable, TLS handshake). */
  static final int HEALTH_CONNECTION_FAILURE = 2;
  /** grpc_health_probe's: the Check RPC failed (NOT_FOUND for an unknown service, a deadline...). */
  static final int HEALTH_RPC_FAILURE = 3;
  /** grpc_health_probe's: the server answered, and not SERVING. */
  static final int HEALTH_UNHEALTHY = 4;

  private ExitCodes() {}
}
