package dev.shuttle.compiler;

import java.util.Set;

/** Turns protobuf names into Java identifiers, and knows which identifiers Java will not accept. */
final class JavaIdentifiers {

  /** Reserved keywords and literals of Java 21; none of them can name a method or a field. */
  static final Set<String> KEYWORDS =
      Set.of(
          "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class",
          "const", "continue", "default", "do", "double", "else", "enum", "extends", "final",
          "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
          "interface", "long", "native", "new", "package", "private", "protected", "public",
          "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
          "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false",
          "null", "_");

  /**
   * Contextual keywords that are legal method names but cannot be called unqualified ({@code
   * yield(x)} is a yield statement since Java 14), so a user's subclass could not call them
   * naturally.
   */
  static final Set<String> AWKWARD_METHOD_NAMES = Set.of("yield");

  /** Methods every class inherits; an rpc method of the same name would read as an overload. */
  static final Set<String> OBJECT_METHODS =
      Set.of(
          "getClass", "hashCode", "equals", "clone", "toString", "notify", "notifyAll", "wait",
          "finalize");

  private JavaIdentifiers() {}

  /**
   * The lowerCamelCase form of an rpc name, by protobuf-java's own camel-casing rule (underscores
   * and digits start a new word, the very first letter is lower-cased, other capitals are kept),
   * so that {@code GetRandom} becomes {@code getRandom} and {@code get_random} does too. Unlike
   * protoc, a word after leading underscores is lower-cased too: {@code _leading} gives {@code
   * leading}, not {@code Leading}.
   */
  static String lowerCamel(String protoName) {
    String camel = underscoresToCamelCase(protoName, false);
    if (!camel.isEmpty() && isUpper(camel.charAt(0))) {
      camel = (char) (camel.charAt(0) - 'A' + 'a') + camel.substring(1);
    }
    return fixStart(camel);
  }

  /**
   * protobuf-java's camel-casing (as used for file, field and method names): letters are kept,
   * except that a letter after a non-letter is capitalised and the very first one follows {@code
   * capitalizeFirst}; digits are kept; anything else is dropped and capitalises what follows.
   */
  static String underscoresToCamelCase(String input, boolean capitalizeFirst) {
    StringBuilder out = new StringBuilder(input.length());
    boolean capitalizeNext = capitalizeFirst;
    for (int i = 0; i < input.length(); i++) {
      char c = input.charAt(i);
      if (c >= 'a' && c <= 'z') {
        out.append(capitalizeNext ? (char) (c - 'a' + 'A') : c);
        capitalizeNext = false;
      } else if (c >= 'A' && c <= 'Z') {
        out.append(i == 0 && !capitalizeNext ? (char) (c - 'A' + 'a') : c);
        capitalizeNext = false;
      } else if (c >= '0' && c <= '9') {
        out.append(c);
        capitalizeNext = true;
      } else {
        capitalizeNext = true;
      }
    }
    return out.toString();
  }

  /**
   * The UPPER_SNAKE_CASE form of an rpc name: a word boundary falls before a capital that follows
   * a lower-case letter or digit, and before the last capital of an acronym that a lower-case
   * letter follows ({@code HTTPServer} becomes {@code HTTP_SERVER}).
   */
  static String upperSnake(String protoName) {
    StringBuilder out = new StringBuilder(protoName.length() + 4);
    for (int i = 0; i < protoName.length(); i++) {
      char c = protoName.charAt(i);
      if (isUpper(c) && i > 0 && out.length() > 0 && out.charAt(out.length() - 1) != '_') {
        char prev = protoName.charAt(i - 1);
        boolean nextIsLower = i + 1 < protoName.length() && isLower(protoName.charAt(i + 1));
        if (isLower(prev) || isDigit(prev) || (isUpper(prev) && nextIsLower)) {
          out.append('_');
        }
      }
      out.append(isLower(c) ? (char) (c - 'a' + 'A') : c);
    }
    return fixStart(out.toString());
  }

  /** Whether {@code name} can be declared as a Java identifier. */
  static boolean isIdentifier(String name) {
    if (name.isEmpty() || KEYWORDS.contains(name) || !Character.isJavaIdentifierStart(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      if (!Character.isJavaIdentifierPart(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The first segment of a dotted Java name: {@code com} for {@code com.example.Foo}. */
  static String firstSegment(String qualifiedName) {
    int dot = qualifiedName.indexOf('.');
    return dot < 0 ? qualifiedName : qualifiedName.substring(0, dot);
  }

  // Proto identifiers may start with '_', which camel-casing drops, leaving "" or a leading digit.
  private static String fixStart(String name) {
    return name.isEmpty() || isDigit(name.charAt(0)) ? "_" + name : name;
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
