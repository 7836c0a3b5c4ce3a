package dev.shuttle;

/** Serves a server-streaming method: one request in, any number of responses out. */
@FunctionalInterface
public interface ServerStreamingHandler<Req, Resp> {
  void handle(Req request, StreamSink<Resp> responses, ServerContext context);
}
