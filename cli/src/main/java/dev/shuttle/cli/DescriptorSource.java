package dev.shuttle.cli;

import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.List;

/**
 * Where the CLI learns a server's services and message types: the server's reflection service,
 * or descriptor files given on the command line.
 */
interface DescriptorSource extends AutoCloseable {
  /** The full names of the services, sorted. */
  List<String> services();

  /**
   * The file that declares {@code symbol} (a service, method, message, field, enum or enum value,
   * by full name), built with all it imports; null when no file declares it.
   */
  FileDescriptor fileContaining(String symbol);

  @Override
  default void close() {}
}
