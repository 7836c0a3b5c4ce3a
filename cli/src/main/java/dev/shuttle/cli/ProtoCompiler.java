package dev.shuttle.cli;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Compiles {@code .proto} files into a {@code FileDescriptorSet} at run time, with a protoc the
 * machine has: {@code $SHUTTLE_PROTOC} if set, else {@code protoc} on the PATH, else the one in
 * Python's grpcio-tools ({@code python3 -m grpc_tools.protoc}, which brings the well-known
 * types). The JVM cannot parse {@code .proto} text itself; protobuf-java has no compiler.
 */
final class ProtoCompiler {
  private ProtoCompiler() {}

  static FileDescriptorSet compile(List<Path> protos, List<Path> importPaths) {
    Set<Path> includes = new LinkedHashSet<>();
    for (Path dir : importPaths) {
      includes.add(dir.toAbsolutePath().normalize());
    }
    List<String> files = new ArrayList<>();
    for (Path proto : protos) {
      Path absolute = proto.toAbsolutePath().normalize();
      if (!Files.isRegularFile(absolute)) {
        throw CliException.badInput("no such file: " + proto, null);
      }
      if (importPaths.isEmpty()) {
        includes.add(absolute.getParent());
      }
      files.add(absolute.toString());
    }
    Path out;
    try {
      out = Files.createTempFile("shuttle-protoset", ".pb");
    } catch (IOException e) {
      throw CliException.badInput("cannot create a temporary file: " + e.getMessage(), e);
    }
    try {
      List<String> failures = new ArrayList<>();
      for (List<String> protoc : candidates()) {
        List<String> command = new ArrayList<>(protoc);
        for (Path include : includes) {
          command.add("-I" + include);
        }
        command.add("--include_imports");
        command.add("--descriptor_set_out=" + out);
        command.addAll(files);
        Result result = run(command);
        if (result == null) {
          failures.add(String.join(" ", protoc) + ": not found");
          continue;
        }
        if (result.exitCode == 0) {
          return FileDescriptorSet.parseFrom(Files.readAllBytes(out));
        }
        if (result.output.contains("No module named")) {
          failures.add(String.join(" ", protoc) + ": " + result.output.strip());
          continue;
        }
        throw CliException.badInput("protoc failed on " + protos + ":\n" + result.output.strip(), null);
      }
      throw CliException.badInput(
          "--proto needs a protoc to compile the files, and none was found (" + String.join("; ", failures)
              + "). Install protoc or Python's grpcio-tools, set SHUTTLE_PROTOC, or give a"
              + " --protoset made by protoc --descriptor_set_out --include_imports",
          null);
    } catch (IOException e) {
      throw CliException.badInput("cannot read the compiled descriptors: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(out);
      } catch (IOException ignored) {
        // a temporary file left behind is harmless
      }
    }
  }

  private static List<List<String>> candidates() {
    List<List<String>> candidates = new ArrayList<>();
    String configured = System.getenv("SHUTTLE_PROTOC");
    if (configured != null && !configured.isBlank()) {
      candidates.add(List.of(configured.trim().split("\\s+")));
      return candidates;
    }
    candidates.add(List.of("protoc"));
    // Debian's python3-grpc-tools lives with the system interpreter, which may not be the first
    // python3 on the PATH.
    if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
      candidates.add(List.of("/usr/bin/python3", "-m", "grpc_tools.protoc"));
    }
    candidates.add(List.of("python3", "-m", "grpc_tools.protoc"));
    return candidates;
  }

  private record Result(int exitCode, String output) {}

  /** Runs {@code command}; null when it cannot be started (not installed). */
  private static Result run(List<String> command) throws IOException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    } catch (IOException e) {
      return null;
    }
    try {
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw CliException.badInput("protoc did not finish in 60 s: " + command, null);
      }
      return new Result(process.exitValue(), output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.badInput("interrupted while compiling", e);
    } finally {
      process.destroyForcibly();
    }
  }
}
