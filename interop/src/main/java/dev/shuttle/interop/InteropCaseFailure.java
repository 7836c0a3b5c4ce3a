package dev.shuttle.interop;

/** An interop case whose peer answered otherwise than the case requires; the message says how. */
final class InteropCaseFailure extends RuntimeException {
  InteropCaseFailure(String message) {
    super(message);
  }

  InteropCaseFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
