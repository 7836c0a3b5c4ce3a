package dev.shuttle;

import java.io.IOException;
import java.io.InputStream;

/**
 * Inflates messages of one {@code grpc-encoding}. Shuttle reads the stream it returns only up to
 * the largest message size allowed, so a small message that inflates without end is refused
 * without being inflated whole.
 */
public interface Decompressor {
  /** The {@code grpc-encoding} name, such as {@code gzip}. */
  String encoding();

  /** A stream of the uncompressed bytes of {@code in}. */
  InputStream decompress(InputStream in) throws IOException;
}
