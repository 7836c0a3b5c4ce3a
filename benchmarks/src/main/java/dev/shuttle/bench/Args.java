package dev.shuttle.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The command line of a benchmark: {@code --name value}, {@code --name=value} and bare flags,
 * each name one of those the benchmark declares. A usage error is an
 * {@link IllegalArgumentException} whose message says what was wrong (the caller prints it with
 * the usage and exits 2).
 *
 * <pre>{@code
 * Args args = Args.parse(argv, Set.of("--smoke", "--help"), Set.of("--results", "--duration-seconds"));
 * if (args.has("--help")) { ... }
 * int seconds = args.positiveInt("--duration-seconds", 10);
 * }</pre>
 */
final class Args {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> rest = new ArrayList<>();

  private Args() {}

  /**
   * Parses {@code argv}; {@code -h} counts as {@code --help}. With {@code passRest}, the first
   * argument that is not a declared option and everything after it are kept for {@link #rest()}.
   */
  static Args parse(String[] argv, Set<String> flags, Set<String> valued, boolean passRest) {
    Args args = new Args();
    for (int i = 0; i < argv.length; i++) {
      String arg = argv[i].equals("-h") ? "--help" : argv[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      if (flags.contains(arg) && value == null) {
        args.values.put(arg, "");
      } else if (valued.contains(arg)) {
        if (value == null) {
          if (i + 1 >= argv.length) {
            throw new IllegalArgumentException(arg + " needs a value");
          }
          value = argv[++i];
        }
        args.values.put(arg, value);
      } else if (passRest) {
        args.rest.addAll(List.of(argv).subList(i, argv.length));
        break;
      } else {
        throw new IllegalArgumentException("unknown argument " + argv[i]);
      }
    }
    return args;
  }

  static Args parse(String[] argv, Set<String> flags, Set<String> valued) {
    return parse(argv, flags, valued, false);
  }

  /** What a benchmark does with its command line: runs with {@code options}, or ends with {@code exitStatus}. */
  record Invocation<T>(T options, int exitStatus) {}

  /**
   * Parses a benchmark's command line with {@code parse}, which returns null for help. Help prints
   * the usage to {@code out} (exit status 0); a usage error prints {@code program}, the message
   * and the usage to {@code err} (exit status 2); either way there are no options.
   */
  static <T> Invocation<T> invocation(String program, String usage, String[] argv, Function<String[], T> parse,
      PrintStream out, PrintStream err) {
    T options;
    try {
      options = parse.apply(argv);
    } catch (IllegalArgumentException e) {
      err.println(program + ": " + e.getMessage());
      err.println(usage);
      return new Invocation<>(null, 2);
    }
    if (options == null) {
      out.println(usage);
    }
    return new Invocation<>(options, 0);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String get(String name, String otherwise) {
    return values.getOrDefault(name, otherwise);
  }

  /** The arguments after the declared options (only with {@code passRest}). */
  List<String> rest() {
    return rest;
  }

  Path path(String name) {
    String value = values.get(name);
    return value == null ? null : Path.of(value);
  }

  /** A whole number of at least {@code min}. */
  int intAtLeast(String name, int otherwise, int min) {
    String value = values.get(name);
    if (value == null) {
      return otherwise;
    }
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " takes a whole number, got " + value, e);
    }
    if (n < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", got " + n);
    }
    return n;
  }

  /** A comma-separated list of positive whole numbers. */
  List<Integer> positiveInts(String name, List<Integer> otherwise) {
    String value = values.get(name);
    if (value == null) {
      return otherwise;
    }
    List<Integer> list = new ArrayList<>();
    for (String part : value.split(",")) {
      try {
        int n = Integer.parseInt(part.strip());
        if (n <= 0) {
          throw new NumberFormatException();
        }
        list.add(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " takes positive whole numbers separated by commas, got " + value);
      }
    }
    return list;
  }

  /** A comma-separated list, each item one of {@code allowed}. */
  List<String> oneOf(String name, List<String> allowed, List<String> otherwise) {
    String value = values.get(name);
    if (value == null) {
      return otherwise;
    }
    List<String> list = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!allowed.contains(part.strip())) {
        throw new IllegalArgumentException(name + " takes " + String.join(", ", allowed) + "; got " + part);
      }
      list.add(part.strip());
    }
    return list;
  }
}
