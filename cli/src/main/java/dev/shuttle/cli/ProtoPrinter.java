package dev.shuttle.cli;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes descriptors back as {@code .proto} text: a comment line naming what and where, then the
 * declaration. Type names are fully qualified with a leading dot, which resolves the same from
 * any scope. Options other than {@code deprecated} and proto2 defaults are left out.
 *
 * <pre>
 * // grpc.testing.SimpleRequest is a message, in grpc/testing/messages.proto
 * message SimpleRequest {
 *   .grpc.testing.PayloadType response_type = 1;
 *   ...
 * }
 * </pre>
 */
final class ProtoPrinter {
  private final StringBuilder out = new StringBuilder();

  private ProtoPrinter() {}

  static String describe(GenericDescriptor symbol) {
    ProtoPrinter printer = new ProtoPrinter();
    printer.header(symbol);
    switch (symbol) {
      case ServiceDescriptor service -> printer.service(service, "");
      case MethodDescriptor method -> printer.method(method, "");
      case Descriptor message -> printer.message(message, "");
      case EnumDescriptor e -> printer.enumType(e, "");
      case EnumValueDescriptor value -> printer.enumType(value.getType(), "");
      case FieldDescriptor field -> printer.field(field, "");
      default -> printer.out.append("// (no .proto form for ").append(symbol.getFullName()).append(")\n");
    }
    return printer.out.toString();
  }

  private void header(GenericDescriptor symbol) {
    String what = switch (symbol) {
      case ServiceDescriptor s -> "a service";
      case MethodDescriptor m -> "a method of " + m.getService().getFullName();
      case Descriptor m -> "a message";
      case EnumDescriptor e -> "an enum";
      case EnumValueDescriptor v -> "a value of the enum " + v.getType().getFullName();
      case FieldDescriptor f -> f.isExtension() ? "an extension of " + f.getContainingType().getFullName()
          : "a field of " + f.getContainingType().getFullName();
      default -> "a symbol";
    };
    out.append("// ").append(symbol.getFullName()).append(" is ").append(what)
        .append(", in ").append(symbol.getFile().getName()).append('\n');
  }

  private void service(ServiceDescriptor service, String indent) {
    out.append(indent).append("service ").append(service.getName()).append(" {\n");
    for (MethodDescriptor method : service.getMethods()) {
      method(method, indent + "  ");
    }
    out.append(indent).append("}\n");
  }

  private void method(MethodDescriptor method, String indent) {
    out.append(indent).append("rpc ").append(method.getName()).append('(')
        .append(method.isClientStreaming() ? "stream " : "").append('.').append(method.getInputType().getFullName())
        .append(") returns (")
        .append(method.isServerStreaming() ? "stream " : "").append('.').append(method.getOutputType().getFullName())
        .append(')');
    if (method.getOptions().getDeprecated()) {
      out.append(" {\n").append(indent).append("  option deprecated = true;\n").append(indent).append("}\n");
    } else {
      out.append(";\n");
    }
  }

  private void message(Descriptor message, String indent) {
    out.append(indent).append("message ").append(message.getName()).append(" {\n");
    String inner = indent + "  ";
    Set<OneofDescriptor> printedOneofs = new HashSet<>();
    for (FieldDescriptor field : message.getFields()) {
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof == null) {
        field(field, inner);
      } else if (printedOneofs.add(oneof)) {
        out.append(inner).append("oneof ").append(oneof.getName()).append(" {\n");
        for (FieldDescriptor member : oneof.getFields()) {
          field(member, inner + "  ");
        }
        out.append(inner).append("}\n");
      }
    }
    for (Descriptor nested : message.getNestedTypes()) {
      if (!nested.getOptions().getMapEntry()) {
        message(nested, inner);
      }
    }
    for (EnumDescriptor e : message.getEnumTypes()) {
      enumType(e, inner);
    }
    for (FieldDescriptor extension : message.getExtensions()) {
      out.append(inner).append("extend .").append(extension.getContainingType().getFullName()).append(" {\n");
      field(extension, inner + "  ");
      out.append(inner).append("}\n");
    }
    out.append(indent).append("}\n");
  }

  private void field(FieldDescriptor field, String indent) {
    out.append(indent).append(label(field)).append(type(field)).append(' ').append(field.getName())
        .append(" = ").append(field.getNumber());
    StringBuilder options = new StringBuilder();
    if (field.toProto().hasDefaultValue()) {
      String value = field.toProto().getDefaultValue();
      options.append("default = ").append(field.getJavaType() == FieldDescriptor.JavaType.STRING
          || field.getType() == FieldDescriptor.Type.BYTES ? quote(value) : value);
    }
    if (field.getOptions().getDeprecated()) {
      options.append(options.isEmpty() ? "" : ", ").append("deprecated = true");
    }
    if (!options.isEmpty()) {
      out.append(" [").append(options).append(']');
    }
    out.append(";\n");
  }

  private static String label(FieldDescriptor field) {
    if (field.isMapField()) {
      return "";
    }
    if (field.isRepeated()) {
      return "repeated ";
    }
    if (field.isRequired()) {
      return "required ";
    }
    if (field.toProto().getProto3Optional()) {
      return "optional ";
    }
    String syntax = field.getFile().toProto().getSyntax();
    boolean proto2 = syntax.isEmpty() || syntax.equals("proto2");
    return proto2 && field.getRealContainingOneof() == null ? "optional " : "";
  }

  private static String type(FieldDescriptor field) {
    if (field.isMapField()) {
      Descriptor entry = field.getMessageType();
      return "map<" + type(entry.findFieldByNumber(1)) + ", " + type(entry.findFieldByNumber(2)) + ">";
    }
    return switch (field.getType()) {
      case MESSAGE, GROUP -> "." + field.getMessageType().getFullName();
      case ENUM -> "." + field.getEnumType().getFullName();
      default -> field.toProto().getType().name().substring("TYPE_".length()).toLowerCase(java.util.Locale.ROOT);
    };
  }

  private void enumType(EnumDescriptor e, String indent) {
    out.append(indent).append("enum ").append(e.getName()).append(" {\n");
    for (EnumValueDescriptor value : e.getValues()) {
      out.append(indent).append("  ").append(value.getName()).append(" = ").append(value.getNumber());
      if (value.getOptions().getDeprecated()) {
        out.append(" [deprecated = true]");
      }
      out.append(";\n");
    }
    out.append(indent).append("}\n");
  }

  private static String quote(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
