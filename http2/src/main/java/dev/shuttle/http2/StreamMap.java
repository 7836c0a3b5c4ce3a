package dev.shuttle.http2;

import java.util.ArrayList;
import java.util.List;

/**
 * Streams by id, open addressing with linear probing: a lookup per frame costs no boxing and no
 * node. Not thread-safe: the registry's owner guards it.
 */
final class StreamMap {
  private Http2Stream[] slots = new Http2Stream[16];
  private int size;

  int size() {
    return size;
  }

  Http2Stream get(int id) {
    Http2Stream[] table = slots;
    int mask = table.length - 1;
    for (int i = hash(id) & mask; ; i = (i + 1) & mask) {
      Http2Stream s = table[i];
      if (s == null || s.id == id) {
        return s;
      }
    }
  }

  void put(Http2Stream stream) {
    if ((size + 1) * 2 > slots.length) {
      resize(slots.length * 2);
    }
    if (insert(slots, stream)) {
      size++;
    }
  }

  /** Removes the stream with this id; returns it, or null. */
  Http2Stream remove(int id) {
    Http2Stream[] table = slots;
    int mask = table.length - 1;
    int i = hash(id) & mask;
    while (table[i] != null && table[i].id != id) {
      i = (i + 1) & mask;
    }
    Http2Stream removed = table[i];
    if (removed == null) {
      return null;
    }
    table[i] = null;
    size--;
    // Re-place the entries after it in its run, so probing never stops early.
    for (int j = (i + 1) & mask; table[j] != null; j = (j + 1) & mask) {
      Http2Stream moved = table[j];
      table[j] = null;
      insert(table, moved);
    }
    return removed;
  }

  List<Http2Stream> values() {
    List<Http2Stream> all = new ArrayList<>(size);
    for (Http2Stream s : slots) {
      if (s != null) {
        all.add(s);
      }
    }
    return all;
  }

  private static boolean insert(Http2Stream[] table, Http2Stream stream) {
    int mask = table.length - 1;
    for (int i = hash(stream.id) & mask; ; i = (i + 1) & mask) {
      if (table[i] == null) {
        table[i] = stream;
        return true;
      }
      if (table[i].id == stream.id) {
        table[i] = stream;
        return false;
      }
    }
  }

  private void resize(int capacity) {
    Http2Stream[] grown = new Http2Stream[capacity];
    for (Http2Stream s : slots) {
      if (s != null) {
        insert(grown, s);
      }
    }
    slots = grown;
  }

  /** Stream ids of one side step by 2: spread them over the table. */
  private static int hash(int id) {
    return (id >>> 1) * 0x9E3779B9 >>> 7 ^ (id >>> 1);
  }
}
