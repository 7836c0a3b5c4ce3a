package dev.shuttle.compiler;

import java.util.List;

/** Builds a Java source file line by line, keeping track of indentation (two spaces a level). */
final class SourceWriter {
  private static final int MAX_WIDTH = 100;

  private final StringBuilder out = new StringBuilder(4096);
  private int depth;

  /** One line at the current indentation; an empty line has no trailing spaces. */
  SourceWriter line(String text) {
    if (!text.isEmpty()) {
      out.append("  ".repeat(depth)).append(text);
    }
    out.append('\n');
    return this;
  }

  SourceWriter blank() {
    return line("");
  }

  /** Writes {@code text}, then indents what follows: for a line that opens a block. */
  SourceWriter open(String text) {
    line(text);
    depth++;
    return this;
  }

  /**
   * Opens a block whose header lists items in parentheses, e.g. a method's parameters: on one line
   * when it fits, otherwise one item a line, indented twice, which keeps signatures full of
   * qualified names readable.
   */
  SourceWriter openList(String head, List<String> items, String tail) {
    String oneLine = head + "(" + String.join(", ", items) + ")" + tail;
    if (items.isEmpty() || 2 * depth + oneLine.length() <= MAX_WIDTH) {
      return open(oneLine);
    }
    line(head + "(");
    for (int i = 0; i < items.size(); i++) {
      line("    " + items.get(i) + (i < items.size() - 1 ? "," : ")" + tail));
    }
    depth++;
    return this;
  }

  /** Outdents, then writes {@code text}: for a line that closes a block. */
  SourceWriter close(String text) {
    depth--;
    return line(text);
  }

  /**
   * A Javadoc comment made of the given lines, with nothing written when there are none. Lines
   * must already be escaped (see {@link Javadoc}).
   */
  SourceWriter javadoc(List<String> lines) {
    if (lines.isEmpty()) {
      return this;
    }
    line("/**");
    for (String text : lines) {
      line(text.isEmpty() ? " *" : " * " + text);
    }
    return line(" */");
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
