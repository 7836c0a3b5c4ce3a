package dev.shuttle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The message encodings a server or channel speaks: {@code gzip} built in ({@code identity}, no
 * compression, is always there), more added with {@link #with}. What it can decompress is what it
 * advertises in {@code grpc-accept-encoding}.
 *
 * <pre>{@code
 * CompressionRegistry compression = CompressionRegistry.defaults().with(new ZstdCompressor(), new ZstdDecompressor());
 * Server server = Server.builder().compression(compression).service(new Greeter()).start();
 * }</pre>
 *
 * <p>Immutable; {@code with} returns a new registry.
 */
public final class CompressionRegistry {
  public static final String IDENTITY = "identity";
  public static final String GZIP = "gzip";

  private static final CompressionRegistry DEFAULTS =
      new CompressionRegistry(Map.of(GZIP, new GzipCompressor()), Map.of(GZIP, new GzipDecompressor()));

  private final Map<String, Compressor> compressors;
  private final Map<String, Decompressor> decompressors;
  private final String acceptEncoding;

  private CompressionRegistry(Map<String, Compressor> compressors, Map<String, Decompressor> decompressors) {
    this.compressors = Map.copyOf(compressors);
    this.decompressors = Map.copyOf(decompressors);
    List<String> names = new ArrayList<>(decompressors.keySet());
    names.sort(null);
    this.acceptEncoding = String.join(",", names);
  }

  /** gzip, and identity. */
  public static CompressionRegistry defaults() {
    return DEFAULTS;
  }

  /** This registry with one more encoding; the two must name the same one. */
  public CompressionRegistry with(Compressor compressor, Decompressor decompressor) {
    if (!compressor.encoding().equals(decompressor.encoding())) {
      throw new IllegalArgumentException(
          "compressor and decompressor name different encodings: " + compressor.encoding() + ", " + decompressor.encoding());
    }
    String name = compressor.encoding();
    if (name.equals(IDENTITY) || !name.matches("[a-z0-9._+-]+")) {
      throw new IllegalArgumentException("invalid grpc-encoding name: " + name);
    }
    Map<String, Compressor> c = new LinkedHashMap<>(compressors);
    Map<String, Decompressor> d = new LinkedHashMap<>(decompressors);
    c.put(name, compressor);
    d.put(name, decompressor);
    return new CompressionRegistry(c, d);
  }

  /** The compressor for an encoding, or null (also for identity: nothing to do). */
  public Compressor compressor(String encoding) {
    return encoding == null ? null : compressors.get(encoding);
  }

  /** The decompressor for an encoding, or null when it is not supported. */
  public Decompressor decompressor(String encoding) {
    return encoding == null ? null : decompressors.get(encoding);
  }

  /** Whether messages in this encoding can be read: identity and every registered one. */
  public boolean supports(String encoding) {
    return encoding == null || encoding.equals(IDENTITY) || decompressors.containsKey(encoding);
  }

  /** The {@code grpc-accept-encoding} value: every encoding we can decompress, comma-separated. */
  public String acceptEncoding() {
    return acceptEncoding;
  }

  /** Whether a peer's {@code grpc-accept-encoding} value lists {@code encoding}. */
  public static boolean accepts(String acceptEncoding, String encoding) {
    if (acceptEncoding == null || encoding == null) {
      return false;
    }
    for (String each : acceptEncoding.split(",")) {
      if (each.trim().equals(encoding)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "CompressionRegistry[" + IDENTITY + (acceptEncoding.isEmpty() ? "" : "," + acceptEncoding) + "]";
  }

  private static final class GzipCompressor implements Compressor {
    @Override
    public String encoding() {
      return GZIP;
    }

    @Override
    public OutputStream compress(OutputStream out) throws IOException {
      return new GZIPOutputStream(Objects.requireNonNull(out), 8192);
    }
  }

  private static final class GzipDecompressor implements Decompressor {
    @Override
    public String encoding() {
      return GZIP;
    }

    @Override
    public InputStream decompress(InputStream in) throws IOException {
      return new GZIPInputStream(in, 8192);
    }
  }
}
