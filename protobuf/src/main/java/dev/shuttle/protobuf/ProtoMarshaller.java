package dev.shuttle.protobuf;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import dev.shuttle.Marshaller;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@link Marshaller} for protobuf-java messages; generated code makes one per message type.
 *
 * <p>A message of 64 KiB or more goes out in parts that share the arrays of its long {@code
 * bytes} fields rather than copying them, so the transport may read such an array after {@code
 * send} has returned, until the message is on the wire. protobuf already requires that the array
 * behind a {@code ByteString} never changes, including one made with {@code
 * UnsafeByteOperations.unsafeWrap}.
 *
 * <pre>{@code
 * Marshaller<Request> requests = ProtoMarshaller.of(Request.getDefaultInstance());
 * }</pre>
 */
public final class ProtoMarshaller<T extends MessageLite> implements Marshaller<T> {
  /**
   * Messages from this size on are tried in parts that share their large {@code bytes} and
   * string arrays ({@link PartsOutput}). Below it, one array costs about as little.
   */
  static final int SHARING_FROM_SIZE = 64 * 1024;
  /** Large messages written in one array after one of this type turned out not worth sharing. */
  private static final int SKIPS_AFTER_NOT_WORTH_SHARING = 16;

  private final Parser<T> parser;
  /**
   * Large messages still to write in one array before trying parts again. Threads race on it
   * without harm: it only steers how much copying is tried.
   */
  private int sharingSkips;

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

  /**
   * A large message in parts that share its big arrays, so they are neither copied nor is a
   * message-sized array zeroed for them; null for a small message or one of many small fields.
   */
  @Override
  public ByteBuffer[] serializeInParts(T message, int headroom) {
    int size = message.getSerializedSize();
    if (size < SHARING_FROM_SIZE) {
      return null;
    }
    if (sharingSkips > 0) {
      sharingSkips--;
      return null;
    }
    PartsOutput out = new PartsOutput(headroom, size);
    CodedOutputStream output = CodedOutputStream.newInstance(out, PartsOutput.ENCODER_BUFFER);
    try {
      message.writeTo(output);
      output.flush();
    } catch (PartsOutput.NotWorthSharing e) {
      sharingSkips = SKIPS_AFTER_NOT_WORTH_SHARING;
      return null;
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return out.parts();
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
