package dev.shuttle.compilertests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

/** Reflection helpers for checking generated classes. */
final class Signatures {
  private Signatures() {}

  /** The only public method named {@code name} declared by {@code type}. */
  static Method method(Class<?> type, String name) {
    List<Method> found =
        Arrays.stream(type.getDeclaredMethods())
            .filter(m -> m.getName().equals(name) && Modifier.isPublic(m.getModifiers()))
            .toList();
    if (found.size() != 1) {
      fail(type.getName() + " declares " + found.size() + " public methods named " + name + ": " + found);
    }
    return found.get(0);
  }

  /**
   * Checks a method's full generic signature, in {@link Method#toGenericString()} form but without
   * the declaring class: e.g. {@code public void ticks(A,B<C>)}. Nested classes are written with
   * {@code $}.
   */
  static void assertSignature(String expected, Class<?> type, String name) {
    String actual = method(type, name).toGenericString().replace(type.getName() + ".", "");
    assertEquals(expected, actual);
  }

  /** The names of the public methods {@code type} itself declares, sorted. */
  static List<String> publicMethodNames(Class<?> type) {
    return Arrays.stream(type.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()))
        .map(Method::getName)
        .sorted()
        .toList();
  }
}
