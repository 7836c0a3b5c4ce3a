package dev.shuttle;

import java.util.Objects;

/**
 * A method bound to its handler. The handler is one of {@link UnaryHandler},
 * {@link ServerStreamingHandler}, {@link ClientStreamingHandler} or {@link BidiStreamingHandler},
 * matching the descriptor's {@link MethodType}.
 */
public record ServerMethod<Req, Resp>(MethodDescriptor<Req, Resp> descriptor, Object handler) {
  public ServerMethod {
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(handler, "handler");
    Class<?> expected =
        switch (descriptor.type()) {
          case UNARY -> UnaryHandler.class;
          case SERVER_STREAMING -> ServerStreamingHandler.class;
          case CLIENT_STREAMING -> ClientStreamingHandler.class;
          case BIDI_STREAMING -> BidiStreamingHandler.class;
        };
    if (!expected.isInstance(handler)) {
      throw new IllegalArgumentException(
          descriptor.fullName() + " is " + descriptor.type() + " and needs a " + expected.getSimpleName());
    }
  }
}
