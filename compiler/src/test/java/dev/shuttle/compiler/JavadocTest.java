package dev.shuttle.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class JavadocTest {
  @Test
  void escapesWhatWouldBreakTheCommentOrTheSource() {
    assertEquals("a *&#47; b", Javadoc.escape("a */ b"));
    assertEquals("&#64;deprecated", Javadoc.escape("@deprecated"));
    assertEquals("&lt;b&gt; &amp;", Javadoc.escape("<b> &"));
    assertEquals("&#92;u002a/", Javadoc.escape("\\u002a/"));
    assertEquals("a/b /* c", Javadoc.escape("a/b /* c"));
    assertEquals("发送 id 返回 随机数", Javadoc.escape("发送 id 返回 随机数"));
  }

  @Test
  void dropsCommonIndentationAndOuterBlankLines() {
    String comment = "\n Sends an id.\n   Indented more.\n\n";
    assertEquals(List.of("Sends an id.", "  Indented more."), Javadoc.fromProtoComment(comment));
  }

  @Test
  void blankLinesStartParagraphs() {
    assertEquals(List.of("One.", "", "<p>Two."), Javadoc.fromProtoComment(" One.\n\n Two.\n"));
  }

  @Test
  void composeAddsOurTextAndTheDeprecationTag() {
    assertEquals(List.of("Ours."), Javadoc.compose("", false, "Ours."));
    assertEquals(
        List.of("Theirs.", "", "<p>Ours,", "more.", "", "@deprecated marked {@code deprecated} in the {@code .proto} file."),
        Javadoc.compose(" Theirs.\n", true, "Ours,", "more."));
  }
}
