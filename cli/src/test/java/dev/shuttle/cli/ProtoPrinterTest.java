package dev.shuttle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import org.junit.jupiter.api.Test;

/** The labels and defaults that differ between proto2 and proto3, which the servers' protos lack. */
class ProtoPrinterTest {
  @Test
  void proto3ExplicitPresenceIsOptionalAndItsSyntheticOneofIsNotPrinted() throws DescriptorValidationException {
    FileDescriptorProto file = FileDescriptorProto.newBuilder()
        .setName("p3.proto").setPackage("demo").setSyntax("proto3")
        .addMessageType(DescriptorProto.newBuilder().setName("M")
            .addField(field("plain", 1, Label.LABEL_OPTIONAL, Type.TYPE_STRING))
            .addField(field("maybe", 2, Label.LABEL_OPTIONAL, Type.TYPE_INT64).setOneofIndex(0).setProto3Optional(true))
            .addField(field("many", 3, Label.LABEL_REPEATED, Type.TYPE_BYTES))
            .addOneofDecl(OneofDescriptorProto.newBuilder().setName("_maybe")))
        .build();
    FileDescriptor built = FileDescriptor.buildFrom(file, new FileDescriptor[0]);
    assertEquals("""
        // demo.M is a message, in p3.proto
        message M {
          string plain = 1;
          optional int64 maybe = 2;
          repeated bytes many = 3;
        }
        """, ProtoPrinter.describe(built.findMessageTypeByName("M")));
  }

  @Test
  void proto2FieldsCarryTheirLabelAndDefault() throws DescriptorValidationException {
    FileDescriptorProto file = FileDescriptorProto.newBuilder()
        .setName("p2.proto").setPackage("demo").setSyntax("proto2")
        .addMessageType(DescriptorProto.newBuilder().setName("Old")
            .addField(field("id", 1, Label.LABEL_REQUIRED, Type.TYPE_INT32))
            .addField(field("name", 2, Label.LABEL_OPTIONAL, Type.TYPE_STRING).setDefaultValue("a \"b\""))
            .addField(field("size", 3, Label.LABEL_OPTIONAL, Type.TYPE_UINT32).setDefaultValue("7")))
        .build();
    FileDescriptor built = FileDescriptor.buildFrom(file, new FileDescriptor[0]);
    assertEquals("""
        // demo.Old is a message, in p2.proto
        message Old {
          required int32 id = 1;
          optional string name = 2 [default = "a \\"b\\""];
          optional uint32 size = 3 [default = 7];
        }
        """, ProtoPrinter.describe(built.findMessageTypeByName("Old")));
  }

  private static FieldDescriptorProto.Builder field(String name, int number, Label label, Type type) {
    return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setLabel(label).setType(type);
  }
}
