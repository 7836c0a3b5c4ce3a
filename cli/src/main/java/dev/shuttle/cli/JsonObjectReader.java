package dev.shuttle.cli;

import java.io.IOException;
import java.io.Reader;

/**
 * Splits a character stream into its top-level JSON objects, each returned as soon as its closing
 * brace is read: so a bidi call sends a request the moment its line is typed, not at EOF.
 * Objects may be on one line each (JSON lines), several to a line, or spread over lines; only
 * whitespace may come between them. It finds where an object ends (braces outside strings) and
 * leaves the parsing to JsonFormat.
 */
final class JsonObjectReader {
  private final Reader in;

  JsonObjectReader(Reader in) {
    this.in = in;
  }

  /** The next object's text, or null at the end of the input. */
  String next() throws IOException {
    int c;
    do {
      c = in.read();
    } while (c != -1 && Character.isWhitespace(c));
    if (c == -1) {
      return null;
    }
    if (c != '{') {
      throw CliException.badInput("expected a JSON object, found '" + (char) c + "'", null);
    }
    StringBuilder text = new StringBuilder().append('{');
    int depth = 1;
    boolean inString = false;
    boolean escaped = false;
    while (depth > 0) {
      c = in.read();
      if (c == -1) {
        throw CliException.badInput("the input ends inside a JSON object: " + text, null);
      }
      text.append((char) c);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return text.toString();
  }
}
