package dev.shuttle.http2.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The mapping itself: every h2spec server case is claimed by at least one conformance test, and
 * no test claims an id h2spec does not have. (Whether those tests pass is for the tests.)
 */
class H2specCoverageTest {
  @Test
  void everyH2specServerCaseHasAConformanceTest() throws Exception {
    Set<String> claimed = new LinkedHashSet<>();
    for (Class<?> c : conformanceClasses()) {
      for (Method m : c.getDeclaredMethods()) {
        H2spec ids = m.getAnnotation(H2spec.class);
        if (ids != null) {
          claimed.addAll(List.of(ids.value()));
        }
      }
    }
    List<String> missing = new ArrayList<>(H2specCases.ALL);
    missing.removeAll(claimed);
    assertEquals(List.of(), missing, "h2spec cases without a conformance test");
    Set<String> unknown = new TreeSet<>(claimed);
    H2specCases.ALL.forEach(unknown::remove);
    assertEquals(Set.of(), unknown, "ids that are not h2spec server cases");
  }

  @Test
  void theCatalogueHasEveryCaseOnce() {
    assertEquals(147, H2specCases.ALL.size(), "95 http2, 8 hpack and 44 generic cases");
    assertEquals(H2specCases.ALL.size(), new LinkedHashSet<>(H2specCases.ALL).size());
  }

  /** The classes of this package that extend ConformanceTest, found next to this one. */
  private static List<Class<?>> conformanceClasses() throws URISyntaxException, ClassNotFoundException {
    URL here = H2specCoverageTest.class.getResource("H2specCoverageTest.class");
    assertTrue(here != null && "file".equals(here.getProtocol()), "test classes must be a directory: " + here);
    File[] files = new File(here.toURI()).getParentFile().listFiles((dir, name) -> name.endsWith(".class") && !name.contains("$"));
    List<Class<?>> classes = new ArrayList<>();
    for (File f : files) {
      String name = H2specCoverageTest.class.getPackageName() + "." + f.getName().replace(".class", "");
      Class<?> c = Class.forName(name);
      if (ConformanceTest.class.isAssignableFrom(c) && c != ConformanceTest.class) {
        classes.add(c);
      }
    }
    assertFalse(classes.isEmpty(), "no conformance classes found");
    return classes;
  }
}
