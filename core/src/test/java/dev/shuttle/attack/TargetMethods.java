package dev.shuttle.attack;

import dev.shuttle.Marshaller;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import java.nio.charset.StandardCharsets;

/**
 * The methods of {@link AttackTargetServer}, shared by the server and the tests' clients. Request
 * and response messages are plain strings, except that {@link #DOWNLOAD} streams messages of a
 * requested size (of zeros) and its client sees only their lengths.
 */
final class TargetMethods {
  static final String SERVICE = "attack.Target";

  /** Unary: answers {@code "echo:" + request}. */
  static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of(MethodType.UNARY, SERVICE, "Echo", Utf8.INSTANCE, Utf8.INSTANCE);

  /** Client streaming: answers with the number of messages and the bytes they held, {@code "3:120"}. */
  static final MethodDescriptor<String, String> COLLECT =
      MethodDescriptor.of(MethodType.CLIENT_STREAMING, SERVICE, "Collect", Utf8.INSTANCE, Utf8.INSTANCE);

  /** Server streaming: the request {@code "count:size"} asks for count messages of size bytes each. */
  static final MethodDescriptor<String, Integer> DOWNLOAD =
      MethodDescriptor.of(MethodType.SERVER_STREAMING, SERVICE, "Download", Utf8.INSTANCE, Sized.INSTANCE);

  /**
   * Unary: does not return, whatever happens to its call (it ignores cancellation and interrupts),
   * until the server is told {@code release}; then answers {@code "released"}. Stands for a
   * handler doing backend work that a reset does not stop.
   */
  static final MethodDescriptor<String, String> HOLD =
      MethodDescriptor.of(MethodType.UNARY, SERVICE, "Hold", Utf8.INSTANCE, Utf8.INSTANCE);

  static final String ECHO_PATH = ECHO.path();
  static final String COLLECT_PATH = COLLECT.path();
  static final String DOWNLOAD_PATH = DOWNLOAD.path();
  static final String HOLD_PATH = HOLD.path();
  static final String UNKNOWN_PATH = "/" + SERVICE + "/NoSuchMethod";

  private TargetMethods() {}

  /** Strings as UTF-8. */
  static final class Utf8 implements Marshaller<String> {
    static final Utf8 INSTANCE = new Utf8();

    @Override
    public byte[] serialize(String message) {
      return message.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String parse(byte[] bytes, int offset, int length) {
      return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
  }

  /** A message of n zero bytes, written as n and read back as its length. */
  static final class Sized implements Marshaller<Integer> {
    static final Sized INSTANCE = new Sized();

    @Override
    public byte[] serialize(Integer size) {
      return new byte[size];
    }

    @Override
    public byte[] serialize(Integer size, int headroom) {
      return new byte[headroom + size];
    }

    @Override
    public Integer parse(byte[] bytes, int offset, int length) {
      return length;
    }
  }
}
