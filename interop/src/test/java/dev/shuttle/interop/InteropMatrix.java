package dev.shuttle.interop;

import java.util.ArrayList;
import java.util.Comparator;
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
  /** The pairings, client first; the table shows them in this order, any other after them. */
  static final String SHUTTLE_TO_GRPC_JAVA = "shuttle -> grpc-java";

  static final String GRPC_JAVA_TO_SHUTTLE = "grpc-java -> shuttle";
  static final String SHUTTLE_TO_SHUTTLE = "shuttle -> shuttle";
  static final String PYTHON_TO_SHUTTLE = "python -> shuttle";
  static final String SHUTTLE_TO_PYTHON = "shuttle -> python";
  static final String PYTHON_TO_GRPC_JAVA = "python -> grpc-java";
  static final String GRPC_JAVA_TO_PYTHON = "grpc-java -> python";
  static final String SHUTTLE_TO_GRPC_JAVA_TLS = "shuttle -> grpc-java, TLS";
  static final String GRPC_JAVA_TO_SHUTTLE_TLS = "grpc-java -> shuttle, TLS";

  private static final List<String> COLUMN_ORDER =
      List.of(
          SHUTTLE_TO_GRPC_JAVA,
          GRPC_JAVA_TO_SHUTTLE,
          SHUTTLE_TO_SHUTTLE,
          PYTHON_TO_SHUTTLE,
          SHUTTLE_TO_PYTHON,
          SHUTTLE_TO_GRPC_JAVA_TLS,
          GRPC_JAVA_TO_SHUTTLE_TLS,
          PYTHON_TO_GRPC_JAVA,
          GRPC_JAVA_TO_PYTHON);

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
   * The table: a row per case, a numbered column per pairing (the legend above it names them),
   * then a line of counts per pairing and the reason behind every cell that is not a pass, once
   * for all the columns it applies to. A case a pairing never reached shows "-" (not run).
   */
  static synchronized String render() {
    List<String> pairings = new ArrayList<>(COLUMNS.keySet());
    pairings.sort(Comparator.comparingInt(p -> COLUMN_ORDER.contains(p) ? COLUMN_ORDER.indexOf(p) : COLUMN_ORDER.size()));
    int caseWidth = "case".length();
    for (InteropCase c : InteropCase.values()) {
      caseWidth = Math.max(caseWidth, c.flag().length());
    }
    List<String> labels = new ArrayList<>();
    StringBuilder out = new StringBuilder("gRPC interop matrix: a row per case, a column per client -> server pairing\n");
    for (int i = 0; i < pairings.size(); i++) {
      labels.add("(" + (i + 1) + ")");
      out.append("  ").append(labels.get(i)).append(' ').append(pairings.get(i)).append('\n');
    }
    out.append(pad("case", caseWidth));
    for (String label : labels) {
      out.append(" | ").append(pad(label, 4));
    }
    out.append('\n');
    // Reason -> the columns it explains, in table order.
    Map<String, List<String>> notes = new LinkedHashMap<>();
    for (InteropCase c : InteropCase.values()) {
      out.append(pad(c.flag(), caseWidth));
      for (int i = 0; i < pairings.size(); i++) {
        Cell cell = COLUMNS.get(pairings.get(i)).get(c);
        String mark = cell == null ? "-" : cell.outcome().mark;
        out.append(" | ").append(pad(mark, Math.max(4, labels.get(i).length())));
        if (cell != null && cell.outcome() != Outcome.PASSED) {
          notes.computeIfAbsent(c.flag() + ": " + cell.outcome().mark + ": " + cell.detail(), k -> new ArrayList<>())
              .add(labels.get(i));
        }
      }
      out.append('\n');
    }
    for (int i = 0; i < pairings.size(); i++) {
      int[] counts = new int[Outcome.values().length];
      for (Cell cell : COLUMNS.get(pairings.get(i)).values()) {
        counts[cell.outcome().ordinal()]++;
      }
      int notRun = InteropCase.values().length - COLUMNS.get(pairings.get(i)).size();
      out.append(labels.get(i))
          .append(' ')
          .append(pairings.get(i))
          .append(": ")
          .append(counts[Outcome.PASSED.ordinal()])
          .append(" passed, ")
          .append(counts[Outcome.FAILED.ordinal()])
          .append(" failed, ")
          .append(counts[Outcome.NOT_SUPPORTED.ordinal()])
          .append(" not supported by the peer")
          .append(notRun == 0 ? "" : ", " + notRun + " not run")
          .append(", of ")
          .append(InteropCase.values().length)
          .append(" cases\n");
    }
    notes.forEach((note, columns) -> out.append("  ").append(String.join(" ", columns)).append(' ').append(note).append('\n'));
    return out.toString();
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
