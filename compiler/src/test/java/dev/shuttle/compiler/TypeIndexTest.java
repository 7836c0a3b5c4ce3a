package dev.shuttle.compiler;

import static dev.shuttle.compiler.Protos.edition2024;
import static dev.shuttle.compiler.Protos.enumType;
import static dev.shuttle.compiler.Protos.message;
import static dev.shuttle.compiler.Protos.nestedInFileClass;
import static dev.shuttle.compiler.Protos.proto3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.JavaFeaturesProto.JavaFeatures.NestInFileClassFeature.NestInFileClass;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TypeIndexTest {
  private static final FileOptions MULTIPLE_FILES = FileOptions.newBuilder().setJavaMultipleFiles(true).build();

  @Test
  void messagesOfSeparateFilesAreTopLevelInTheJavaPackage() {
    FileDescriptorProto file =
        proto3("kitchen.proto", "shuttle.kitchen")
            .setOptions(MULTIPLE_FILES.toBuilder().setJavaPackage("dev.example"))
            .addMessageType(message("Outer", message("Inner", message("Deepest"))))
            .build();
    TypeIndex index = TypeIndex.of(List.of(file));
    assertEquals("dev.example.Outer", index.message(".shuttle.kitchen.Outer").className());
    assertEquals("dev.example.Outer.Inner", index.message(".shuttle.kitchen.Outer.Inner").className());
    assertEquals("dev.example.Outer.Inner.Deepest", index.message(".shuttle.kitchen.Outer.Inner.Deepest").className());
    assertEquals(Set.of("Kitchen", "Outer", "OuterOrBuilder"), index.topLevelClasses("dev.example"));
  }

  @Test
  void messagesOfASingleFileAreNestedInTheOuterClass() {
    FileDescriptorProto file =
        proto3("legacy.proto", "shuttle.legacy")
            .addMessageType(message("Ping", message("Detail")))
            .addEnumType(enumType("Mood"))
            .build();
    TypeIndex index = TypeIndex.of(List.of(file));
    assertEquals("shuttle.legacy.Legacy.Ping", index.message(".shuttle.legacy.Ping").className());
    assertEquals("shuttle.legacy.Legacy.Ping.Detail", index.message(".shuttle.legacy.Ping.Detail").className());
    assertEquals(Set.of("Legacy"), index.topLevelClasses("shuttle.legacy"));
  }

  @Test
  void filesWithoutAPackage() {
    FileDescriptorProto file = proto3("no_package.proto", "").addMessageType(message("Lone")).build();
    TypeIndex index = TypeIndex.of(List.of(file));
    assertEquals("NoPackage.Lone", index.message(".Lone").className());
    assertEquals(Set.of("NoPackage"), index.topLevelClasses(""));
  }

  @Test
  void theOuterClassSuffixCarriesIntoMessageNames() {
    FileDescriptorProto file = proto3("conflict.proto", "c").addMessageType(message("Conflict")).build();
    assertEquals("c.ConflictOuterClass.Conflict", TypeIndex.of(List.of(file)).message(".c.Conflict").className());
  }

  @Test
  void edition2024NestsPerType() {
    FileDescriptorProto file =
        edition2024("oracle.proto", "ed")
            .addMessageType(message("Question"))
            .addMessageType(nestedInFileClass("Answer", NestInFileClass.YES))
            .addEnumType(enumType("Mood"))
            .build();
    TypeIndex index = TypeIndex.of(List.of(file));
    assertEquals("ed.Question", index.message(".ed.Question").className());
    assertEquals("ed.OracleProto.Answer", index.message(".ed.Answer").className());
    assertEquals(Set.of("OracleProto", "Question", "QuestionOrBuilder", "Mood"), index.topLevelClasses("ed"));
  }

  @Test
  void filesSharingAJavaPackageShareItsClassNames() {
    FileDescriptorProto a = proto3("a.proto", "p").setOptions(MULTIPLE_FILES).addMessageType(message("A")).build();
    FileDescriptorProto b = proto3("b.proto", "p").addMessageType(message("B")).build();
    // b.proto's message B makes its outer class BOuterClass; B itself is nested in it.
    assertEquals(Set.of("A", "AOrBuilder", "AOuterClass", "BOuterClass"), TypeIndex.of(List.of(a, b)).topLevelClasses("p"));
  }

  @Test
  void deprecationIsInherited() {
    FileDescriptorProto file =
        proto3("old.proto", "o")
            .addMessageType(
                message("Fossil", message("Bone")).toBuilder()
                    .setOptions(MessageOptions.newBuilder().setDeprecated(true))
                    .build())
            .addMessageType(message("Fresh"))
            .build();
    TypeIndex index = TypeIndex.of(List.of(file));
    assertTrue(index.message(".o.Fossil").deprecated());
    assertTrue(index.message(".o.Fossil.Bone").deprecated());
    assertFalse(index.message(".o.Fresh").deprecated());
    FileDescriptorProto deprecatedFile =
        proto3("older.proto", "q").setOptions(FileOptions.newBuilder().setDeprecated(true)).addMessageType(message("M")).build();
    assertTrue(TypeIndex.of(List.of(deprecatedFile)).message(".q.M").deprecated());
  }

  @Test
  void unknownNamesAreReported() {
    TypeIndex index = TypeIndex.of(List.of());
    assertThrows(GenerationException.class, () -> index.message(".nowhere.Thing"));
    assertThrows(GenerationException.class, () -> index.file("nowhere.proto"));
  }
}
