package dev.shuttle.interop;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints the {@link InteropMatrix} after a test run that filled any of it. Registered through
 * META-INF/services, so it runs in every JUnit Platform launch of this module and stays silent
 * when no interop case ran.
 */
public final class InteropMatrixSummary implements TestExecutionListener {
  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    InteropMatrix.clear();
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    if (!InteropMatrix.isEmpty()) {
      System.out.print(InteropMatrix.render());
    }
  }
}
