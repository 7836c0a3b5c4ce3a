package dev.shuttle.compilertests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** retired.proto: a deprecated service, and a service using a deprecated message. */
class DeprecationTest {
  @Test
  void aDeprecatedServiceDeprecatesBothClasses() throws ClassNotFoundException {
    assertTrue(Class.forName("dev.shuttle.compilertests.retired.MuseumService").isAnnotationPresent(Deprecated.class));
    assertTrue(Class.forName("dev.shuttle.compilertests.retired.MuseumClient").isAnnotationPresent(Deprecated.class));
  }

  @Test
  void usingADeprecatedMessageDoesNotDeprecateTheService() throws ClassNotFoundException {
    // That it compiles without a deprecation warning is checked by GeneratedSourcesTest.
    assertFalse(Class.forName("dev.shuttle.compilertests.retired.DigService").isAnnotationPresent(Deprecated.class));
  }
}
