package dev.shuttle;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The transports the call-semantics tests run over: the same test, the same assertions, once
 * over HTTP/2 on a loopback socket and once in-process. A test class takes one as its
 * parameter:
 *
 * <pre>{@code
 * @ParameterizedClass
 * @EnumSource(Transport.class)
 * class SomeCallTest {
 *   @Parameter Transport transport;
 *   ... server = transport.serve(Server.builder().service(...)).start();
 *   ... channel = transport.channel(server).build();
 * }
 * }</pre>
 */
enum Transport {
  HTTP2 {
    @Override
    Server.Builder serve(Server.Builder builder) {
      return builder.listen("127.0.0.1", 0);
    }

    @Override
    Channel.Builder channel(Server server) {
      return Channel.builder("127.0.0.1:" + server.port());
    }
  },
  IN_PROCESS {
    @Override
    Server.Builder serve(Server.Builder builder) {
      return builder.inProcess("transport-test-" + NAMES.incrementAndGet());
    }

    @Override
    Channel.Builder channel(Server server) {
      return Channel.inProcessBuilder(server.inProcessName());
    }
  };

  private static final AtomicInteger NAMES = new AtomicInteger();

  /** The builder, set to serve over this transport (a fresh in-process name each time). */
  abstract Server.Builder serve(Server.Builder builder);

  /** A channel builder for {@code server} over this transport. */
  abstract Channel.Builder channel(Server server);

  /** A channel with default options for {@code server} over this transport. */
  Channel connect(Server server) {
    return channel(server).build();
  }
}
