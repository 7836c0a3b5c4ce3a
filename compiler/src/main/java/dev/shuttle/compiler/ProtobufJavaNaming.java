package dev.shuttle.compiler;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.Edition;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FeatureSet;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.JavaFeaturesProto.JavaFeatures.NestInFileClassFeature.NestInFileClass;

/**
 * Where protoc's {@code java_out} puts the classes of a {@code .proto} file. Generated code refers
 * to those classes by name, so these rules must match protoc's exactly (checked against protoc
 * 33): a difference shows up as a compile error in the user's build.
 */
final class ProtobufJavaNaming {
  private static final String CONFLICT_SUFFIX = "OuterClass";
  private static final String EDITION_2024_SUFFIX = "Proto";

  private ProtobufJavaNaming() {}

  /** {@code option java_package} if set (even to ""), else the proto package. */
  static String javaPackage(FileDescriptorProto file) {
    return file.getOptions().hasJavaPackage() ? file.getOptions().getJavaPackage() : file.getPackage();
  }

  /**
   * The simple name of the file's outer class, which protoc always generates: {@code option
   * java_outer_classname} if set; otherwise the file's base name camel-cased ({@code
   * route_guide.proto} gives {@code RouteGuide}), to which edition 2024 and later always append
   * {@code Proto}, while older files append {@code OuterClass} only when a message, enum or
   * service anywhere in the file (nested ones included) has exactly that name.
   */
  static String outerClassName(FileDescriptorProto file) {
    if (file.getOptions().hasJavaOuterClassname()) {
      return file.getOptions().getJavaOuterClassname();
    }
    String base = JavaIdentifiers.underscoresToCamelCase(stripProtoExtension(baseName(file.getName())), true);
    if (isEdition2024OrLater(file)) {
      return base + EDITION_2024_SUFFIX;
    }
    return declaresType(file, base) ? base + CONFLICT_SUFFIX : base;
  }

  /**
   * Whether a top-level type's class is nested in the outer class rather than in a file of its
   * own. Before edition 2024 that is all or nothing: {@code java_multiple_files}. From 2024 on
   * each top-level type says so with the {@code pb.java.nest_in_file_class} feature, which
   * defaults to no (protoc allows it on top-level types only, so there is nothing to inherit).
   */
  static boolean nestedInOuterClass(FileDescriptorProto file, FeatureSet typeFeatures) {
    if (!isEdition2024OrLater(file)) {
      return !file.getOptions().getJavaMultipleFiles();
    }
    if (!typeFeatures.hasExtension(JavaFeatureSupport.JAVA)) {
      return false;
    }
    return typeFeatures.getExtension(JavaFeatureSupport.JAVA).getNestInFileClass() == NestInFileClass.YES;
  }

  /** The file's edition, with proto2 and proto3 files mapped to their pseudo-editions. */
  static Edition edition(FileDescriptorProto file) {
    return switch (file.getSyntax()) {
      case "editions" -> file.getEdition();
      case "proto3" -> Edition.EDITION_PROTO3;
      default -> Edition.EDITION_PROTO2;
    };
  }

  static boolean isEdition2024OrLater(FileDescriptorProto file) {
    return edition(file).getNumber() >= Edition.EDITION_2024_VALUE;
  }

  private static boolean declaresType(FileDescriptorProto file, String name) {
    for (EnumDescriptorProto e : file.getEnumTypeList()) {
      if (e.getName().equals(name)) {
        return true;
      }
    }
    for (ServiceDescriptorProto s : file.getServiceList()) {
      if (s.getName().equals(name)) {
        return true;
      }
    }
    for (DescriptorProto m : file.getMessageTypeList()) {
      if (declaresType(m, name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean declaresType(DescriptorProto message, String name) {
    if (message.getName().equals(name)) {
      return true;
    }
    for (EnumDescriptorProto e : message.getEnumTypeList()) {
      if (e.getName().equals(name)) {
        return true;
      }
    }
    for (DescriptorProto nested : message.getNestedTypeList()) {
      if (declaresType(nested, name)) {
        return true;
      }
    }
    return false;
  }

  private static String baseName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static String stripProtoExtension(String name) {
    if (name.endsWith(".protodevel")) {
      return name.substring(0, name.length() - ".protodevel".length());
    }
    return name.endsWith(".proto") ? name.substring(0, name.length() - ".proto".length()) : name;
  }
}
