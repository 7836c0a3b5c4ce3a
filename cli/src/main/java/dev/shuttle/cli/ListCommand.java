package dev.shuttle.cli;

import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.List;

/** {@code shuttle list HOST:PORT [SERVICE]}: services, or one service's methods. */
final class ListCommand {
  private ListCommand() {}

  static int run(CommandLine line, Terminal terminal) {
    List<String> args = line.positional(1, 2, "HOST:PORT [SERVICE]");
    try (Connection connection = Connection.open(args.get(0), line, null);
        DescriptorSource source = Descriptors.open(line, connection)) {
      if (args.size() == 1) {
        for (String service : source.services()) {
          terminal.out().println(service);
        }
        return ExitCodes.OK;
      }
      String name = args.get(1);
      GenericDescriptor found = Descriptors.find(source, name);
      if (!(found instanceof ServiceDescriptor service)) {
        throw CliException.notFound("no service " + name + " on the server"
            + (found == null ? "" : " (" + name + " is not a service; try describe)"));
      }
      for (MethodDescriptor method : service.getMethods()) {
        terminal.out().println(method.getFullName());
      }
      return ExitCodes.OK;
    }
  }
}
