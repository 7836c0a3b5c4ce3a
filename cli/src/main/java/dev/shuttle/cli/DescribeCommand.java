package dev.shuttle.cli;

import com.google.protobuf.Descriptors.GenericDescriptor;
import java.util.List;

/** {@code shuttle describe HOST:PORT [SYMBOL]}: a symbol, or every service, as .proto text. */
final class DescribeCommand {
  private DescribeCommand() {}

  static int run(CommandLine line, Terminal terminal) {
    List<String> args = line.positional(1, 2, "HOST:PORT [SYMBOL]");
    try (Connection connection = Connection.open(args.get(0), line, null);
        DescriptorSource source = Descriptors.open(line, connection)) {
      List<String> symbols = args.size() == 2 ? List.of(args.get(1).replace('/', '.')) : source.services();
      boolean first = true;
      for (String symbol : symbols) {
        GenericDescriptor found = Descriptors.find(source, symbol);
        if (!first) {
          terminal.out().println();
        }
        if (found == null && args.size() == 1) {
          // A service built by hand is listed by name only: say so and go on with the others.
          terminal.out().println("// " + symbol + " is a service the server has no descriptor for");
        } else if (found == null) {
          throw CliException.notFound("no symbol " + symbol + " on the server");
        } else {
          terminal.out().print(ProtoPrinter.describe(found));
        }
        first = false;
      }
      return ExitCodes.OK;
    }
  }
}
