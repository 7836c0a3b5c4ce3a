package dev.shuttle.cli;

/**
 * Ends a command with a message for stderr and an exit status; thrown anywhere below the command
 * so that the code deciding an outcome also decides its exit status.
 */
final class CliException extends RuntimeException {
  private final int exitCode;
  private final boolean showUsage;

  private CliException(int exitCode, String message, boolean showUsage, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.showUsage = showUsage;
  }

  /** A bad command line: the message, then the command's usage. */
  static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message, true, null);
  }

  /** Input the command could not use (an unreadable file, JSON that does not fit the message). */
  static CliException badInput(String message, Throwable cause) {
    return new CliException(ExitCodes.USAGE, message, false, cause);
  }

  /** No descriptor for what was asked: the server does not know it, or has no reflection. */
  static CliException notFound(String message) {
    return new CliException(ExitCodes.NOT_FOUND, message, false, null);
  }

  static CliException withCode(int exitCode, String message) {
    return new CliException(exitCode, message, false, null);
  }

  int exitCode() {
    return exitCode;
  }

  boolean showUsage() {
    return showUsage;
  }
}
