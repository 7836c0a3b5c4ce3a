package dev.shuttle.compiler;

import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The protoc plugin: reads a {@code CodeGeneratorRequest} from standard input and writes a
 * {@code CodeGeneratorResponse} to standard output, with a base class ({@code <S>Service}, or
 * just {@code <S>} when the name already ends in {@code Service}) and a {@code <S>Client} for
 * every service of every file to generate. Message classes come from protoc's own {@code
 * java_out}, which must run alongside.
 */
public final class ShuttleProtocPlugin {
  private ShuttleProtocPlugin() {}

  public static void main(String[] args) throws IOException {
    run(System.in, System.out);
  }

  static void run(InputStream in, OutputStream out) throws IOException {
    // Java's features (nest_in_file_class) are an extension of FeatureSet; unregistered, they
    // would arrive as unknown fields and edition 2024 files would be named wrongly.
    CodeGeneratorRequest request = CodeGeneratorRequest.parseFrom(in, JavaFeatureSupport.registry());
    CodeGenerator.generate(request).writeTo(out);
    out.flush();
  }
}
