package dev.shuttle.interop;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command line of the interop programs, in the form every gRPC implementation's interop
 * client and server take it: {@code --name=value} flags ({@code --use_tls=true}), a bare
 * {@code --name} for a boolean that is true, and {@code --help}. Any other argument is a usage
 * error, so that a misspelt flag never silently changes what a run tests.
 *
 * <pre>{@code
 * InteropFlags flags = InteropFlags.parse(args, Set.of("port", "use_tls"));
 * int port = flags.integer("port", 8080);
 * }</pre>
 */
final class InteropFlags {
  /** A command line the program cannot run with; the message says what is wrong. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  private final Map<String, String> values;
  private final boolean help;

  private InteropFlags(Map<String, String> values, boolean help) {
    this.values = values;
    this.help = help;
  }

  /** Parses {@code args}, accepting only the flags named in {@code known} (and help). */
  static InteropFlags parse(String[] args, Set<String> known) throws UsageException {
    Map<String, String> values = new LinkedHashMap<>();
    boolean help = false;
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
        continue;
      }
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException("expected --name=value, got \"" + arg + "\"");
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
      if (!known.contains(name)) {
        throw new UsageException("unknown flag --" + name);
      }
      if (values.containsKey(name)) {
        throw new UsageException("--" + name + " given twice");
      }
      values.put(name, equals < 0 ? null : arg.substring(equals + 1));
    }
    return new InteropFlags(values, help);
  }

  boolean help() {
    return help;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The flag's value, or {@code fallback} when it was not given. */
  String string(String name, String fallback) throws UsageException {
    if (!values.containsKey(name)) {
      return fallback;
    }
    String value = values.get(name);
    if (value == null || value.isEmpty()) {
      throw new UsageException("--" + name + " needs a value: --" + name + "=VALUE");
    }
    return value;
  }

  int integer(String name, int fallback) throws UsageException {
    String value = string(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, got \"" + value + "\"");
    }
  }

  /** A non-negative integer flag. */
  int count(String name, int fallback) throws UsageException {
    int value = integer(name, fallback);
    if (value < 0) {
      throw new UsageException("--" + name + " must not be negative, got " + value);
    }
    return value;
  }

  /** {@code --name=true}, {@code --name=false}, or a bare {@code --name} for true. */
  boolean bool(String name, boolean fallback) throws UsageException {
    if (!values.containsKey(name)) {
      return fallback;
    }
    String value = values.get(name);
    if (value == null) {
      return true;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new UsageException("--" + name + " must be true or false, got \"" + value + "\"");
    };
  }
}
