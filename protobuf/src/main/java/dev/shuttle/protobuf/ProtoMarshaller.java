package dev.shuttle.protobuf;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import dev.shuttle.Marshaller;
import java.io.IOException;

/**
 * A {@link Marshaller} for protobuf-java messages; generated code makes one per message type.
 *
 * <pre>{@code
 * Marshaller<Request> requests = ProtoMarshaller.of(Request.getDefaultInstance());
 * }</pre>
 */
public final class ProtoMarshaller<T extends MessageLite> implements Marshaller<T> {
  private final Parser<T> parser;

  private ProtoMarshaller(Parser<T> parser) {
    this.parser = parser;
  }

  /** A marshaller for the type of {@code defaultInstance}. */
  @SuppressWarnings("unchecked")
  public static <T extends MessageLite> ProtoMarshaller<T> of(T defaultInstance) {
    return new ProtoMarshaller<>((Parser<T>) defaultInstance.getParserForType());
  }

  @Override
  public byte[] serialize(T message) {
    return message.toByteArray();
  }

  /** Writes the message straight behind the headroom: one array, no copy. */
  @Override
  public byte[] serialize(T message, int headroom) {
    int size = message.getSerializedSize();
    byte[] out = new byte[headroom + size];
    CodedOutputStream output = CodedOutputStream.newInstance(out, headroom, size);
    try {
      message.writeTo(output);
    } catch (IOException e) {
      throw new IllegalStateException("writing to an array cannot fail", e);
    }
    output.checkNoSpaceLeft();
    return out;
  }

  @Override
  public T parse(byte[] bytes, int offset, int length) throws IOException {
    // The array is ours alone once handed over, so bytes fields may be views of it instead of
    // copies. protobuf aliases only input it was told is immutable, hence the wrap.
    CodedInputStream input = UnsafeByteOperations.unsafeWrap(bytes, offset, length).newCodedInput();
    input.enableAliasing(true);
    T message = parser.parseFrom(input, ExtensionRegistryLite.getEmptyRegistry());
    input.checkLastTagWas(0);
    return message;
  }
}
