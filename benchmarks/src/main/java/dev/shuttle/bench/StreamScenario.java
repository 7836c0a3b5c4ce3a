package dev.shuttle.bench;

import com.google.protobuf.ByteString;
import dev.shuttle.bench.proto.Payload;
import java.util.Locale;

/**
 * One streaming measurement: which call, how large each message's body is, and how many such
 * calls run at once on the client's one connection. It travels from {@code bin/bench-streaming} to
 * its client JVM as a token such as {@code server-streaming:1024:100}.
 */
record StreamScenario(Kind kind, int size, int calls) {
  /** The two calls of {@code streaming.proto}. */
  enum Kind {
    /** {@code Download}: one request, a stream of responses. */
    SERVER_STREAMING("server-streaming"),
    /** {@code Echo}: the client streams, the server returns each message. */
    BIDI("bidi");

    final String token;

    Kind(String token) {
      this.token = token;
    }
  }

  /** The largest body a scenario may ask for: well under both stacks' 4 MiB message limit. */
  static final int MAX_SIZE = 2 << 20;

  StreamScenario {
    if (size < 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException("message size must be 0.." + MAX_SIZE + " bytes, got " + size);
    }
    if (calls < 1) {
      throw new IllegalArgumentException("at least one call, got " + calls);
    }
  }

  String token() {
    return kind.token + ":" + size + ":" + calls;
  }

  static StreamScenario parse(String token) {
    String[] f = token.split(":", -1);
    if (f.length != 3) {
      throw new IllegalArgumentException("a scenario is KIND:SIZE:CALLS, got " + token);
    }
    Kind kind = null;
    for (Kind k : Kind.values()) {
      if (k.token.equals(f[0])) {
        kind = k;
      }
    }
    if (kind == null) {
      throw new IllegalArgumentException("unknown call kind " + f[0] + " in " + token);
    }
    try {
      return new StreamScenario(kind, Integer.parseInt(f[1]), Integer.parseInt(f[2]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SIZE and CALLS are numbers in " + token, e);
    }
  }

  /** "server-streaming 16 B", or "100 server-streaming calls 1 KiB" when several run at once. */
  String label() {
    return calls == 1 ? kind.token + " " + sizeLabel(size) : calls + " " + kind.token + " calls " + sizeLabel(size);
  }

  /** The target for Shuttle/grpc-java messages/s: 1.5 for small messages, 1.0 for large. */
  double target() {
    return size <= 1024 ? 1.5 : 1.0;
  }

  static String sizeLabel(int bytes) {
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + " B";
  }

  /**
   * The message both servers stream for {@code Download}: {@code size} bytes of a pattern the
   * client recomputes to check what arrived, not only how much.
   */
  static Payload downloadPayload(int size) {
    byte[] body = new byte[size];
    for (int i = 0; i < size; i++) {
      body[i] = (byte) (i * 31 + 7);
    }
    return Payload.newBuilder().setBody(ByteString.copyFrom(body)).build();
  }

  /** The {@code n}-th message of an echo check: the size asked for, its first bytes numbering it. */
  static Payload numbered(int size, int n) {
    byte[] body = new byte[size];
    for (int i = 0; i < size; i++) {
      body[i] = (byte) (i < 4 ? n >>> (8 * (3 - i)) : n + i);
    }
    return Payload.newBuilder().setBody(ByteString.copyFrom(body)).build();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s (%s)", label(), token());
  }
}
