package dev.shuttle.cli;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import dev.shuttle.Marshaller;
import java.io.IOException;

/** Messages of a type known only by its descriptor, as reflection or a descriptor set gives it. */
final class DynamicMarshaller implements Marshaller<DynamicMessage> {
  private final Descriptor type;

  DynamicMarshaller(Descriptor type) {
    this.type = type;
  }

  @Override
  public byte[] serialize(DynamicMessage message) {
    return message.toByteArray();
  }

  @Override
  public DynamicMessage parse(byte[] bytes, int offset, int length) throws IOException {
    CodedInputStream input = CodedInputStream.newInstance(bytes, offset, length);
    DynamicMessage message = DynamicMessage.parseFrom(type, input);
    input.checkLastTagWas(0);
    return message;
  }
}
