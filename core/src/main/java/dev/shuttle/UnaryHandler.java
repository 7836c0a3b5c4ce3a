package dev.shuttle;

/** Serves a unary method: one request in, one response out. */
@FunctionalInterface
public interface UnaryHandler<Req, Resp> {
  Resp handle(Req request, ServerContext context);
}
