package dev.shuttle.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One command's arguments: its positional arguments and the flags shared by the commands, in any
 * order after the command name. {@code --flag value} and {@code --flag=value} both work; a flag
 * the command does not take is a usage error.
 */
final class CommandLine {
  /** Flags that take a value. */
  private static final Set<String> VALUED =
      Set.of("-d", "--data", "-H", "--header", "--deadline", "--protoset", "--proto", "-I", "--import-path",
          "--cacert", "--cert", "--key", "--servername", "--authority");
  /** Flags that stand alone. */
  private static final Set<String> SWITCHES = Set.of("--tls", "-v", "--verbose", "-h", "--help");

  final List<String> positional = new ArrayList<>();
  final List<String> headers = new ArrayList<>();
  final List<Path> protosets = new ArrayList<>();
  final List<Path> protos = new ArrayList<>();
  final List<Path> importPaths = new ArrayList<>();
  String data;
  String deadline;
  boolean tls;
  Path caCert;
  Path cert;
  Path key;
  String serverName;
  String authority;
  boolean verbose;
  boolean help;

  /**
   * Parses {@code args}; {@code allowed} are the flags this command takes (in their long form,
   * plus {@code --help}, which every command takes).
   */
  static CommandLine parse(List<String> args, Set<String> allowed) {
    CommandLine line = new CommandLine();
    boolean flagsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (flagsEnded || !arg.startsWith("-") || arg.equals("-")) {
        line.positional.add(arg);
        continue;
      }
      if (arg.equals("--")) {
        flagsEnded = true;
        continue;
      }
      String flag = arg;
      String value = null;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        flag = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      }
      String name = longName(flag);
      if (!VALUED.contains(flag) && !SWITCHES.contains(flag)) {
        throw CliException.usage("unknown flag " + flag);
      }
      if (!name.equals("--help") && !allowed.contains(name)) {
        throw CliException.usage(flag + " does not apply to this command");
      }
      if (VALUED.contains(flag)) {
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw CliException.usage(flag + " needs a value");
          }
          value = args.get(++i);
        }
        line.set(name, value);
      } else {
        if (value != null) {
          throw CliException.usage(flag + " takes no value");
        }
        line.set(name, null);
      }
    }
    return line;
  }

  private static String longName(String flag) {
    return switch (flag) {
      case "-d" -> "--data";
      case "-H" -> "--header";
      case "-I" -> "--import-path";
      case "-v" -> "--verbose";
      case "-h" -> "--help";
      default -> flag;
    };
  }

  private void set(String name, String value) {
    switch (name) {
      case "--data" -> {
        if (data != null) {
          throw CliException.usage("-d given twice: put several JSON requests in one -d, one per line");
        }
        data = value;
      }
      case "--header" -> headers.add(value);
      case "--deadline" -> deadline = value;
      case "--protoset" -> protosets.add(Path.of(value));
      case "--proto" -> protos.add(Path.of(value));
      case "--import-path" -> importPaths.add(Path.of(value));
      case "--cacert" -> caCert = Path.of(value);
      case "--cert" -> cert = Path.of(value);
      case "--key" -> key = Path.of(value);
      case "--servername" -> serverName = value;
      case "--authority" -> authority = value;
      case "--tls" -> tls = true;
      case "--verbose" -> verbose = true;
      case "--help" -> help = true;
      default -> throw new IllegalStateException(name);
    }
  }

  /** The positional arguments, checked to be between {@code min} and {@code max} in number. */
  List<String> positional(int min, int max, String what) {
    if (positional.size() < min || positional.size() > max) {
      throw CliException.usage("expected " + what);
    }
    return positional;
  }

  /** Whether any TLS flag was given: each implies {@code --tls}. */
  boolean usesTls() {
    return tls || caCert != null || cert != null || key != null || serverName != null;
  }
}
