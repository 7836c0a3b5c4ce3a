package dev.shuttle.compiler;

import static dev.shuttle.compiler.Protos.edition2024;
import static dev.shuttle.compiler.Protos.enumType;
import static dev.shuttle.compiler.Protos.message;
import static dev.shuttle.compiler.Protos.nestedInFileClass;
import static dev.shuttle.compiler.Protos.proto3;
import static dev.shuttle.compiler.Protos.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FeatureSet;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.JavaFeaturesProto.JavaFeatures.NestInFileClassFeature.NestInFileClass;
import org.junit.jupiter.api.Test;

class ProtobufJavaNamingTest {
  private static String outer(FileDescriptorProto.Builder file) {
    return ProtobufJavaNaming.outerClassName(file.build());
  }

  @Test
  void javaPackageWinsOverTheProtoPackage() {
    assertEquals("shuttle.demo", ProtobufJavaNaming.javaPackage(proto3("a.proto", "shuttle.demo").build()));
    FileDescriptorProto withOption =
        proto3("a.proto", "shuttle.demo").setOptions(FileOptions.newBuilder().setJavaPackage("com.example")).build();
    assertEquals("com.example", ProtobufJavaNaming.javaPackage(withOption));
    // An explicitly empty java_package means the default package.
    FileDescriptorProto empty =
        proto3("a.proto", "shuttle.demo").setOptions(FileOptions.newBuilder().setJavaPackage("")).build();
    assertEquals("", ProtobufJavaNaming.javaPackage(empty));
    assertEquals("", ProtobufJavaNaming.javaPackage(proto3("a.proto", "").build()));
  }

  @Test
  void outerClassIsTheCamelCasedFileBaseName() {
    assertEquals("Test", outer(proto3("test.proto", "")));
    assertEquals("RouteGuide", outer(proto3("examples/route_guide.proto", "x")));
    assertEquals("HelloWorldV2", outer(proto3("a/b/hello-world_v2.proto", "x")));
    assertEquals("Legacy", outer(proto3("legacy.protodevel", "x")));
  }

  @Test
  void javaOuterClassnameWinsEvenWhenItClashes() {
    FileDescriptorProto.Builder file =
        proto3("test.proto", "x")
            .setOptions(FileOptions.newBuilder().setJavaOuterClassname("TestProtos"))
            .addMessageType(message("TestProtos"));
    assertEquals("TestProtos", outer(file));
  }

  @Test
  void outerClassSuffixWhenATopLevelMessageClashes() {
    assertEquals("ConflictOuterClass", outer(proto3("conflict.proto", "x").addMessageType(message("Conflict"))));
  }

  @Test
  void outerClassSuffixWhenANestedMessageClashes() {
    FileDescriptorProto.Builder file =
        proto3("nested_clash.proto", "x").addMessageType(message("Box", message("Inner", message("NestedClash"))));
    assertEquals("NestedClashOuterClass", outer(file));
  }

  @Test
  void outerClassSuffixWhenAnEnumOrServiceClashes() {
    assertEquals("ColorOuterClass", outer(proto3("color.proto", "x").addEnumType(enumType("Color"))));
    FileDescriptorProto.Builder nestedEnum =
        proto3("color.proto", "x").addMessageType(message("Paint").toBuilder().addEnumType(enumType("Color")).build());
    assertEquals("ColorOuterClass", outer(nestedEnum));
    assertEquals("GreeterOuterClass", outer(proto3("greeter.proto", "x").addService(service("Greeter"))));
  }

  @Test
  void noSuffixWhenOnlyTheCaseDiffers() {
    assertEquals("Test", outer(proto3("test.proto", "x").addMessageType(message("TEST"))));
    // Nor for a name that merely contains the outer name.
    assertEquals("Test", outer(proto3("test.proto", "x").addMessageType(message("TestRequest"))));
  }

  @Test
  void edition2024AlwaysAppendsProto() {
    assertEquals("OracleProto", outer(edition2024("oracle.proto", "x")));
    assertEquals("OracleProto", outer(edition2024("oracle.proto", "x").addMessageType(message("Oracle"))));
    // Even a message named like the result does not change it.
    assertEquals("OracleProto", outer(edition2024("oracle.proto", "x").addMessageType(message("OracleProto"))));
  }

  @Test
  void multipleFilesDecidesNestingBeforeEdition2024() {
    FileDescriptorProto single = proto3("a.proto", "x").build();
    FileDescriptorProto multiple =
        proto3("a.proto", "x").setOptions(FileOptions.newBuilder().setJavaMultipleFiles(true)).build();
    assertTrue(ProtobufJavaNaming.nestedInOuterClass(single, FeatureSet.getDefaultInstance()));
    assertFalse(ProtobufJavaNaming.nestedInOuterClass(multiple, FeatureSet.getDefaultInstance()));
    FileDescriptorProto proto2 = FileDescriptorProto.newBuilder().setName("a.proto").build();
    assertTrue(ProtobufJavaNaming.nestedInOuterClass(proto2, FeatureSet.getDefaultInstance()));
  }

  @Test
  void edition2024NestsOnlyTypesThatAskForIt() {
    FileDescriptorProto file = edition2024("a.proto", "x").build();
    assertFalse(ProtobufJavaNaming.nestedInOuterClass(file, FeatureSet.getDefaultInstance()));
    assertTrue(
        ProtobufJavaNaming.nestedInOuterClass(
            file, nestedInFileClass("M", NestInFileClass.YES).getOptions().getFeatures()));
    assertFalse(
        ProtobufJavaNaming.nestedInOuterClass(file, nestedInFileClass("M", NestInFileClass.NO).getOptions().getFeatures()));
  }
}
