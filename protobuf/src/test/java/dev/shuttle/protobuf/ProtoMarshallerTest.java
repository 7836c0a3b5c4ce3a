package dev.shuttle.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.BytesValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.StringValue;
import java.io.IOException;
import java.util.Arrays;
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
}
