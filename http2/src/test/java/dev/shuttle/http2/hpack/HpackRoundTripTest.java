package dev.shuttle.http2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.http2.hpack.HpackTestSupport.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Encoder output fed to a decoder must give back the same lists and the same table. */
class HpackRoundTripTest {
  private static final String[] NAMES = {
    ":method", ":scheme", ":path", ":authority", ":status", "content-type", "te", "user-agent",
    "grpc-encoding", "grpc-accept-encoding", "grpc-timeout", "grpc-message", "grpc-status",
    "content-length", "authorization", "proxy-authorization", "cookie", "set-cookie", "date",
    "accept-encoding", "x-custom", "x-trace-id", "x-bin-bin", "custom-key", "",
  };
  private static final String[] VALUES = {
    "", "GET", "POST", "/", "/index.html", "http", "https", "200", "404", "gzip, deflate",
    "application/grpc", "trailers", "0", "1000m", "www.example.com", "Bearer token",
    "/helloworld.Greeter/SayHello", "a=b; c=d; session=0123456789abcdef",
  };
  private static final int[] TABLE_SIZES = {
    0, 1, 31, 32, 33, 64, 100, 256, 1000, 4095, 4096, 4097, 16384, 65536,
  };

  @Test
  void roundTripsRandomHeaderListsWithRandomTableSizeChanges() throws Exception {
    for (long seed = 1; seed <= 40; seed++) {
      roundTrip(new Random(seed), 300, Integer.MAX_VALUE);
    }
  }

  @Test
  void staysInSyncWhenListsExceedTheHeaderListLimit() throws Exception {
    for (long seed = 100; seed <= 120; seed++) {
      roundTrip(new Random(seed), 300, 400);
    }
  }

  private static void roundTrip(Random random, int blocks, int listLimit) throws Exception {
    HpackEncoder encoder = new HpackEncoder();
    HpackDecoder decoder = new HpackDecoder(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE, listLimit);
    List<List<Header>> recent = new ArrayList<>();
    for (int block = 0; block < blocks; block++) {
      if (random.nextInt(8) == 0) {
        // Between two blocks the peer may change SETTINGS_HEADER_TABLE_SIZE several times.
        for (int changes = 1 + random.nextInt(3); changes > 0; changes--) {
          int size =
              random.nextBoolean()
                  ? TABLE_SIZES[random.nextInt(TABLE_SIZES.length)]
                  : random.nextInt(8192);
          encoder.setMaxTableSize(size);
          decoder.setMaxTableSize(size);
        }
      }
      // Real traffic repeats itself; random lists alone would rarely hit the dynamic table.
      List<Header> list =
          !recent.isEmpty() && random.nextInt(3) == 0
              ? recent.get(random.nextInt(recent.size()))
              : randomList(random);
      recent.add(list);
      if (recent.size() > 8) {
        recent.remove(0);
      }

      ByteSink out = new ByteSink(random.nextInt(64));
      encoder.beginBlock(out);
      for (Header h : list) {
        switch (random.nextInt(12)) {
          case 0 -> encoder.encodeSensitiveHeader(h.name(), h.value(), out);
          case 1 -> HpackEncoder.encodeStateless(h.name(), h.value(), out);
          default -> encoder.encodeHeader(h.name(), h.value(), out);
        }
      }
      long listSize = 0;
      int within = 0;
      for (Header h : list) {
        listSize += h.name().length() + h.value().length() + 32;
        if (listSize <= listLimit) {
          within++;
        }
      }
      List<Header> delivered = new ArrayList<>();
      byte[] bytes = out.toByteArray();
      try {
        decoder.decode(bytes, 0, bytes.length, (n, v) -> delivered.add(new Header(n, v)));
        assertEquals(list, delivered, "block " + block);
      } catch (HeaderListTooLargeException e) {
        assertTrue(listSize > listLimit, "block " + block);
        assertEquals(listSize, e.size(), "block " + block);
        assertEquals(list.subList(0, within), delivered, "block " + block);
      }
      assertEquals(encoder.dynamicTableSize(), decoder.dynamicTableSize(), "block " + block);
      assertEquals(encoder.dynamicTableLength(), decoder.dynamicTableLength(), "block " + block);
      assertEquals(encoder.dynamicTableMaxSize(), decoder.dynamicTableMaxSize(), "block " + block);
    }
  }

  private static List<Header> randomList(Random random) {
    List<Header> list = new ArrayList<>();
    for (int n = random.nextInt(16); n > 0; n--) {
      String name = random.nextInt(4) == 0 ? randomString(random, 1 + random.nextInt(20), true)
          : NAMES[random.nextInt(NAMES.length)];
      String value =
          switch (random.nextInt(5)) {
            case 0, 1 -> VALUES[random.nextInt(VALUES.length)];
            case 2 -> randomString(random, random.nextInt(40), true);
            case 3 -> randomString(random, random.nextInt(40), false);
            default -> randomString(random, 200 + random.nextInt(200), random.nextBoolean());
          };
      list.add(new Header(name, value));
    }
    return list;
  }

  private static String randomString(Random random, int length, boolean printable) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = (char) (printable ? 0x21 + random.nextInt(94) : random.nextInt(256));
    }
    return new String(chars);
  }
}
