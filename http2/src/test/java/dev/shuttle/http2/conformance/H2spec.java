package dev.shuttle.http2.conformance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The h2spec server test cases a conformance test covers, as {@code group/section/number} (for
 * example {@code "http2/6.5.3/1"}: the first case of h2spec's http2 section 6.5.3). A test that
 * goes beyond h2spec carries none. The ids appear in the test's display name, and
 * {@link H2specCases} lists them all.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface H2spec {
  String[] value();
}
