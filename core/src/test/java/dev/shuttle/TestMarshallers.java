package dev.shuttle;

import java.nio.charset.StandardCharsets;

/** Marshallers for tests that need no message format. */
final class TestMarshallers {
  static final Marshaller<String> UTF8 =
      new Marshaller<>() {
        @Override
        public byte[] serialize(String message) {
          return message.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String parse(byte[] bytes, int offset, int length) {
          return new String(bytes, offset, length, StandardCharsets.UTF_8);
        }
      };

  static final Marshaller<byte[]> BYTES =
      new Marshaller<>() {
        @Override
        public byte[] serialize(byte[] message) {
          return message;
        }

        @Override
        public byte[] parse(byte[] bytes, int offset, int length) {
          return java.util.Arrays.copyOfRange(bytes, offset, offset + length);
        }
      };

  private TestMarshallers() {}
}
