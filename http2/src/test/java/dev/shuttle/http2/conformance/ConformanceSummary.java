package dev.shuttle.http2.conformance;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints one line after a test run that included conformance cases: how many passed, failed or
 * are disabled, and how many of h2spec's server cases the passing ones cover. Registered through
 * META-INF/services, so it runs in every JUnit Platform launch of this module and stays silent
 * when no conformance test ran.
 */
public final class ConformanceSummary implements TestExecutionListener {
  private int passed;
  private int failed;
  private int disabled;
  private final Set<String> covered = new LinkedHashSet<>();
  private final Set<String> claimedByDisabled = new LinkedHashSet<>();

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    passed = 0;
    failed = 0;
    disabled = 0;
    covered.clear();
    claimedByDisabled.clear();
  }

  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    // A disabled parameterized test is skipped as a container: it counts once.
    Optional<Method> method = conformanceMethod(test);
    if (method.isPresent()) {
      disabled++;
      claimedByDisabled.addAll(ids(method.get()));
    }
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    Optional<Method> method = conformanceMethod(test);
    if (method.isEmpty() || !test.isTest()) {
      return;
    }
    if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
      passed++;
      covered.addAll(ids(method.get()));
    } else {
      failed++;
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    if (passed + failed + disabled == 0) {
      return;
    }
    int all = H2specCases.ALL.size();
    List<String> missing = new ArrayList<>(H2specCases.ALL);
    missing.removeAll(covered);
    StringBuilder line = new StringBuilder("HTTP/2 conformance: ").append(passed).append(" cases passed");
    if (failed > 0) {
      line.append(", ").append(failed).append(" FAILED");
    }
    if (disabled > 0) {
      line.append(", ").append(disabled).append(" disabled");
    }
    if (missing.isEmpty()) {
      line.append(" (covering all ").append(all).append(" h2spec server cases)");
    } else {
      line.append(" (covering ").append(all - missing.size()).append(" of ").append(all).append(" h2spec server cases");
      if (missing.size() <= 12) {
        line.append("; not passing here: ").append(String.join(", ", missing));
      }
      line.append(')');
    }
    System.out.println(line);
  }

  private static List<String> ids(Method method) {
    H2spec ids = method.getAnnotation(H2spec.class);
    return ids == null ? List.of() : List.of(ids.value());
  }

  /** The test method when the test is a case of a conformance class, else empty. */
  private static Optional<Method> conformanceMethod(TestIdentifier test) {
    Optional<TestSource> source = test.getSource();
    if (source.isEmpty() || !(source.get() instanceof MethodSource ms)) {
      return Optional.empty();
    }
    try {
      Method method = ms.getJavaMethod();
      return ConformanceTest.class.isAssignableFrom(method.getDeclaringClass()) ? Optional.of(method) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
