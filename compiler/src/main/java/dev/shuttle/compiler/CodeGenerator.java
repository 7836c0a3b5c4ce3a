package dev.shuttle.compiler;

import com.google.protobuf.DescriptorProtos.Edition;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse.Feature;

/** Turns one protoc request into the response: two classes for each service of each file. */
final class CodeGenerator {
  private CodeGenerator() {}

  static CodeGeneratorResponse generate(CodeGeneratorRequest request) {
    CodeGeneratorResponse.Builder response =
        CodeGeneratorResponse.newBuilder()
            // Fields never matter to us, so proto3 optional and editions need no special care;
            // the edition range is what ProtobufJavaNaming knows the naming rules of.
            .setSupportedFeatures(Feature.FEATURE_PROTO3_OPTIONAL_VALUE | Feature.FEATURE_SUPPORTS_EDITIONS_VALUE)
            .setMinimumEdition(Edition.EDITION_PROTO2_VALUE)
            .setMaximumEdition(Edition.EDITION_2024_VALUE);
    try {
      checkNoParameter(request.getParameter());
      TypeIndex types = TypeIndex.of(request.getProtoFileList());
      ServicePlanner planner = new ServicePlanner(types, new ClassNameAllocator(types));
      for (String name : request.getFileToGenerateList()) {
        FileDescriptorProto file = types.file(name);
        SourceComments comments = SourceComments.of(file);
        for (int i = 0; i < file.getServiceCount(); i++) {
          ServiceModel model = planner.plan(file, i, comments);
          response.addFile(javaFile(model, model.serviceClass(), ServiceClassEmitter.emit(model)));
          response.addFile(javaFile(model, model.clientClass(), ClientClassEmitter.emit(model)));
        }
      }
    } catch (GenerationException e) {
      // protoc shows the error and writes none of the files, so drop the ones already made.
      response.clearFile().setError(e.getMessage());
    }
    return response.build();
  }

  private static CodeGeneratorResponse.File javaFile(ServiceModel model, String simpleName, String content) {
    String directory = model.javaPackage().isEmpty() ? "" : model.javaPackage().replace('.', '/') + "/";
    return CodeGeneratorResponse.File.newBuilder()
        .setName(directory + simpleName + ".java")
        .setContent(content)
        .build();
  }

  // No options yet; refusing unknown ones makes a typo fail loudly instead of being ignored.
  private static void checkNoParameter(String parameter) {
    if (!parameter.isBlank()) {
      throw new GenerationException("shuttle-compiler takes no options, but got: " + parameter);
    }
  }
}
