package dev.shuttle;

/** Serves a client-streaming method: any number of requests in, one response out. */
@FunctionalInterface
public interface ClientStreamingHandler<Req, Resp> {
  Resp handle(StreamSource<Req> requests, ServerContext context);
}
