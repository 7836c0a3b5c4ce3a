package dev.shuttle.cli;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Picks the descriptor source the command line asks for, and looks symbols up in it. */
final class Descriptors {
  private Descriptors() {}

  /** Descriptor files when given, otherwise the server's reflection. */
  static DescriptorSource open(CommandLine line, Connection connection) {
    if (!line.importPaths.isEmpty() && line.protos.isEmpty()) {
      throw CliException.usage("--import-path goes with --proto");
    }
    if (line.protosets.isEmpty() && line.protos.isEmpty()) {
      return new ReflectionSource(connection);
    }
    List<FileDescriptorSet> sets = new ArrayList<>();
    for (Path protoset : line.protosets) {
      try {
        sets.add(FileDescriptorSet.parseFrom(Files.readAllBytes(protoset)));
      } catch (IOException e) {
        throw CliException.badInput("cannot read the descriptor set " + protoset + ": " + e.getMessage(), e);
      }
    }
    if (!line.protos.isEmpty()) {
      sets.add(ProtoCompiler.compile(line.protos, line.importPaths));
    }
    return new FileSetSource(sets);
  }

  /**
   * The descriptor named {@code symbol}, or null. A field or enum value may be unknown to a
   * server's reflection by its own name, so its parent's file is asked for too.
   */
  static GenericDescriptor find(DescriptorSource source, String symbol) {
    FileDescriptor file = source.fileContaining(symbol);
    if (file == null && symbol.lastIndexOf('.') > 0) {
      file = source.fileContaining(symbol.substring(0, symbol.lastIndexOf('.')));
    }
    return file == null ? null : Symbols.of(file).find(symbol);
  }
}
