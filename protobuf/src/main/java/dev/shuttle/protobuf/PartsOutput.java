package dev.shuttle.protobuf;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Where protobuf's stream encoder writes a large message so that its big arrays are shared, not
 * copied. The encoder collects fields in a buffer of {@link #ENCODER_BUFFER} bytes and hands that
 * buffer over whenever it fills (at most that many bytes at a time, from an array it reuses, so
 * they are copied). An array too long to fit its buffer (the rest of a long {@code bytes} field
 * or string, whose arrays never change) it hands over as it is, and that becomes a part of its own.
 *
 * <p>Sharing pays only for messages made mostly of such arrays: once the copied bytes pass an
 * eighth of the message, the output gives up ({@link NotWorthSharing}) and the message is written
 * to one array as usual.
 */
final class PartsOutput extends OutputStream {
  /** The encoder's buffer; also what it may hand over, at most, from an array it reuses. */
  static final int ENCODER_BUFFER = 4096;

  /** Thrown from a write once the message turns out to be made of small fields. */
  static final class NotWorthSharing extends RuntimeException {
    NotWorthSharing() {
      super(null, null, false, false); // a signal, not an error: no stack trace to fill
    }
  }

  private final int headroom;
  private final int copyLimit;
  private final List<ByteBuffer> parts = new ArrayList<>(4);
  private int copied;

  PartsOutput(int headroom, int messageSize) {
    this.headroom = headroom;
    this.copyLimit = messageSize / 8;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    if (length == 0) {
      return; // an empty part would go out as an empty DATA frame
    }
    if (length > ENCODER_BUFFER) {
      // The encoder hands its own buffer, which it reuses, over in writes of at most its size.
      // A longer write is an array of the message's: a bytes field's, or a long string's fresh
      // encoding, neither of which ever changes.
      if (parts.isEmpty()) {
        parts.add(ByteBuffer.wrap(new byte[headroom]));
      }
      parts.add(ByteBuffer.wrap(bytes, offset, length));
      return;
    }
    copied += length;
    if (copied > copyLimit) {
      throw new NotWorthSharing();
    }
    int room = parts.isEmpty() ? headroom : 0;
    byte[] copy = new byte[room + length];
    System.arraycopy(bytes, offset, copy, room, length);
    parts.add(ByteBuffer.wrap(copy));
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  /** The parts written, the first starting with the headroom. */
  ByteBuffer[] parts() {
    if (parts.isEmpty()) {
      parts.add(ByteBuffer.wrap(new byte[headroom]));
    }
    return parts.toArray(new ByteBuffer[0]);
  }
}
