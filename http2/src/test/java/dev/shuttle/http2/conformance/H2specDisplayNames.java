package dev.shuttle.http2.conformance;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGenerator;

/** Display names that carry the h2spec case ids: {@code method() [h2spec http2/6.5.3/1]}. */
public final class H2specDisplayNames extends DisplayNameGenerator.Standard {
  @Override
  public String generateDisplayNameForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method method) {
    String name = super.generateDisplayNameForMethod(enclosingInstanceTypes, testClass, method);
    H2spec ids = method.getAnnotation(H2spec.class);
    return ids == null ? name : name + " [h2spec " + String.join(", ", ids.value()) + "]";
  }
}
