package dev.shuttle.http2.hpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteSinkTest {

  @Test
  void growsFromZeroCapacity() {
    ByteSink sink = new ByteSink(0);
    for (int i = 0; i < 1000; i++) {
      sink.write(i);
    }
    assertEquals(1000, sink.size());
    assertEquals((byte) 999, sink.toByteArray()[999]);
  }

  @Test
  void writesByteRanges() {
    ByteSink sink = new ByteSink(2);
    sink.write(new byte[] {1, 2, 3, 4, 5}, 1, 3);
    sink.write(9);
    assertArrayEquals(new byte[] {2, 3, 4, 9}, sink.toByteArray());
    assertThrows(IndexOutOfBoundsException.class, () -> sink.write(new byte[2], 1, 2));
  }

  @Test
  void writesCharsAsTheirLowEightBits() {
    ByteSink sink = new ByteSink(1);
    sink.writeAscii("a\u00ff\u0100z");
    assertArrayEquals(new byte[] {'a', (byte) 0xff, 0, 'z'}, sink.toByteArray());
  }

  @Test
  void resetKeepsTheBackingArray() {
    ByteSink sink = new ByteSink(16);
    sink.writeAscii("hello");
    byte[] array = sink.array();
    sink.reset();
    assertEquals(0, sink.size());
    sink.write('x');
    assertSame(array, sink.array());
    assertArrayEquals(new byte[] {'x'}, sink.toByteArray());
  }

  @Test
  void ensureCapacityMakesRoomWithoutChangingSize() {
    ByteSink sink = new ByteSink(4);
    sink.write(1);
    sink.ensureCapacity(100);
    assertTrue(sink.array().length >= 101);
    assertEquals(1, sink.size());
    assertThrows(IllegalArgumentException.class, () -> sink.ensureCapacity(-1));
    assertThrows(IllegalArgumentException.class, () -> new ByteSink(-1));
  }
}
