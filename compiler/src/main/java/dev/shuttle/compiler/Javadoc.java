package dev.shuttle.compiler;

import java.util.ArrayList;
import java.util.List;

/** Turns free text from {@code .proto} comments into Javadoc lines that cannot break the source. */
final class Javadoc {
  private Javadoc() {}

  /**
   * The comment's lines, escaped and with the indentation they share removed; blank lines at
   * either end are dropped and a blank line inside starts a new {@code <p>} paragraph.
   */
  static List<String> fromProtoComment(String comment) {
    List<String> lines = new ArrayList<>(List.of(comment.replace("\r", "").split("\n", -1)));
    while (!lines.isEmpty() && lines.get(0).isBlank()) {
      lines.remove(0);
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    int indent = Integer.MAX_VALUE;
    for (String line : lines) {
      if (!line.isBlank()) {
        indent = Math.min(indent, line.length() - line.stripLeading().length());
      }
    }
    List<String> out = new ArrayList<>(lines.size());
    boolean paragraphBreak = false;
    for (String line : lines) {
      if (line.isBlank()) {
        paragraphBreak = true;
        continue;
      }
      if (paragraphBreak) {
        out.add("");
        out.add("<p>" + escape(line.substring(indent).stripTrailing()));
        paragraphBreak = false;
      } else {
        out.add(escape(line.substring(indent).stripTrailing()));
      }
    }
    return out;
  }

  /**
   * A member's Javadoc: the author's comment from the {@code .proto} if any, then our own text
   * (lines of valid Javadoc, not escaped), then a {@code @deprecated} tag if the declaration is
   * deprecated in the {@code .proto}.
   */
  static List<String> compose(String protoComment, boolean deprecated, String... ownLines) {
    List<String> lines = new ArrayList<>(fromProtoComment(protoComment));
    if (!lines.isEmpty()) {
      lines.add("");
      lines.add("<p>" + ownLines[0]);
    } else {
      lines.add(ownLines[0]);
    }
    lines.addAll(List.of(ownLines).subList(1, ownLines.length));
    if (deprecated) {
      lines.add("");
      lines.add("@deprecated marked {@code deprecated} in the {@code .proto} file.");
    }
    return lines;
  }

  /**
   * Escapes text for a Javadoc comment. Besides HTML's {@code < > &}, it neutralises what would end
   * the comment ({@code *}{@code /}), start a tag ({@code @}, e.g. a stray {@code @deprecated} that
   * javac would check against annotations) or a unicode escape, which javac decodes even inside
   * comments, so that a backslash-u sequence could smuggle a comment end in.
   */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '@' -> out.append("&#64;");
        case '\\' -> out.append("&#92;");
        case '/' -> out.append(i > 0 && text.charAt(i - 1) == '*' ? "&#47;" : "/");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
