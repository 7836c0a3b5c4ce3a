package dev.shuttle;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Compresses messages for one {@code grpc-encoding}. Register your own (zstd, snappy...) in a
 * {@link CompressionRegistry} together with its {@link Decompressor}.
 */
public interface Compressor {
  /** The {@code grpc-encoding} name, such as {@code gzip}. */
  String encoding();

  /** A stream that writes the compressed form of what is written to it into {@code out}. */
  OutputStream compress(OutputStream out) throws IOException;
}
