package dev.shuttle.compiler;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Hands out names that are unique within one scope. A wanted name that is taken, reserved or not
 * a legal identifier gets a trailing {@code _}, repeatedly, until it is free: the one rule every
 * generated name follows, so that users can predict what a clash turns a name into.
 */
final class UniqueNames {
  private final Set<String> taken = new HashSet<>();
  private final Predicate<String> reserved;
  private final boolean ignoreCase;

  private UniqueNames(Predicate<String> reserved, boolean ignoreCase) {
    this.reserved = reserved;
    this.ignoreCase = ignoreCase;
  }

  /** A scope in which {@code reserved} names are never handed out; names compare exactly. */
  static UniqueNames reserving(Predicate<String> reserved) {
    return new UniqueNames(reserved, false);
  }

  /**
   * A scope whose names must also differ in more than case, as class names must: on macOS and
   * Windows file systems {@code Foo.java} and {@code FOO.java} are the same file.
   */
  static UniqueNames ignoringCase(Predicate<String> reserved) {
    return new UniqueNames(reserved, true);
  }

  /** Marks {@code name} as used without handing it out. */
  void take(String name) {
    taken.add(key(name));
  }

  /** {@code wanted}, or {@code wanted} with as many {@code _} appended as it takes to be free. */
  String claim(String wanted) {
    String name = wanted;
    while (!JavaIdentifiers.isIdentifier(name) || reserved.test(name) || taken.contains(key(name))) {
      name += "_";
    }
    taken.add(key(name));
    return name;
  }

  private String key(String name) {
    return ignoreCase ? name.toLowerCase(Locale.ROOT) : name;
  }
}
