package dev.shuttle.compiler;

import java.util.List;

/**
 * Writes the server-side base class (named by {@link ServiceClassNames}), holding the method
 * descriptors (which the client shares) and one overridable method per rpc.
 */
final class ServiceClassEmitter {
  private ServiceClassEmitter() {}

  static String emit(ServiceModel model) {
    SourceWriter out = new SourceWriter();
    EmitSupport.preamble(out, model);
    out.javadoc(
        Javadoc.compose(
            model.comment(),
            model.deprecated(),
            "Server side of {@code " + model.fullName() + "}: extend this class, override the methods",
            "you serve and hand an instance to the server. Methods left alone fail the call with",
            "{@code UNIMPLEMENTED}."));
    EmitSupport.classAnnotations(out, model);
    out.open("public abstract class " + model.serviceClass() + " implements dev.shuttle.BindableService {");
    out.line("/** The service's fully qualified name, as sent on the wire. */");
    out.line("public static final java.lang.String " + RpcNaming.SERVICE_NAME_CONSTANT + " = "
        + EmitSupport.literal(model.fullName()) + ";");
    out.blank();
    out.line("/** For the subclass that implements the service. */");
    out.line("protected " + model.serviceClass() + "() {}");
    for (ServiceModel.Rpc rpc : model.rpcs()) {
      out.blank();
      descriptor(out, model, rpc);
    }
    for (ServiceModel.Rpc rpc : model.rpcs()) {
      out.blank();
      handler(out, model, rpc);
    }
    out.blank();
    bindService(out, model);
    out.close("}");
    return out.toString();
  }

  private static void descriptor(SourceWriter out, ServiceModel model, ServiceModel.Rpc rpc) {
    out.line("/** Describes {@code " + model.fullMethodName(rpc) + "}. */");
    EmitSupport.deprecatedIf(out, rpc.deprecated());
    out.line("public static final " + EmitSupport.descriptorType(rpc) + " " + rpc.constant() + " =");
    out.line("    dev.shuttle.MethodDescriptor.of(");
    out.line("        dev.shuttle.MethodType." + rpc.kind().name() + ",");
    out.line("        " + RpcNaming.SERVICE_NAME_CONSTANT + ",");
    out.line("        " + EmitSupport.literal(rpc.protoName()) + ",");
    out.line("        dev.shuttle.protobuf.ProtoMarshaller.of(" + rpc.requestType() + ".getDefaultInstance()),");
    out.line("        dev.shuttle.protobuf.ProtoMarshaller.of(" + rpc.responseType() + ".getDefaultInstance()));");
  }

  private static void handler(SourceWriter out, ServiceModel model, ServiceModel.Rpc rpc) {
    LocalNames n = model.locals();
    String request = rpc.requestType() + " " + n.request();
    String requests = "dev.shuttle.StreamSource<" + rpc.requestType() + "> " + n.requests();
    String responses = "dev.shuttle.StreamSink<" + rpc.responseType() + "> " + n.responses();
    String context = "dev.shuttle.ServerContext " + n.context();
    String returns = rpc.kind().serverStreams() ? "void" : rpc.responseType();
    List<String> parameters =
        switch (rpc.kind()) {
          case UNARY -> List.of(request, context);
          case SERVER_STREAMING -> List.of(request, responses, context);
          case CLIENT_STREAMING -> List.of(requests, context);
          case BIDI_STREAMING -> List.of(requests, responses, context);
        };
    out.javadoc(
        Javadoc.compose(
            rpc.comment(),
            rpc.deprecated(),
            "Serves {@code " + model.fullMethodName(rpc) + "}. Unless overridden, it fails the call with",
            "{@code UNIMPLEMENTED}."));
    EmitSupport.deprecatedIf(out, rpc.deprecated());
    out.openList("public " + returns + " " + rpc.method(), parameters, " {");
    out.line("throw new dev.shuttle.StatusException(");
    out.line("    dev.shuttle.Status.UNIMPLEMENTED.withDescription("
        + EmitSupport.literal("Method " + model.fullMethodName(rpc) + " is unimplemented") + "));");
    out.close("}");
  }

  private static void bindService(SourceWriter out, ServiceModel model) {
    out.line("@java.lang.Override");
    out.open("public final dev.shuttle.ServiceDefinition bindService() {");
    out.line("return dev.shuttle.ServiceDefinition.builder(" + RpcNaming.SERVICE_NAME_CONSTANT + ")");
    // For server reflection: protoc's outer class holds the file's descriptor, and so the service's.
    // Asked for only when reflection asks: building the file's descriptors is start-up time.
    out.line("    .schemaDescriptor(() -> " + model.outerClass() + ".getDescriptor().findServiceByName("
        + EmitSupport.literal(model.protoName()) + "))");
    for (ServiceModel.Rpc rpc : model.rpcs()) {
      String bind =
          switch (rpc.kind()) {
            case UNARY -> "unary";
            case SERVER_STREAMING -> "serverStreaming";
            case CLIENT_STREAMING -> "clientStreaming";
            case BIDI_STREAMING -> "bidiStreaming";
          };
      out.line("    ." + bind + "(" + rpc.constant() + ", this::" + rpc.method() + ")");
    }
    out.line("    .build();");
    out.close("}");
  }
}
