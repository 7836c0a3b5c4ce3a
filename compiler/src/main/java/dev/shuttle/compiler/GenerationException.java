package dev.shuttle.compiler;

/**
 * A problem with the input that the user must fix in their {@code .proto} files. It becomes the
 * response's error, which protoc prints as the plugin's complaint; any other exception is a bug
 * in the plugin and fails the run with a stack trace.
 */
final class GenerationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  GenerationException(String message) {
    super(message);
  }
}
