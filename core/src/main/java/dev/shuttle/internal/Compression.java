package dev.shuttle.internal;

import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Decodes compressed messages (the flag bit of the message prefix) by {@code grpc-encoding}. */
public final class Compression {
  private Compression() {}

  /**
   * The uncompressed bytes of a compressed message.
   *
   * @throws StatusException {@code UNIMPLEMENTED} for an encoding we do not support,
   *     {@code INTERNAL} for a compressed message without encoding or with corrupt data,
   *     {@code RESOURCE_EXHAUSTED} when it inflates beyond {@code maxSize}
   */
  public static byte[] decompress(byte[] compressed, String encoding, int maxSize) {
    if (encoding == null || encoding.equals("identity")) {
      throw new StatusException(Status.INTERNAL.withDescription("compressed message without grpc-encoding"));
    }
    if (!encoding.equals("gzip")) {
      throw new StatusException(Status.UNIMPLEMENTED.withDescription("unsupported grpc-encoding: " + encoding));
    }
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(compressed))) {
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
      throw new StatusException(Status.INTERNAL.withDescription("corrupt gzip message: " + e.getMessage()));
    }
  }
}
