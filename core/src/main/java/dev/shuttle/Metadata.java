package dev.shuttle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Request headers, response headers or trailers of a call: an ordered multimap of lower-case keys.
 * Keys ending in {@code -bin} carry bytes (sent base64-encoded); all other keys carry printable
 * ASCII text.
 *
 * <pre>{@code
 * Metadata headers = new Metadata().add("x-user", "ada").addBinary("x-trace-bin", traceId);
 * }</pre>
 *
 * <p>Not thread-safe: build it on one thread, then hand it over.
 */
public final class Metadata {
  /** The suffix that marks a binary key. */
  public static final String BINARY_SUFFIX = "-bin";

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
   * with {@link IllegalArgumentException}; text values are taken as sent.
   */
  public void addWireEntry(String key, String wireValue) {
    if (isBinaryKey(key)) {
      keys.add(key);
      values.add(Base64Codec.decode(wireValue));
    } else {
      keys.add(key);
      values.add(wireValue);
    }
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
    if (k.startsWith("grpc-")) {
      throw new IllegalArgumentException("grpc- keys are reserved for gRPC itself: " + key);
    }
    return k;
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
