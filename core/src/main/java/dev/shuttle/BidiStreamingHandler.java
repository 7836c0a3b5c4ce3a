package dev.shuttle;

/** Serves a bidirectional-streaming method: requests and responses flow independently. */
@FunctionalInterface
public interface BidiStreamingHandler<Req, Resp> {
  void handle(StreamSource<Req> requests, StreamSink<Resp> responses, ServerContext context);
}
