package dev.shuttle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Request headers, response headers or trailers of a call: an ordered multimap of lower-case keys.
 * Keys ending in {@code -bin} carry bytes (sent base64-encoded); all other keys carry printable
 * ASCII text.
 *
 * <pre>{@code
 * Metadata headers = new Metadata().add("x-user", "ada").addBinary("x-trace-bin", traceId);
 * }</pre>
 *
 * <p>Typed keys read and write values of any type through a codec, for binary keys above all:
 *
 * <pre>{@code
 * static final Metadata.Key<TraceContext> TRACE = Metadata.Key.binary("x-trace-bin", TraceContext::toBytes, TraceContext::parse);
 * metadata.put(TRACE, trace);
 * TraceContext received = context.requestMetadata().get(TRACE);
 * }</pre>
 *
 * <p><b>Reserved keys.</b> Keys that HTTP/2 or gRPC own cannot be set: any key starting with
 * {@code grpc-} except {@value #STATUS_DETAILS_KEY} (rich error details, see
 * {@code dev.shuttle.protobuf.StatusProtos}) and the tracing keys {@code grpc-trace-bin} and
 * {@code grpc-tags-bin}; and {@code content-type}, {@code te}, {@code user-agent}, {@code host}
 * and HTTP/1 connection fields ({@code connection}, {@code keep-alive}, {@code proxy-connection},
 * {@code transfer-encoding}, {@code upgrade}). Setting one throws
 * {@link IllegalArgumentException}; received ones that gRPC consumes are not shown.
 *
 * <p>Not thread-safe: build it on one thread, then hand it over.
 */
public final class Metadata {
  /** The suffix that marks a binary key. */
  public static final String BINARY_SUFFIX = "-bin";
  /** The trailer that carries a {@code google.rpc.Status} with an error's details. */
  public static final String STATUS_DETAILS_KEY = "grpc-status-details-bin";

  private static final Set<String> ALLOWED_GRPC_KEYS = Set.of(STATUS_DETAILS_KEY, "grpc-trace-bin", "grpc-tags-bin");
  private static final Set<String> RESERVED_KEYS =
      Set.of("content-type", "te", "user-agent", "host", "connection", "keep-alive", "proxy-connection",
          "transfer-encoding", "upgrade");

  private final List<String> keys;
  private final List<Object> values; // String or byte[]

  public Metadata() {
    keys = new ArrayList<>(4);
    values = new ArrayList<>(4);
  }

  /** A copy of {@code other}; binary values are shared, not copied. */
  public Metadata(Metadata other) {
    keys = new ArrayList<>(other.keys);
    values = new ArrayList<>(other.values);
  }

  /** Adds a text entry; the key is lower-cased. */
  public Metadata add(String key, String value) {
    String k = normalizeKey(key);
    if (isBinaryKey(k)) {
      throw new IllegalArgumentException("binary key " + k + " takes bytes: use addBinary");
    }
    checkAsciiValue(value);
    keys.add(k);
    values.add(value);
    return this;
  }

  /** Sets a text entry, replacing every value the key had. */
  public Metadata put(String key, String value) {
    String k = normalizeKey(key);
    if (isBinaryKey(k)) {
      throw new IllegalArgumentException("binary key " + k + " takes bytes: use putBinary");
    }
    checkAsciiValue(value);
    removeAll(k);
    keys.add(k);
    values.add(value);
    return this;
  }

  /** Sets a binary entry, replacing every value the key had; the key must end in {@code -bin}. */
  public Metadata putBinary(String key, byte[] value) {
    String k = normalizeKey(key);
    if (!isBinaryKey(k)) {
      throw new IllegalArgumentException("binary keys end in -bin: " + k);
    }
    removeAll(k);
    keys.add(k);
    values.add(value.clone());
    return this;
  }

  /** Adds a value under a typed key. */
  public <T> Metadata add(Key<T> key, T value) {
    return key.binary ? addBinary(key.name, key.encode(value)) : add(key.name, key.encodeText(value));
  }

  /** Sets the value of a typed key, replacing every value it had. */
  public <T> Metadata put(Key<T> key, T value) {
    return key.binary ? putBinary(key.name, key.encode(value)) : put(key.name, key.encodeText(value));
  }

  /** The last value under a typed key, or {@code null}. */
  public <T> T get(Key<T> key) {
    if (key.binary) {
      byte[] bytes = getBinary(key.name);
      return bytes == null ? null : key.decode(bytes);
    }
    String text = get(key.name);
    return text == null ? null : key.decodeText(text);
  }

  /** Every value under a typed key, in the order added. */
  public <T> List<T> getAll(Key<T> key) {
    List<T> all = new ArrayList<>(1);
    if (key.binary) {
      for (byte[] bytes : getAllBinary(key.name)) {
        all.add(key.decode(bytes));
      }
    } else {
      for (String text : getAll(key.name)) {
        all.add(key.decodeText(text));
      }
    }
    return all;
  }

  /** Removes every value under {@code key}; returns whether there was one. */
  public boolean remove(String key) {
    return removeAll(key);
  }

  /** Removes every value under a typed key; returns whether there was one. */
  public boolean remove(Key<?> key) {
    return removeAll(key.name);
  }

  /** Adds a binary entry; the key must end in {@code -bin}. */
  public Metadata addBinary(String key, byte[] value) {
    String k = normalizeKey(key);
    if (!isBinaryKey(k)) {
      throw new IllegalArgumentException("binary keys end in -bin: " + k);
    }
    keys.add(k);
    values.add(value.clone());
    return this;
  }

  /** The last text value added under {@code key}, or {@code null}. */
  public String get(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (keys.get(i).equals(k) && values.get(i) instanceof String s) {
        return s;
      }
    }
    return null;
  }

  /** Every text value under {@code key}, in the order added. */
  public List<String> getAll(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    List<String> all = new ArrayList<>(1);
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).equals(k) && values.get(i) instanceof String s) {
        all.add(s);
      }
    }
    return all;
  }

  /** The last binary value added under {@code key}, or {@code null}. */
  public byte[] getBinary(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (keys.get(i).equals(k) && values.get(i) instanceof byte[] b) {
        return b.clone();
      }
    }
    return null;
  }

  /** Every binary value under {@code key}, in the order added. */
  public List<byte[]> getAllBinary(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    List<byte[]> all = new ArrayList<>(1);
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).equals(k) && values.get(i) instanceof byte[] b) {
        all.add(b.clone());
      }
    }
    return all;
  }

  public boolean containsKey(String key) {
    return keys.contains(key.toLowerCase(Locale.ROOT));
  }

  /** Removes every entry under {@code key}; returns whether there was one. */
  public boolean removeAll(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    boolean removed = false;
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (keys.get(i).equals(k)) {
        keys.remove(i);
        values.remove(i);
        removed = true;
      }
    }
    return removed;
  }

  /** Adds every entry of {@code other}, after the entries already here. */
  public Metadata merge(Metadata other) {
    keys.addAll(other.keys);
    values.addAll(other.values);
    return this;
  }

  /** The distinct keys, in the order first added. */
  public Set<String> keys() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(keys));
  }

  public int size() {
    return keys.size();
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /**
   * Visits each entry in order with its value as it goes on the wire: text as is, bytes
   * base64-encoded without padding.
   */
  public void forEachWireEntry(BiConsumer<String, String> action) {
    for (int i = 0; i < keys.size(); i++) {
      Object v = values.get(i);
      action.accept(keys.get(i), v instanceof byte[] b ? Base64Codec.encode(b) : (String) v);
    }
  }

  /**
   * Adds an entry received from the wire. A binary value that is not valid base64 is rejected
   * with {@link IllegalArgumentException} and the metadata left as it was; text values are taken
   * as sent.
   */
  public void addWireEntry(String key, String wireValue) {
    // Decoded before anything is added: a value that fails must leave keys and values paired.
    Object value = isBinaryKey(key) ? Base64Codec.decode(wireValue) : wireValue;
    keys.add(key);
    values.add(value);
  }

  public static boolean isBinaryKey(String key) {
    return key.endsWith(BINARY_SUFFIX);
  }

  private static String normalizeKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.isEmpty()) {
      throw new IllegalArgumentException("empty metadata key");
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      if (!ok) {
        throw new IllegalArgumentException("invalid character '" + c + "' in metadata key " + key);
      }
    }
    if (k.startsWith("grpc-") && !ALLOWED_GRPC_KEYS.contains(k)) {
      throw new IllegalArgumentException("grpc- keys are reserved for gRPC itself: " + key);
    }
    if (RESERVED_KEYS.contains(k)) {
      throw new IllegalArgumentException(k + " belongs to HTTP/2 or gRPC and cannot be set as metadata");
    }
    return k;
  }

  /**
   * A metadata key with a type: text keys convert values to and from printable ASCII, binary
   * keys (names ending in {@code -bin}) to and from bytes.
   *
   * <pre>{@code
   * static final Metadata.Key<String> USER = Metadata.Key.of("x-user");
   * static final Metadata.Key<byte[]> TOKEN = Metadata.Key.binary("x-token-bin");
   * }</pre>
   */
  public static final class Key<T> {
    private final String name;
    private final boolean binary;
    private final Function<T, byte[]> toBytes;
    private final Function<byte[], T> fromBytes;
    private final Function<T, String> toText;
    private final Function<String, T> fromText;

    private Key(
        String name,
        boolean binary,
        Function<T, byte[]> toBytes,
        Function<byte[], T> fromBytes,
        Function<T, String> toText,
        Function<String, T> fromText) {
      this.name = normalizeKey(name);
      if (binary != isBinaryKey(this.name)) {
        throw new IllegalArgumentException(
            binary ? "binary keys end in -bin: " + name : "text keys must not end in -bin: " + name);
      }
      this.binary = binary;
      this.toBytes = toBytes;
      this.fromBytes = fromBytes;
      this.toText = toText;
      this.fromText = fromText;
    }

    /** A text key whose values are strings. */
    public static Key<String> of(String name) {
      return new Key<>(name, false, null, null, Function.identity(), Function.identity());
    }

    /** A text key with a conversion to and from its ASCII form. */
    public static <T> Key<T> text(String name, Function<T, String> toText, Function<String, T> fromText) {
      return new Key<>(name, false, null, null, toText, fromText);
    }

    /** A binary key whose values are byte arrays. */
    public static Key<byte[]> binary(String name) {
      return new Key<>(name, true, byte[]::clone, byte[]::clone, null, null);
    }

    /** A binary key with a codec, for example a protobuf message's {@code toByteArray} and {@code parseFrom}. */
    public static <T> Key<T> binary(String name, Function<T, byte[]> toBytes, Function<byte[], T> fromBytes) {
      return new Key<>(name, true, toBytes, fromBytes, null, null);
    }

    public String name() {
      return name;
    }

    byte[] encode(T value) {
      return toBytes.apply(value);
    }

    T decode(byte[] bytes) {
      return fromBytes.apply(bytes);
    }

    String encodeText(T value) {
      return toText.apply(value);
    }

    T decodeText(String text) {
      return fromText.apply(text);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static void checkAsciiValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException(
            "metadata text values are printable ASCII; use a -bin key for other bytes");
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Metadata{");
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object v = values.get(i);
      sb.append(keys.get(i)).append('=').append(v instanceof byte[] b ? Arrays.toString(b) : v);
    }
    return sb.append('}').toString();
  }
}
