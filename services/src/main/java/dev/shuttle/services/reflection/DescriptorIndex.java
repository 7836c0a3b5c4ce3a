package dev.shuttle.services.reflection;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.shuttle.ServiceDefinition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What reflection can tell about one server: the names of its services, and every {@code .proto}
 * file their descriptors reach (their own files and all they import), looked up by file name, by
 * the full name of any symbol they declare, and by extension.
 */
final class DescriptorIndex {
  private final List<String> serviceNames;
  private final Map<String, FileDescriptor> filesByName = new HashMap<>();
  private final Map<String, FileDescriptor> filesBySymbol = new HashMap<>();
  private final Set<String> messageTypes = new HashSet<>();
  /** Extended message's full name, then extension number, to the file declaring the extension. */
  private final Map<String, Map<Integer, FileDescriptor>> extensions = new HashMap<>();

  private DescriptorIndex(List<String> serviceNames) {
    this.serviceNames = serviceNames;
  }

  /**
   * Indexes the descriptors of these services. A service without a protobuf descriptor (a
   * definition built by hand) is known by its name only.
   */
  static DescriptorIndex of(List<ServiceDefinition> services) {
    Set<String> names = new LinkedHashSet<>();
    List<FileDescriptor> roots = new ArrayList<>();
    for (ServiceDefinition service : services) {
      names.add(service.name());
      if (service.schemaDescriptor() instanceof ServiceDescriptor descriptor) {
        roots.add(descriptor.getFile());
      }
    }
    DescriptorIndex index = new DescriptorIndex(List.copyOf(names));
    for (FileDescriptor root : roots) {
      for (FileDescriptor file : withDependencies(root)) {
        // Two files of one name are one file to a client; the first registered wins.
        if (index.filesByName.putIfAbsent(file.getName(), file) == null) {
          index.add(file);
        }
      }
    }
    return index;
  }

  /** The full names of the services, in the order they were registered, each once. */
  List<String> serviceNames() {
    return serviceNames;
  }

  FileDescriptor fileByName(String name) {
    return filesByName.get(name);
  }

  /** The file declaring a service, method, message, field, enum, enum value or extension. */
  FileDescriptor fileContainingSymbol(String fullName) {
    return filesBySymbol.get(fullName);
  }

  FileDescriptor fileContainingExtension(String extendedType, int number) {
    return extensions.getOrDefault(extendedType, Map.of()).get(number);
  }

  /** The extension numbers of a message type, ascending; {@code null} for a type not known. */
  List<Integer> extensionNumbers(String messageType) {
    if (!messageTypes.contains(messageType)) {
      return null;
    }
    return List.copyOf(extensions.getOrDefault(messageType, Map.of()).keySet());
  }

  /**
   * A file and everything it imports, directly or not, each once: the file first, then its
   * dependencies breadth first, so a client has all it needs to build the file's descriptor.
   */
  static List<FileDescriptor> withDependencies(FileDescriptor file) {
    Set<FileDescriptor> seen = new LinkedHashSet<>();
    Deque<FileDescriptor> pending = new ArrayDeque<>();
    pending.add(file);
    while (!pending.isEmpty()) {
      FileDescriptor next = pending.remove();
      if (seen.add(next)) {
        pending.addAll(next.getDependencies());
      }
    }
    return new ArrayList<>(seen);
  }

  private void add(FileDescriptor file) {
    for (ServiceDescriptor service : file.getServices()) {
      symbol(service.getFullName(), file);
      for (MethodDescriptor method : service.getMethods()) {
        symbol(method.getFullName(), file);
      }
    }
    for (Descriptor message : file.getMessageTypes()) {
      addMessage(message, file);
    }
    for (EnumDescriptor e : file.getEnumTypes()) {
      addEnum(e, file);
    }
    for (FieldDescriptor extension : file.getExtensions()) {
      addExtension(extension, file);
    }
  }

  private void addMessage(Descriptor message, FileDescriptor file) {
    symbol(message.getFullName(), file);
    messageTypes.add(message.getFullName());
    for (FieldDescriptor field : message.getFields()) {
      symbol(field.getFullName(), file);
    }
    for (Descriptor nested : message.getNestedTypes()) {
      addMessage(nested, file);
    }
    for (EnumDescriptor e : message.getEnumTypes()) {
      addEnum(e, file);
    }
    for (FieldDescriptor extension : message.getExtensions()) {
      addExtension(extension, file);
    }
  }

  private void addEnum(EnumDescriptor e, FileDescriptor file) {
    symbol(e.getFullName(), file);
    // protoc, C++ and Go scope a value next to its enum (pkg.VALUE); protobuf-java names it
    // inside (pkg.Enum.VALUE). Clients may ask either.
    String siblingScope =
        e.getContainingType() != null ? e.getContainingType().getFullName() + "." : packagePrefix(file);
    for (EnumValueDescriptor value : e.getValues()) {
      symbol(siblingScope + value.getName(), file);
      symbol(value.getFullName(), file);
    }
  }

  private void addExtension(FieldDescriptor extension, FileDescriptor file) {
    symbol(extension.getFullName(), file);
    extensions
        .computeIfAbsent(extension.getContainingType().getFullName(), type -> new TreeMap<>())
        .putIfAbsent(extension.getNumber(), file);
  }

  private static String packagePrefix(FileDescriptor file) {
    return file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
  }

  private void symbol(String fullName, FileDescriptor file) {
    filesBySymbol.putIfAbsent(fullName, file);
  }
}
