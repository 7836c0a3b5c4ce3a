package dev.shuttle.protobuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.BytesValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.StringValue;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.Value;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProtoMarshallerTest {
  private final ProtoMarshaller<BytesValue> marshaller = ProtoMarshaller.of(BytesValue.getDefaultInstance());

  @Test
  void roundTripsAMessageAtAnOffset() throws IOException {
    BytesValue message = BytesValue.of(ByteString.copyFromUtf8("payload"));
    byte[] bytes = marshaller.serialize(message);
    byte[] padded = new byte[bytes.length + 7];
    System.arraycopy(bytes, 0, padded, 3, bytes.length);
    assertEquals(message, marshaller.parse(padded, 3, bytes.length));
  }

  /** Bytes fields are views of the received array, not copies: the array is handed over whole. */
  @Test
  void bytesFieldsAliasTheReceivedArray() throws IOException {
    byte[] body = new byte[16 * 1024];
    Arrays.fill(body, (byte) 7);
    byte[] bytes = marshaller.serialize(BytesValue.of(ByteString.copyFrom(body)));

    BytesValue parsed = marshaller.parse(bytes, 0, bytes.length);
    bytes[bytes.length - 1] = 9; // visible through the view only if it was not copied

    assertEquals(9, parsed.getValue().byteAt(body.length - 1));
  }

  @Test
  void serializesBehindHeadroomExactlyAsPlainSerialization() {
    BytesValue message = BytesValue.of(ByteString.copyFromUtf8("payload"));
    byte[] plain = marshaller.serialize(message);
    byte[] framed = marshaller.serialize(message, 5);
    assertEquals(5 + plain.length, framed.length);
    assertEquals(ByteString.copyFrom(plain), ByteString.copyFrom(framed, 5, plain.length));
  }

  @Test
  void invalidBytesAreAnIOException() {
    byte[] garbage = {(byte) 0x0a, (byte) 0xff};
    assertThrows(IOException.class, () -> ProtoMarshaller.of(StringValue.getDefaultInstance()).parse(garbage, 0, garbage.length));
  }

  /** Concatenates parts after the headroom: what goes on the wire. */
  private static byte[] joined(ByteBuffer[] parts, int headroom) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuffer part : parts) {
      out.write(part.array(), part.arrayOffset() + part.position(), part.remaining());
    }
    byte[] all = out.toByteArray();
    return Arrays.copyOfRange(all, headroom, all.length);
  }

  @Test
  void aLargeBytesFieldGoesOutAsAViewOfItsOwnArray() {
    byte[] body = new byte[1024 * 1024 + 3];
    new Random(1).nextBytes(body);
    BytesValue message = BytesValue.of(UnsafeByteOperations.unsafeWrap(body));

    ByteBuffer[] parts = marshaller.serializeInParts(message, 5);

    assertArrayEquals(message.toByteArray(), joined(parts, 5));
    assertTrue(Arrays.stream(parts).anyMatch(part -> part.array() == body), "the body's own array is a part");
    assertTrue(parts[0].remaining() >= 5, "the first part holds the headroom");
  }

  @Test
  void smallMessagesAreWrittenInOneArray() {
    BytesValue message = BytesValue.of(ByteString.copyFrom(new byte[ProtoMarshaller.SHARING_FROM_SIZE - 10]));
    assertNull(marshaller.serializeInParts(message, 5));
  }

  /** Sizes and shapes around the encoder's buffer and the sharing threshold, strings among them. */
  @Test
  void partsOfEveryShapeJoinToExactlyTheMessagesBytes() {
    Random random = new Random(7);
    ProtoMarshaller<Any> anyMarshaller = ProtoMarshaller.of(Any.getDefaultInstance());
    int[] sizes = {65_536, 65_536 + 4095, 65_536 + 4096, 65_536 + 4097, 200_000, 4 * 1024 * 1024};
    for (int size : sizes) {
      byte[] value = new byte[size];
      random.nextBytes(value);
      StringBuilder url = new StringBuilder();
      for (int i = 0; i < random.nextInt(3) * 3000; i++) {
        url.append((char) ('a' + random.nextInt(26))).append('é');
      }
      Any message = Any.newBuilder().setTypeUrl(url.toString()).setValue(ByteString.copyFrom(value)).build();
      ByteBuffer[] parts = anyMarshaller.serializeInParts(message, 5);
      assertArrayEquals(message.toByteArray(), joined(parts, 5), "value of " + size + " bytes");
    }
  }

  /**
   * A large message of small fields would only be copied piece by piece: it is written in one
   * array, and so are the next few of its type, before parts are tried again.
   */
  @Test
  void aLargeMessageOfSmallFieldsIsWrittenInOneArrayAndItsTypeIsNotTriedForAWhile() {
    ProtoMarshaller<ListValue> lists = ProtoMarshaller.of(ListValue.getDefaultInstance());
    ListValue.Builder small = ListValue.newBuilder();
    while (small.build().getSerializedSize() < 2 * ProtoMarshaller.SHARING_FROM_SIZE) {
      small.addValues(Value.newBuilder().setStringValue("v" + small.getValuesCount()));
    }
    ListValue oneBigString =
        ListValue.newBuilder().addValues(Value.newBuilder().setStringValue("x".repeat(1024 * 1024))).build();

    assertNull(lists.serializeInParts(small.build(), 5));
    assertNull(lists.serializeInParts(oneBigString, 5), "right after a message not worth sharing");
    ByteBuffer[] parts = null;
    for (int i = 0; i < 64 && parts == null; i++) {
      parts = lists.serializeInParts(oneBigString, 5);
    }
    assertArrayEquals(oneBigString.toByteArray(), joined(parts, 5), "tried again after a while");
  }
}
