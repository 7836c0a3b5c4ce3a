package dev.shuttle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shuttle's jars as modules: they resolve on the module path with only protobuf's jars beside
 * them, and an application module reaches the public API (the HTTP/2 and TLS settings of
 * {@code dev.shuttle.http2.config} included) and not {@code dev.shuttle.internal}, the HTTP/2
 * engine nor the HPACK coder. (Every other test uses the jars on the class path.)
 */
class ModuleBoundaryTest {
  private static final Set<String> SHUTTLE_MODULES =
      Set.of("dev.shuttle.http2", "dev.shuttle.core", "dev.shuttle.protobuf", "dev.shuttle.services");

  @TempDir Path work;

  /** Shuttle's own entries of the test class path (those with a module descriptor) and protobuf's jars. */
  private static List<Path> modulePath() throws IOException {
    List<Path> path = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      String name = p.getFileName().toString();
      if (hasModuleDescriptor(p) && (p.toString().contains("shuttle") || p.toString().contains("/target/classes"))
          || name.startsWith("protobuf-java-4") || name.startsWith("proto-google-common-protos")) {
        path.add(p);
      }
    }
    return path;
  }

  private static boolean hasModuleDescriptor(Path entry) throws IOException {
    if (Files.isDirectory(entry)) {
      return Files.exists(entry.resolve("module-info.class"));
    }
    if (!entry.toString().endsWith(".jar") || !Files.exists(entry)) {
      return false;
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      return jar.getEntry("module-info.class") != null;
    }
  }

  @Test
  void theLibraryModulesResolveWithProtobufAlone() throws IOException {
    ModuleFinder finder = ModuleFinder.of(modulePath().toArray(Path[]::new));
    Configuration resolved =
        ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("dev.shuttle.services"));
    Set<String> names = resolved.modules().stream().map(ResolvedModule::name).collect(Collectors.toCollection(TreeSet::new));
    assertTrue(names.containsAll(SHUTTLE_MODULES), names.toString());
  }

  @Test
  void anApplicationModuleUsesThePublicApiButNotTheInternals() throws IOException {
    String publicApi =
        """
        package app;

        public final class Client {
          public static String call(String target) {
            try (dev.shuttle.Channel channel = dev.shuttle.Channel.plaintext(target)) {
              dev.shuttle.services.health.HealthStatusManager health = new dev.shuttle.services.health.HealthStatusManager();
              dev.shuttle.http2.config.TlsClientConfig tls = null;
              return channel.toString() + health + tls + dev.shuttle.protobuf.StatusProtos.class;
            }
          }
        }
        """;
    assertEquals("", compile(publicApi, "Client"), "the public API compiles in a module");

    String internals =
        """
        package app;

        public final class Reach {
          Object call = dev.shuttle.internal.ServerCall.current();
          Object encoder = new dev.shuttle.http2.hpack.HpackEncoder();
          Object headers = new dev.shuttle.http2.Http2Headers();
        }
        """;
    String errors = compile(internals, "Reach");
    assertFalse(errors.isEmpty(), "dev.shuttle.internal must not be reachable");
    assertTrue(errors.contains("package dev.shuttle.internal is not visible"), errors);
    assertTrue(errors.contains("package dev.shuttle.http2.hpack is not visible"), errors);
    assertTrue(errors.contains("package dev.shuttle.http2 is not visible"), "the HTTP/2 engine is core's: " + errors);
  }

  /** Compiles module {@code app} (requires dev.shuttle.services) with one class; returns javac's errors. */
  private String compile(String source, String className) throws IOException {
    Path sources = Files.createDirectories(work.resolve(className).resolve("src"));
    Files.writeString(sources.resolve("module-info.java"), "module app { requires dev.shuttle.services; }\n");
    Path pkg = Files.createDirectories(sources.resolve("app"));
    Files.writeString(pkg.resolve(className + ".java"), source);
    Path out = Files.createDirectories(work.resolve(className).resolve("out"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    String modulePath = modulePath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    List<String> args =
        List.of(
            "-d", out.toString(),
            "--module-path", modulePath,
            "-Xlint:-requires-automatic,-requires-transitive-automatic",
            sources.resolve("module-info.java").toString(),
            pkg.resolve(className + ".java").toString());
    int status = javac.run(null, null, errors, args.toArray(String[]::new));
    return status == 0 ? "" : errors.toString(StandardCharsets.UTF_8);
  }
}
