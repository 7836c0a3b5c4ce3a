package dev.shuttle.compiler;

import java.util.Set;

/**
 * Names of the parameters, fields, nested classes and type variables in generated code. Java reads
 * {@code a.b.C} as a member of a variable {@code a} (or a type {@code a}) when one is in scope, so
 * a parameter named {@code request} would break every reference into a Java package named {@code
 * request.*}; such a name gets a trailing {@code _}.
 */
record LocalNames(
    String request,
    String requests,
    String responses,
    String context,
    String invoker,
    String options,
    String timeout,
    String metadata,
    String deadline,
    String encoding,
    String holder,
    String interceptors,
    String handlers,
    String service,
    String method,
    String requestVariable,
    String responseVariable) {

  /** The usual names, each changed only if it is the first segment of a referenced package. */
  static LocalNames avoiding(Set<String> packageRoots) {
    return new LocalNames(
        avoid("request", packageRoots),
        avoid("requests", packageRoots),
        avoid("responses", packageRoots),
        avoid("context", packageRoots),
        avoid("invoker", packageRoots),
        avoid("options", packageRoots),
        avoid("timeout", packageRoots),
        avoid("metadata", packageRoots),
        avoid("deadline", packageRoots),
        avoid("encoding", packageRoots),
        avoid("holder", packageRoots),
        avoid("interceptors", packageRoots),
        avoid("MethodHandlers", packageRoots),
        avoid("service", packageRoots),
        avoid("method", packageRoots),
        avoid("Req", packageRoots),
        avoid("Resp", packageRoots));
  }

  private static String avoid(String name, Set<String> packageRoots) {
    String result = name;
    while (packageRoots.contains(result)) {
      result += "_";
    }
    return result;
  }
}
