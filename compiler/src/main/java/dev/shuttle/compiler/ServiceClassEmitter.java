package dev.shuttle.compiler;

import java.util.ArrayList;
import java.util.EnumSet;
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
    out.blank();
    methodHandlers(out, model);
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
    String returns = rpc.kind().serverStreams() ? "void" : rpc.responseType();
    List<String> parameters = parameters(rpc.kind(), rpc.requestType(), rpc.responseType(), model.locals());
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
    LocalNames n = model.locals();
    out.line("@java.lang.Override");
    out.open("public final dev.shuttle.ServiceDefinition bindService() {");
    out.line("return dev.shuttle.ServiceDefinition.builder(" + RpcNaming.SERVICE_NAME_CONSTANT + ")");
    out.line("    .schemaDescriptor(new " + n.handlers() + "<>(this, " + n.handlers() + ".SCHEMA))");
    List<ServiceModel.Rpc> rpcs = model.rpcs();
    for (int i = 0; i < rpcs.size(); i++) {
      ServiceModel.Rpc rpc = rpcs.get(i);
      out.line("    ." + rpc.kind().bindMethod() + "(" + rpc.constant() + ", new " + n.handlers() + "<>(this, " + i + "))");
    }
    out.line("    .build();");
    out.close("}");
  }

  /**
   * The class the server calls the service's methods through, by index. A lambda or method
   * reference per method would cost the server's start-up a class spun at run time apiece (about a
   * millisecond each while the JVM is cold); this is one class, loaded from the jar, for them all.
   */
  private static void methodHandlers(SourceWriter out, ServiceModel model) {
    LocalNames n = model.locals();
    String req = n.requestVariable();
    String resp = n.responseVariable();
    EnumSet<RpcKind> kinds = EnumSet.noneOf(RpcKind.class);
    for (ServiceModel.Rpc rpc : model.rpcs()) {
      kinds.add(rpc.kind());
    }
    List<String> interfaces = new ArrayList<>();
    for (RpcKind kind : kinds) {
      interfaces.add("dev.shuttle." + kind.handlerInterface() + "<" + req + ", " + resp + ">");
    }
    interfaces.add("java.util.function.Supplier<java.lang.Object>");
    out.javadoc(List.of(
        "Calls this service's methods for the server, one class for them all: a lambda per method",
        "would cost start-up a class generated at run time apiece. Also gives reflection the",
        "service's schema, built only when first asked for: building the file's descriptors costs",
        "start-up tens of milliseconds."));
    out.line("private static final class " + n.handlers() + "<" + req + ", " + resp + ">");
    for (int i = 0; i < interfaces.size() - 1; i++) {
      out.line((i == 0 ? "    implements " : "        ") + interfaces.get(i) + ",");
    }
    out.open((interfaces.size() == 1 ? "    implements " : "        ") + interfaces.getLast() + " {");
    out.line("static final int SCHEMA = -1;");
    out.line("private final " + model.serviceClass() + " " + n.service() + ";");
    out.line("private final int " + n.method() + ";");
    out.blank();
    out.open(n.handlers() + "(" + model.serviceClass() + " " + n.service() + ", int " + n.method() + ") {");
    out.line("this." + n.service() + " = " + n.service() + ";");
    out.line("this." + n.method() + " = " + n.method() + ";");
    out.close("}");
    for (RpcKind kind : kinds) {
      out.blank();
      handle(out, model, kind);
    }
    out.blank();
    out.line("@java.lang.Override");
    out.open("public java.lang.Object get() {");
    out.line("return " + model.outerClass() + ".getDescriptor().findServiceByName("
        + EmitSupport.literal(model.protoName()) + ");");
    out.close("}");
    out.close("}");
  }

  /** The parameters a server method of {@code kind} takes, for the given request and response types. */
  private static List<String> parameters(RpcKind kind, String requestType, String responseType, LocalNames n) {
    String request = requestType + " " + n.request();
    String requests = "dev.shuttle.StreamSource<" + requestType + "> " + n.requests();
    String responses = "dev.shuttle.StreamSink<" + responseType + "> " + n.responses();
    String context = "dev.shuttle.ServerContext " + n.context();
    return switch (kind) {
      case UNARY -> List.of(request, context);
      case SERVER_STREAMING -> List.of(request, responses, context);
      case CLIENT_STREAMING -> List.of(requests, context);
      case BIDI_STREAMING -> List.of(requests, responses, context);
    };
  }

  /** The {@code handle} of one handler interface: a switch over the methods of that kind. */
  private static void handle(SourceWriter out, ServiceModel model, RpcKind kind) {
    LocalNames n = model.locals();
    String resp = n.responseVariable();
    List<String> parameters = parameters(kind, n.requestVariable(), resp, n);
    boolean returns = !kind.serverStreams();
    out.line("@java.lang.Override");
    out.line("@java.lang.SuppressWarnings(\"unchecked\")");
    out.openList("public " + (returns ? resp : "void") + " handle", parameters, " {");
    out.open("switch (" + n.method() + ") {");
    List<ServiceModel.Rpc> rpcs = model.rpcs();
    for (int i = 0; i < rpcs.size(); i++) {
      ServiceModel.Rpc rpc = rpcs.get(i);
      if (rpc.kind() != kind) {
        continue;
      }
      String in =
          kind.clientStreams()
              ? "(dev.shuttle.StreamSource<" + rpc.requestType() + ">) (dev.shuttle.StreamSource<?>) " + n.requests()
              : "(" + rpc.requestType() + ") " + n.request();
      String call =
          n.service() + "." + rpc.method() + "(" + in
              + (kind.serverStreams()
                  ? ", (dev.shuttle.StreamSink<" + rpc.responseType() + ">) (dev.shuttle.StreamSink<?>) " + n.responses()
                  : "")
              + ", " + n.context() + ")";
      out.line("case " + i + ":");
      if (returns) {
        out.line("  return (" + resp + ") " + call + ";");
      } else {
        out.line("  " + call + ";");
        out.line("  return;");
      }
    }
    out.line("default:");
    out.line("  throw new java.lang.AssertionError(" + n.method() + ");");
    out.close("}");
    out.close("}");
  }
}
