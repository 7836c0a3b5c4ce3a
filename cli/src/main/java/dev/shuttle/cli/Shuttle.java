package dev.shuttle.cli;

import dev.shuttle.StatusException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code bin/shuttle}: a command-line client for any gRPC server, Shuttle's or another's. It
 * lists and describes services through server reflection (or descriptor files), calls any method
 * with JSON, and checks health.
 *
 * <pre>
 * bin/shuttle list 127.0.0.1:8888
 * bin/shuttle describe 127.0.0.1:8888 TestServer
 * bin/shuttle call 127.0.0.1:8888 TestServer/GetRandom -d '{"id": "123"}'
 * bin/shuttle health 127.0.0.1:8888
 * </pre>
 *
 * <p>The exit statuses are in {@link ExitCodes} and in {@code shuttle --help}.
 */
public final class Shuttle {
  private static final Set<String> CONNECTION_FLAGS =
      Set.of("--header", "--deadline", "--tls", "--cacert", "--cert", "--key", "--servername", "--authority");
  private static final Set<String> DESCRIPTOR_FLAGS = Set.of("--protoset", "--proto", "--import-path");

  private Shuttle() {}

  public static void main(String[] args) {
    int code = run(args, new Terminal(System.in, System.out, System.err));
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /** Runs one command line with these streams and returns its exit status; for tests and main. */
  static int run(String[] args, Terminal terminal) {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
      if (args.length >= 2 && args[0].equals("help")) {
        return run(new String[] {args[1], "--help"}, terminal);
      }
      (args.length == 0 ? terminal.err() : terminal.out()).print(Usage.TOOL);
      return args.length == 0 ? ExitCodes.USAGE : ExitCodes.OK;
    }
    String command = args[0];
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    return switch (command) {
      case "list" -> run(rest, union(CONNECTION_FLAGS, DESCRIPTOR_FLAGS), Usage.LIST, ExitCodes.USAGE, terminal, ListCommand::run);
      case "describe" -> run(rest, union(CONNECTION_FLAGS, DESCRIPTOR_FLAGS), Usage.DESCRIBE, ExitCodes.USAGE, terminal, DescribeCommand::run);
      case "call" -> run(rest, union(union(CONNECTION_FLAGS, DESCRIPTOR_FLAGS), Set.of("--data", "--verbose")),
          Usage.CALL, ExitCodes.USAGE, terminal, CallCommand::run);
      // health's bad arguments exit 1, as grpc_health_probe's do.
      case "health" -> run(rest, CONNECTION_FLAGS, Usage.HEALTH, ExitCodes.HEALTH_INVALID_ARGUMENTS, terminal, HealthCommand::run);
      default -> {
        terminal.err().println("shuttle: unknown command " + command + " (list, describe, call, health)");
        terminal.err().print(Usage.TOOL);
        yield ExitCodes.USAGE;
      }
    };
  }

  private interface Command {
    int run(CommandLine line, Terminal terminal);
  }

  private static int run(List<String> args, Set<String> flags, String usage, int usageExit, Terminal terminal, Command command) {
    try {
      CommandLine line = CommandLine.parse(args, flags);
      if (line.help) {
        terminal.out().print(usage);
        return ExitCodes.OK;
      }
      return command.run(line, terminal);
    } catch (CliException e) {
      terminal.out().flush();
      terminal.err().println("shuttle: " + e.getMessage());
      if (e.showUsage()) {
        terminal.err().println("(shuttle " + usage.substring("usage: shuttle ".length(), usage.indexOf(' ', "usage: shuttle ".length())) + " --help tells how)");
      }
      return e.exitCode() == ExitCodes.USAGE ? usageExit : e.exitCode();
    } catch (StatusException e) {
      // An RPC other than the call itself failed: reflection, most often for want of a server.
      terminal.out().flush();
      terminal.err().println("shuttle: " + e.code() + ": " + (e.status().description() == null ? "" : e.status().description()));
      return ExitCodes.RPC_FAILED;
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return all;
  }
}
