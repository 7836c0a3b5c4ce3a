package dev.shuttle.interop;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opentest4j.TestAbortedException;

/**
 * The interop results of one test run: for each pairing of a client and a server (a column) and
 * each {@link InteropCase} (a row), whether the case passed, failed, or cannot run with that
 * peer. {@link InteropMatrixSummary} prints it once the run ends, so that every cell shows up,
 * a case a peer does not support included.
 *
 * <pre>{@code
 * @ParameterizedTest
 * @EnumSource(InteropCase.class)
 * void shuttleClientAgainstGrpcJavaServer(InteropCase c) throws Exception {
 *   InteropMatrix.run("shuttle -> grpc-java", c, () -> runCase(c));
 * }
 * }</pre>
 */
final class InteropMatrix {
  enum Outcome {
    PASSED("pass"),
    FAILED("FAIL"),
    NOT_SUPPORTED("n/a");

    final String mark;

    Outcome(String mark) {
      this.mark = mark;
    }
  }

  record Cell(Outcome outcome, String detail) {}

  /** Thrown by a case that the peer of this pairing cannot run; the cell says why. */
  static final class NotSupported extends RuntimeException {
    NotSupported(String why) {
      super(why);
    }
  }

  /** A case to run; throws when it fails. */
  @FunctionalInterface
  interface CaseRun {
    void run() throws Exception;
  }

  private static final Map<String, Map<InteropCase, Cell>> COLUMNS = new LinkedHashMap<>();

  private InteropMatrix() {}

  /**
   * Runs one cell and records how it ended. A failure is rethrown (the test fails); a
   * {@link NotSupported} case is recorded with its reason and the test is aborted, not failed.
   */
  static void run(String pairing, InteropCase testCase, CaseRun run) throws Exception {
    try {
      run.run();
    } catch (NotSupported e) {
      record(pairing, testCase, Outcome.NOT_SUPPORTED, e.getMessage());
      throw new TestAbortedException(pairing + " cannot run " + testCase.flag() + ": " + e.getMessage());
    } catch (Exception | Error e) {
      record(pairing, testCase, Outcome.FAILED, String.valueOf(e.getMessage()));
      throw e;
    }
    record(pairing, testCase, Outcome.PASSED, "");
  }

  static synchronized void record(String pairing, InteropCase testCase, Outcome outcome, String detail) {
    COLUMNS.computeIfAbsent(pairing, p -> new EnumMap<>(InteropCase.class)).put(testCase, new Cell(outcome, detail));
  }

  static synchronized boolean isEmpty() {
    return COLUMNS.isEmpty();
  }

  static synchronized void clear() {
    COLUMNS.clear();
  }

  /**
   * The table: a row per case, a column per pairing, then a line of counts per column and the
   * reasons behind every cell that is not a pass. A case a pairing never reached shows "-".
   */
  static synchronized String render() {
    List<String> pairings = new ArrayList<>(COLUMNS.keySet());
    int caseWidth = "case".length();
    for (InteropCase c : InteropCase.values()) {
      caseWidth = Math.max(caseWidth, c.flag().length());
    }
    StringBuilder out = new StringBuilder("gRPC interop matrix (client -> server)\n");
    out.append(pad("case", caseWidth));
    for (String p : pairings) {
      out.append(" | ").append(p);
    }
    out.append('\n');
    List<String> notes = new ArrayList<>();
    for (InteropCase c : InteropCase.values()) {
      out.append(pad(c.flag(), caseWidth));
      for (String p : pairings) {
        Cell cell = COLUMNS.get(p).get(c);
        String mark = cell == null ? "-" : cell.outcome().mark;
        out.append(" | ").append(pad(mark, p.length()));
        if (cell != null && cell.outcome() != Outcome.PASSED) {
          notes.add(p + ", " + c.flag() + ": " + cell.outcome().mark + ": " + cell.detail());
        }
      }
      out.append('\n');
    }
    for (String p : pairings) {
      int[] counts = new int[Outcome.values().length];
      for (Cell cell : COLUMNS.get(p).values()) {
        counts[cell.outcome().ordinal()]++;
      }
      out.append(p)
          .append(": ")
          .append(counts[Outcome.PASSED.ordinal()])
          .append(" passed, ")
          .append(counts[Outcome.FAILED.ordinal()])
          .append(" failed, ")
          .append(counts[Outcome.NOT_SUPPORTED.ordinal()])
          .append(" not supported by the peer, of ")
          .append(InteropCase.values().length)
          .append(" cases\n");
    }
    for (String note : notes) {
      out.append("  ").append(note).append('\n');
    }
    return out.toString();
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
