package dev.shuttle.internal;

import dev.shuttle.Compressor;
import dev.shuttle.CompressionRegistry;
import dev.shuttle.Decompressor;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Compressing and inflating messages (the flag bit of the message prefix) by {@code grpc-encoding}. */
public final class Compression {
  private Compression() {}

  /**
   * The uncompressed bytes of a compressed message, read only up to {@code maxSize}: a message
   * that would inflate beyond it is refused as soon as it gets there.
   *
   * @throws StatusException {@code UNIMPLEMENTED} for an encoding we do not support,
   *     {@code INTERNAL} for a compressed message without encoding or with corrupt data,
   *     {@code RESOURCE_EXHAUSTED} when it inflates beyond {@code maxSize}
   */
  public static byte[] inflate(byte[] compressed, String encoding, Decompressor decompressor, int maxSize) {
    if (encoding == null || encoding.equals(CompressionRegistry.IDENTITY)) {
      throw new StatusException(Status.INTERNAL.withDescription("compressed message without grpc-encoding"));
    }
    if (decompressor == null) {
      throw new StatusException(Status.UNIMPLEMENTED.withDescription("unsupported grpc-encoding: " + encoding));
    }
    try (InputStream in = decompressor.decompress(new ByteArrayInputStream(compressed))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxSize, compressed.length * 4 + 64));
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (out.size() + n > maxSize) {
          throw new StatusException(
              Status.RESOURCE_EXHAUSTED.withDescription("decompressed gRPC message exceeds maximum size " + maxSize));
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new StatusException(Status.INTERNAL.withDescription("corrupt " + encoding + " message: " + e.getMessage()));
    }
  }

  /** The gzip path with the default registry, for callers that know no registry. */
  public static byte[] decompress(byte[] compressed, String encoding, int maxSize) {
    return inflate(compressed, encoding, CompressionRegistry.defaults().decompressor(encoding), maxSize);
  }

  /** {@code serialized} (message bytes, no prefix) compressed behind a 5-byte prefix with the flag set. */
  static byte[] compressFramed(byte[] serialized, int offset, int length, Compressor compressor) {
    ByteArrayOutputStream framed = new ByteArrayOutputStream(length / 2 + 32);
    framed.write(new byte[MessageFramer.PREFIX_LENGTH], 0, MessageFramer.PREFIX_LENGTH);
    try (OutputStream out = compressor.compress(framed)) {
      out.write(serialized, offset, length);
    } catch (IOException e) {
      throw new StatusException(Status.INTERNAL.withDescription("could not compress a message: " + e.getMessage()));
    }
    byte[] bytes = framed.toByteArray();
    MessageFramer.writePrefix(bytes, 0, true, bytes.length - MessageFramer.PREFIX_LENGTH);
    return bytes;
  }
}
