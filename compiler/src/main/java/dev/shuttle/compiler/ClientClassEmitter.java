package dev.shuttle.compiler;

import java.util.List;

/**
 * Writes {@code <S>Client}: an immutable client bound to an invoker and call options, with one
 * method per rpc (two for unary rpcs: blocking and future-returning).
 */
final class ClientClassEmitter {
  private ClientClassEmitter() {}

  static String emit(ServiceModel model) {
    LocalNames n = model.locals();
    String self = model.clientClass();
    SourceWriter out = new SourceWriter();
    EmitSupport.preamble(out, model);
    out.javadoc(
        Javadoc.compose(
            model.comment(),
            model.deprecated(),
            "Client of {@code " + model.fullName() + "}. Immutable and thread-safe: the {@code with}",
            "methods return a new client, so one can be shared and specialised per call."));
    EmitSupport.classAnnotations(out, model);
    out.open("public final class " + self + " {");
    out.line("private final dev.shuttle.CallInvoker " + n.invoker() + ";");
    out.line("private final dev.shuttle.CallOptions " + n.options() + ";");
    out.blank();
    out.openList(
        "private " + self,
        List.of("dev.shuttle.CallInvoker " + n.invoker(), "dev.shuttle.CallOptions " + n.options()),
        " {");
    out.line("this." + n.invoker() + " = java.util.Objects.requireNonNull(" + n.invoker() + ", \"invoker\");");
    out.line("this." + n.options() + " = java.util.Objects.requireNonNull(" + n.options() + ", \"options\");");
    out.close("}");
    out.blank();
    out.line("/**");
    out.line(" * A client that makes its calls through {@code " + n.invoker() + "} (a {@code dev.shuttle.Channel}, or one behind");
    out.line(" * interceptors), with default call options.");
    out.line(" */");
    out.open("public static " + self + " of(dev.shuttle.CallInvoker " + n.invoker() + ") {");
    out.line("return new " + self + "(" + n.invoker() + ", dev.shuttle.CallOptions.DEFAULT);");
    out.close("}");
    out.blank();
    out.line("/**");
    out.line(" * A client like this one whose calls use {@code options} instead: all of them, so build them");
    out.line(" * from {@code options()}, or use the {@code with} methods below, which keep the others.");
    out.line(" */");
    out.open("public " + self + " withOptions(dev.shuttle.CallOptions " + n.options() + ") {");
    out.line("return new " + self + "(this." + n.invoker() + ", " + n.options() + ");");
    out.close("}");
    out.blank();
    out.line("/** A client like this one whose calls each get {@code timeout} to complete. */");
    out.open("public " + self + " withTimeout(java.time.Duration " + n.timeout() + ") {");
    out.line("return withOptions(this." + n.options() + ".withTimeout(" + n.timeout() + "));");
    out.close("}");
    out.blank();
    out.line("/** A client like this one whose calls send {@code metadata} as request headers. */");
    out.open("public " + self + " withMetadata(dev.shuttle.Metadata " + n.metadata() + ") {");
    out.line("return withOptions(this." + n.options() + ".withMetadata(" + n.metadata() + "));");
    out.close("}");
    out.blank();
    out.line("/** A client like this one whose calls end by {@code deadline} (null: none of their own). */");
    out.open("public " + self + " withDeadline(dev.shuttle.Deadline " + n.deadline() + ") {");
    out.line("return withOptions(this." + n.options() + ".withDeadline(" + n.deadline() + "));");
    out.close("}");
    out.blank();
    out.line("/** A client like this one whose calls compress their requests with {@code encoding}, such as {@code gzip}. */");
    out.open("public " + self + " withCompression(java.lang.String " + n.encoding() + ") {");
    out.line("return withOptions(this." + n.options() + ".withCompression(" + n.encoding() + "));");
    out.close("}");
    out.blank();
    out.line("/** A client like this one whose calls put their response headers and trailers in {@code holder}. */");
    out.open("public " + self + " withResponseMetadata(dev.shuttle.ResponseMetadata " + n.holder() + ") {");
    out.line("return withOptions(this." + n.options() + ".withResponseMetadata(" + n.holder() + "));");
    out.close("}");
    out.blank();
    out.line("/** A client like this one whose calls pass through {@code interceptors}, the first outermost. */");
    out.open("public " + self + " withInterceptors(dev.shuttle.ClientInterceptor... " + n.interceptors() + ") {");
    out.line("return new " + self + "(this." + n.invoker() + ".withInterceptors(" + n.interceptors() + "), this." + n.options() + ");");
    out.close("}");
    out.blank();
    out.line("/** The options this client's calls use. */");
    out.open("public dev.shuttle.CallOptions options() {");
    out.line("return " + n.options() + ";");
    out.close("}");
    for (ServiceModel.Rpc rpc : model.rpcs()) {
      out.blank();
      call(out, model, rpc);
    }
    out.close("}");
    return out.toString();
  }

  private static void call(SourceWriter out, ServiceModel model, ServiceModel.Rpc rpc) {
    LocalNames n = model.locals();
    String descriptor = model.serviceClass() + "." + rpc.constant();
    String request = rpc.requestType() + " " + n.request();
    String types = "<" + rpc.requestType() + ", " + rpc.responseType() + ">";
    String name = "{@code " + model.fullMethodName(rpc) + "}";
    switch (rpc.kind()) {
      case UNARY -> {
        callDoc(out, rpc, "Calls " + name + " and waits for its response.", "",
            "@throws dev.shuttle.StatusException when the call fails");
        out.openList("public " + rpc.responseType() + " " + rpc.method(), List.of(request), " {");
        out.line("return " + n.invoker() + ".unaryCall(" + descriptor + ", " + n.request() + ", " + n.options() + ");");
        out.close("}");
        out.blank();
        callDoc(out, rpc, "Calls " + name + " without waiting. The future fails with a",
            "{@link dev.shuttle.StatusException} when the call does.");
        out.openList(
            "public java.util.concurrent.CompletableFuture<" + rpc.responseType() + "> " + rpc.asyncMethod(),
            List.of(request),
            " {");
        out.line("return " + n.invoker() + ".unaryCallAsync(" + descriptor + ", " + n.request() + ", " + n.options() + ");");
        out.close("}");
      }
      case SERVER_STREAMING -> {
        callDoc(out, rpc, "Starts " + name + "; read the responses from the returned stream and close",
            "it (try-with-resources) to cancel the call early.");
        out.openList(
            "public dev.shuttle.ResponseStream<" + rpc.responseType() + "> " + rpc.method(), List.of(request), " {");
        out.line("return " + n.invoker() + ".serverStreamingCall(" + descriptor + ", " + n.request() + ", " + n.options() + ");");
        out.close("}");
      }
      case CLIENT_STREAMING -> {
        callDoc(out, rpc, "Starts " + name + ": send the requests, then {@code finish()} for the",
            "response.");
        out.open("public dev.shuttle.ClientStreamingCall" + types + " " + rpc.method() + "() {");
        out.line("return " + n.invoker() + ".clientStreamingCall(" + descriptor + ", " + n.options() + ");");
        out.close("}");
      }
      case BIDI_STREAMING -> {
        callDoc(out, rpc, "Starts " + name + ": send requests and read responses independently;",
            "{@code halfClose()} when done sending.");
        out.open("public dev.shuttle.BidiCall" + types + " " + rpc.method() + "() {");
        out.line("return " + n.invoker() + ".bidiStreamingCall(" + descriptor + ", " + n.options() + ");");
        out.close("}");
      }
    }
  }

  private static void callDoc(SourceWriter out, ServiceModel.Rpc rpc, String... text) {
    out.javadoc(Javadoc.compose(rpc.comment(), rpc.deprecated(), text));
    EmitSupport.deprecatedIf(out, rpc.deprecated());
  }
}
