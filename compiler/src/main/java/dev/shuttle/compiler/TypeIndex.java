package dev.shuttle.compiler;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Java classes that protoc's {@code java_out} generates for every file of a request, the
 * files to generate and all they import: message classes by proto name, and the top-level class
 * names each Java package gets (which Shuttle's own classes must not collide with).
 */
final class TypeIndex {

  /**
   * A message's Java class.
   *
   * @param className the canonical name as written in source, e.g. {@code com.example.Outer.Inner}
   * @param deprecated whether referring to it makes javac warn: the message, an enclosing message
   *     or its file is deprecated
   */
  record JavaClass(String className, boolean deprecated) {}

  private final Map<String, FileDescriptorProto> files = new HashMap<>();
  private final Map<String, JavaClass> messages = new HashMap<>();
  private final Map<String, Set<String>> topLevelClasses = new HashMap<>();

  private TypeIndex() {}

  static TypeIndex of(List<FileDescriptorProto> files) {
    TypeIndex index = new TypeIndex();
    files.forEach(index::add);
    return index;
  }

  /** The descriptor of a file in the request, by its name as protoc knows it. */
  FileDescriptorProto file(String name) {
    FileDescriptorProto file = files.get(name);
    if (file == null) {
      throw new GenerationException(name + ": protoc asked to generate it but did not describe it");
    }
    return file;
  }

  /** The Java class of a message, by the fully qualified proto name with its leading dot. */
  JavaClass message(String protoTypeName) {
    JavaClass type = messages.get(protoTypeName);
    if (type == null) {
      throw new GenerationException("message type " + protoTypeName + " is not described in the request");
    }
    return type;
  }

  /** Simple names of the top-level classes protoc generates in a Java package. */
  Set<String> topLevelClasses(String javaPackage) {
    return topLevelClasses.getOrDefault(javaPackage, Set.of());
  }

  private void add(FileDescriptorProto file) {
    files.put(file.getName(), file);
    String javaPackage = ProtobufJavaNaming.javaPackage(file);
    String outerClass = ProtobufJavaNaming.outerClassName(file);
    Set<String> packageClasses = topLevelClasses.computeIfAbsent(javaPackage, p -> new HashSet<>());
    packageClasses.add(outerClass);
    String protoPrefix = file.getPackage().isEmpty() ? "." : "." + file.getPackage() + ".";
    boolean fileDeprecated = file.getOptions().getDeprecated();

    for (DescriptorProto message : file.getMessageTypeList()) {
      boolean nested = ProtobufJavaNaming.nestedInOuterClass(file, message.getOptions().getFeatures());
      if (!nested) {
        packageClasses.add(message.getName());
        packageClasses.add(message.getName() + "OrBuilder");
      }
      String container = nested ? qualify(javaPackage, outerClass) : javaPackage;
      addMessage(message, protoPrefix, container.isEmpty() ? "" : container + ".", fileDeprecated);
    }
    for (EnumDescriptorProto e : file.getEnumTypeList()) {
      if (!ProtobufJavaNaming.nestedInOuterClass(file, e.getOptions().getFeatures())) {
        packageClasses.add(e.getName());
      }
    }
    // Services become classes only with the legacy java_generic_services option.
    if (file.getOptions().getJavaGenericServices()) {
      for (ServiceDescriptorProto s : file.getServiceList()) {
        if (!ProtobufJavaNaming.nestedInOuterClass(file, s.getOptions().getFeatures())) {
          packageClasses.add(s.getName());
        }
      }
    }
  }

  private void addMessage(DescriptorProto message, String protoPrefix, String javaPrefix, boolean enclosingDeprecated) {
    String javaName = javaPrefix + message.getName();
    boolean deprecated = enclosingDeprecated || message.getOptions().getDeprecated();
    messages.put(protoPrefix + message.getName(), new JavaClass(javaName, deprecated));
    for (DescriptorProto nested : message.getNestedTypeList()) {
      addMessage(nested, protoPrefix + message.getName() + ".", javaName + ".", deprecated);
    }
  }

  private static String qualify(String javaPackage, String simpleName) {
    return javaPackage.isEmpty() ? simpleName : javaPackage + "." + simpleName;
  }
}
