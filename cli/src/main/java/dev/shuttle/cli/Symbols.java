package dev.shuttle.cli;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.HashMap;
import java.util.Map;

/** Everything a file declares, by full name: services, methods, messages, fields, enums, values. */
final class Symbols {
  private final Map<String, GenericDescriptor> byName = new HashMap<>();

  static Symbols of(FileDescriptor file) {
    Symbols symbols = new Symbols();
    symbols.addFile(file);
    return symbols;
  }

  /** The descriptor named {@code fullName} (a leading dot is ignored), or null. */
  GenericDescriptor find(String fullName) {
    return byName.get(fullName.startsWith(".") ? fullName.substring(1) : fullName);
  }

  private void addFile(FileDescriptor file) {
    for (ServiceDescriptor service : file.getServices()) {
      byName.put(service.getFullName(), service);
      for (MethodDescriptor method : service.getMethods()) {
        byName.put(method.getFullName(), method);
      }
    }
    for (Descriptor message : file.getMessageTypes()) {
      addMessage(message);
    }
    for (EnumDescriptor e : file.getEnumTypes()) {
      addEnum(e);
    }
    for (FieldDescriptor extension : file.getExtensions()) {
      byName.put(extension.getFullName(), extension);
    }
  }

  private void addMessage(Descriptor message) {
    byName.put(message.getFullName(), message);
    for (FieldDescriptor field : message.getFields()) {
      byName.put(field.getFullName(), field);
    }
    for (FieldDescriptor extension : message.getExtensions()) {
      byName.put(extension.getFullName(), extension);
    }
    for (Descriptor nested : message.getNestedTypes()) {
      addMessage(nested);
    }
    for (EnumDescriptor e : message.getEnumTypes()) {
      addEnum(e);
    }
  }

  private void addEnum(EnumDescriptor e) {
    byName.put(e.getFullName(), e);
    for (EnumValueDescriptor value : e.getValues()) {
      // Enum values are scoped like their enum's siblings, as protoc scopes them.
      String scope = e.getFullName().contains(".") ? e.getFullName().substring(0, e.getFullName().lastIndexOf('.') + 1) : "";
      byName.putIfAbsent(scope + value.getName(), value);
      byName.put(e.getFullName() + "." + value.getName(), value);
    }
  }
}
