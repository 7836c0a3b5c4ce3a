package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.bench.Report.Comparison;
import dev.shuttle.bench.Results.Better;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's arithmetic and its two renderings, on rows written the way benchmarks write them. */
class ReportTest {
  private static final Report.Machine MACHINE = new Report.Machine(2, "Test CPU", "Test VM 25", "Linux amd64");

  @TempDir Path dir;

  private List<Comparison> compare(Path file) throws Exception {
    return Report.compare(Results.read(file));
  }

  @Test
  void shuttleIsComparedWithGrpcJavasBestSettingInEachDirection() throws Exception {
    Path file = dir.resolve("results.tsv");
    Results results = Results.appendingTo(file);
    results.add("Throughput", "c=4", "requests/s", Better.HIGHER, "Shuttle", 300_000, 2.0);
    results.add("Throughput", "c=4", "requests/s", Better.HIGHER, "grpc-java (default executor)", 40_000, 2.0);
    results.add("Throughput", "c=4", "requests/s", Better.HIGHER, "grpc-java (directExecutor)", 200_000, 2.0);
    results.add("Latency", "90 %", "p99 µs", Better.LOWER, "Shuttle", 300, 0.5);
    results.add("Latency", "90 %", "p99 µs", Better.LOWER, "grpc-java (default executor)", 900, 0.5);
    results.add("Latency", "90 %", "p99 µs", Better.LOWER, "grpc-java (directExecutor)", 500, 0.5);
    results.add("Only one side", "x", "calls/s", Better.HIGHER, "Shuttle", 1, 0);

    List<Comparison> comparisons = compare(file);

    assertEquals(2, comparisons.size(), "a group without grpc-java is left out");
    Comparison throughput = comparisons.get(0);
    assertEquals("grpc-java (directExecutor)", throughput.grpcImpl());
    assertEquals(1.5, throughput.ratio(), 1e-9);
    assertEquals(1.5, throughput.advantage(), 1e-9);
    assertFalse(throughput.meetsTarget(), "1.5x is short of 2x");
    Comparison latency = comparisons.get(1);
    assertEquals(500, latency.grpc(), 1e-9, "the lowest latency is grpc-java's best");
    assertEquals(0.6, latency.ratio(), 1e-9);
    assertEquals(500.0 / 300, latency.advantage(), 1e-9);
    assertFalse(latency.meetsTarget(), "0.6 of grpc-java's p99 is more than half");
  }

  @Test
  void markdownHasOneTablePerBenchmarkWithRatioAndTargetVerdict() throws Exception {
    Path file = dir.resolve("results.tsv");
    Results results = Results.appendingTo(file);
    results.add("Throughput", "c=4", "requests/s", Better.HIGHER, "Shuttle", 500_000, 2.0);
    results.add("Throughput", "c=4", "requests/s", Better.HIGHER, "grpc-java (directExecutor)", 200_000, 2.0);
    results.add("Footprint", "RSS", "MiB", Better.LOWER, "Shuttle", 100, 0.5);
    results.add("Footprint", "RSS", "MiB", Better.LOWER, "grpc-java", 150, 0.5);

    String md = Report.markdown(compare(file), MACHINE, "2026-12-01 12:00 UTC", Duration.ofMinutes(3), false, List.of());

    assertTrue(md.contains("## Throughput\n"), md);
    assertTrue(md.contains("## Footprint\n"), md);
    assertTrue(md.contains("| c=4 | requests/s (higher is better) | 500,000 | 200,000 (directExecutor) | 2.50 | 2.50 | ≥ 2 | met |"), md);
    assertTrue(md.contains("| RSS | MiB (lower is better) | 100 | 150 | 0.67 | 1.50 | ≤ 0.5 | **missed** |"), md);
    assertTrue(md.contains("2 cores (Test CPU), Test VM 25"), md);
    assertFalse(md.contains("Smoke run"), md);
  }

  @Test
  void svgIsWellFormedWithABarPerComparison() throws Exception {
    Path file = dir.resolve("results.tsv");
    Results results = Results.appendingTo(file);
    results.add("A <&> benchmark", "s", "m", Better.HIGHER, "Shuttle", 3, 1.5);
    results.add("A <&> benchmark", "s", "m", Better.HIGHER, "grpc-java", 1, 1.5);
    results.add("B", "s", "m", Better.LOWER, "Shuttle", 1000, 0);
    results.add("B", "s", "m", Better.LOWER, "grpc-java", 1, 0); // off the scale: clamped, not lost

    String svg = Report.svg(compare(file), MACHINE, "today", true);

    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertEquals("svg", doc.getDocumentElement().getNodeName());
    assertEquals(1 + 2, doc.getElementsByTagName("rect").getLength(), "the background and one bar each");
    assertTrue(svg.contains(">3.00x<") && svg.contains(">&lt;0.001x<"), svg);
    assertTrue(svg.contains("SMOKE RUN"), svg);
  }

  @Test
  void ratiosArePrintedWithFewerDecimalsFurtherFromParityAndBoundedPast1000x() {
    assertEquals("0.50x", Report.ratioText(0.5));
    assertEquals("2.07x", Report.ratioText(2.071));
    assertEquals("12.3x", Report.ratioText(12.34));
    assertEquals("250x", Report.ratioText(250.2));
    assertEquals(">1000x", Report.ratioText(111_332), "a zero-allocation row says nothing more precise");
  }

  @Test
  void theLabelColumnIsAsWideAsTheLongestLabel() throws Exception {
    Path file = dir.resolve("results.tsv");
    Results results = Results.appendingTo(file);
    String longScenario = "x".repeat(120);
    results.add("JMH", longScenario, "ops/s", Better.HIGHER, "Shuttle", 2, 0);
    results.add("JMH", longScenario, "ops/s", Better.HIGHER, "grpc-java", 1, 0);

    String svg = Report.svg(compare(file), MACHINE, "today", false);

    var label = java.util.regex.Pattern.compile("<text x=\"([0-9.]+)\"[^>]*text-anchor=\"end\">JMH: x+").matcher(svg);
    assertTrue(label.find(), svg);
    double rightEdge = Double.parseDouble(label.group(1));
    assertTrue(rightEdge >= 6 * ("JMH: " + longScenario + ", ops/s").length(), "the label ends at " + rightEdge);
  }

  @Test
  void aRowThatIsNotSevenFieldsIsRefused() throws Exception {
    Path file = dir.resolve("bad.tsv");
    Files.writeString(file, "just\tthree\tfields\n");
    assertThrows(IllegalArgumentException.class, () -> Results.read(file));
  }

  @Test
  void unknownBenchmarkNamesAndFlagsAreUsageErrors() {
    assertThrows(IllegalArgumentException.class, () -> Report.parse(new String[] {"--only", "nope"}));
    assertThrows(IllegalArgumentException.class, () -> Report.parse(new String[] {"--bogus"}));
    assertEquals(1, Report.parse(new String[] {"--only=grpc-bench", "--smoke"}).benchmarks().size());
  }
}
