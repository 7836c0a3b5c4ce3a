package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * {@code Status} and {@code Status.Code} must initialise in either order: a fresh client touches
 * {@code Status.Code} first (reading {@code grpc-status}), a server usually {@code Status}. Each
 * test loads shuttle-core afresh in its own class loader, so the order is the test's, not whatever
 * earlier tests in this JVM happened to do.
 */
class StatusClassInitializationTest {
  private static URLClassLoader freshShuttleCore() {
    URL core = dev.shuttle.Status.class.getProtectionDomain().getCodeSource().getLocation();
    return new URLClassLoader(new URL[] {core}, ClassLoader.getPlatformClassLoader());
  }

  @Test
  void statusCodeMayBeInitialisedBeforeStatus() throws Exception {
    try (URLClassLoader loader = freshShuttleCore()) {
      Object ok =
          assertDoesNotThrow(
              () -> Class.forName("dev.shuttle.Status$Code", true, loader).getMethod("fromValue", int.class).invoke(null, 0),
              "initialising Status.Code before Status must work");
      Object status = ok.getClass().getMethod("toStatus").invoke(ok);
      assertNotNull(status);
      Class<?> statusClass = Class.forName("dev.shuttle.Status", true, loader);
      assertEquals(status, statusClass.getField("OK").get(null));
    }
  }

  @Test
  void statusMayBeInitialisedBeforeStatusCode() throws Exception {
    try (URLClassLoader loader = freshShuttleCore()) {
      Class<?> statusClass = Class.forName("dev.shuttle.Status", true, loader);
      Object ok = statusClass.getField("OK").get(null);
      assertNotNull(ok);
      Object code = Class.forName("dev.shuttle.Status$Code", true, loader).getMethod("fromValue", int.class).invoke(null, 0);
      assertEquals(ok, code.getClass().getMethod("toStatus").invoke(code));
    }
  }
}
