package dev.shuttle.compiler;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.Edition;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FeatureSet;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.JavaFeaturesProto.JavaFeatures;
import com.google.protobuf.JavaFeaturesProto.JavaFeatures.NestInFileClassFeature.NestInFileClass;

/** Builds descriptors as protoc would send them, for tests that need no protoc. */
final class Protos {
  private Protos() {}

  static FileDescriptorProto.Builder proto3(String name, String protoPackage) {
    return FileDescriptorProto.newBuilder().setName(name).setPackage(protoPackage).setSyntax("proto3");
  }

  static FileDescriptorProto.Builder edition2024(String name, String protoPackage) {
    return FileDescriptorProto.newBuilder()
        .setName(name)
        .setPackage(protoPackage)
        .setSyntax("editions")
        .setEdition(Edition.EDITION_2024);
  }

  static DescriptorProto message(String name, DescriptorProto... nested) {
    DescriptorProto.Builder message = DescriptorProto.newBuilder().setName(name);
    for (DescriptorProto n : nested) {
      message.addNestedType(n);
    }
    return message.build();
  }

  static DescriptorProto nestedInFileClass(String name, NestInFileClass nest) {
    FeatureSet features =
        FeatureSet.newBuilder()
            .setExtension(JavaFeatureSupport.JAVA, JavaFeatures.newBuilder().setNestInFileClass(nest).build())
            .build();
    return DescriptorProto.newBuilder().setName(name).setOptions(MessageOptions.newBuilder().setFeatures(features)).build();
  }

  static EnumDescriptorProto enumType(String name) {
    return EnumDescriptorProto.newBuilder()
        .setName(name)
        .addValue(EnumValueDescriptorProto.newBuilder().setName(name.toUpperCase() + "_UNSPECIFIED").setNumber(0))
        .build();
  }

  static ServiceDescriptorProto.Builder service(String name) {
    return ServiceDescriptorProto.newBuilder().setName(name);
  }

  static MethodDescriptorProto rpc(String name, String input, String output, boolean clientStreams, boolean serverStreams) {
    return MethodDescriptorProto.newBuilder()
        .setName(name)
        .setInputType(input)
        .setOutputType(output)
        .setClientStreaming(clientStreams)
        .setServerStreaming(serverStreams)
        .build();
  }

  static MethodDescriptorProto unary(String name, String input, String output) {
    return rpc(name, input, output, false, false);
  }
}
