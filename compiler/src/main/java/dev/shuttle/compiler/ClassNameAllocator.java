package dev.shuttle.compiler;

import java.util.HashMap;
import java.util.Map;

/**
 * Chooses the simple names of Shuttle's generated classes so that none collides, in its Java
 * package, with a top-level class protoc generates for any file of the request (outer classes,
 * and message, {@code OrBuilder} and enum classes of files that do not nest them) nor with
 * another class Shuttle generates in the same run. A wanted name that is taken, also when only
 * case differs, gets a trailing {@code _}, repeatedly: service {@code Greeter} next to a message
 * {@code GreeterService} gets {@code GreeterService_}, and so does service {@code
 * GreeterService} next to protoc's {@code java_generic_services} class of the same name. Names
 * are claimed in request order, so of two services {@code Greeter} and {@code GreeterService} in
 * one package the one declared first keeps {@code GreeterService}.
 *
 * <p>Classes of files outside the request cannot be seen, so a clash with one of those still
 * surfaces as a duplicate class error from javac.
 */
final class ClassNameAllocator {
  private final TypeIndex types;
  private final Map<String, UniqueNames> byPackage = new HashMap<>();

  ClassNameAllocator(TypeIndex types) {
    this.types = types;
  }

  String claim(String javaPackage, String wanted) {
    return byPackage.computeIfAbsent(javaPackage, this::scopeOf).claim(wanted);
  }

  private UniqueNames scopeOf(String javaPackage) {
    UniqueNames scope = UniqueNames.ignoringCase(name -> false);
    types.topLevelClasses(javaPackage).forEach(scope::take);
    return scope;
  }
}
