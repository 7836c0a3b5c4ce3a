package dev.shuttle.http2;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints one line after a test run that ran {@link FuzzTest} targets in regression mode: how many
 * inputs (corpus files, plus the empty input Jazzer always adds) ran over how many targets, and
 * whether all passed. Registered through {@code META-INF/services} in test resources. The same
 * class lives in core's tests, for core's targets.
 */
public final class FuzzRegressionSummary implements TestExecutionListener {
  private final Set<String> targets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inputs = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (!test.isTest() || !(test.getSource().orElse(null) instanceof MethodSource source)) {
      return;
    }
    Method method;
    try {
      method = source.getJavaMethod();
    } catch (RuntimeException e) {
      return; // not a method we can load: not ours
    }
    if (!method.isAnnotationPresent(FuzzTest.class)) {
      return;
    }
    targets.add(source.getClassName() + "#" + source.getMethodName());
    inputs.incrementAndGet();
    if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
      failed.incrementAndGet();
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan plan) {
    if (inputs.get() == 0) {
      return;
    }
    String env = System.getenv("JAZZER_FUZZ");
    String mode = env == null || env.isEmpty() ? "fuzz regression" : "fuzzing run";
    Path module = Path.of("").toAbsolutePath().getFileName();
    String outcome = failed.get() == 0 ? "all passed" : (inputs.get() - failed.get()) + " passed, " + failed.get() + " FAILED";
    int n = targets.size();
    System.out.printf("%s (%s): %d inputs over %d target%s, %s%n", mode, module, inputs.get(), n, n == 1 ? "" : "s", outcome);
  }
}
