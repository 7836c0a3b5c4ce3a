package dev.shuttle.cli;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds {@link FileDescriptor}s from their protos, each after the files it imports, each once.
 * Protos come from a lookup, which may fetch a missing import (reflection asks the server).
 */
final class FileDescriptors {
  private final Function<String, FileDescriptorProto> lookup;
  private final Map<String, FileDescriptor> built = new HashMap<>();

  /** {@code lookup} answers a file name with its proto, or null when it has none. */
  FileDescriptors(Function<String, FileDescriptorProto> lookup) {
    this.lookup = lookup;
  }

  FileDescriptor build(String fileName) {
    return build(fileName, new HashSet<>());
  }

  private FileDescriptor build(String fileName, Set<String> inProgress) {
    FileDescriptor done = built.get(fileName);
    if (done != null) {
      return done;
    }
    if (!inProgress.add(fileName)) {
      throw CliException.badInput("the descriptors import each other in a cycle, through " + fileName, null);
    }
    FileDescriptorProto proto = lookup.apply(fileName);
    if (proto == null) {
      throw CliException.notFound("no descriptor for " + fileName + " (imported, but neither sent nor in the files given)");
    }
    List<FileDescriptor> dependencies = new ArrayList<>();
    for (String dependency : proto.getDependencyList()) {
      dependencies.add(build(dependency, inProgress));
    }
    try {
      FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
      built.put(fileName, file);
      return file;
    } catch (DescriptorValidationException e) {
      throw CliException.badInput("invalid descriptor " + fileName + ": " + e.getMessage(), e);
    }
  }
}
