package dev.shuttle.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class InteropFlagsTest {
  private static final Set<String> KNOWN = Set.of("port", "use_tls", "host");

  @Test
  void readsNameEqualsValueFlagsAndFallsBackForAbsentOnes() throws Exception {
    InteropFlags flags = InteropFlags.parse(new String[] {"--port=0", "--use_tls=false"}, KNOWN);
    assertEquals(0, flags.integer("port", 1));
    assertFalse(flags.bool("use_tls", true));
    assertEquals("fallback", flags.string("host", "fallback"));
    assertFalse(flags.help());
  }

  @Test
  void aBareBooleanFlagIsTrue() throws Exception {
    assertTrue(InteropFlags.parse(new String[] {"--use_tls"}, KNOWN).bool("use_tls", false));
  }

  @Test
  void helpIsRecognisedInBothSpellings() throws Exception {
    assertTrue(InteropFlags.parse(new String[] {"--help"}, KNOWN).help());
    assertTrue(InteropFlags.parse(new String[] {"-h"}, KNOWN).help());
  }

  @Test
  void anUnknownMisspeltRepeatedOrMalformedFlagIsAUsageError() {
    assertUsage("unknown flag --prot", "--prot=1");
    assertUsage("--port given twice", "--port=1", "--port=2");
    assertUsage("expected --name=value, got \"port\"", "port");
    assertUsage("--use_tls must be true or false, got \"yes\"", "--use_tls=yes");
    assertUsage("--port must be a whole number, got \"http\"", "--port=http");
  }

  private static void assertUsage(String message, String... args) {
    InteropFlags.UsageException e =
        assertThrows(InteropFlags.UsageException.class, () -> {
          InteropFlags flags = InteropFlags.parse(args, KNOWN);
          flags.integer("port", 0);
          flags.bool("use_tls", false);
        });
    assertEquals(message, e.getMessage());
  }
}
