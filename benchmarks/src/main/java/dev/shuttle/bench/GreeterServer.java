package dev.shuttle.bench;

import dev.shuttle.Server;
import dev.shuttle.ServerContext;
import dev.shuttle.bench.helloworld.GreeterService;
import dev.shuttle.bench.helloworld.HelloReply;
import dev.shuttle.bench.helloworld.HelloRequest;
import dev.shuttle.http2.config.TlsServerConfig;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * A {@code helloworld.Greeter} server on 127.0.0.1 answering {@code "Hello " + name}, for load
 * generators such as h2load or the community grpc_bench clients to drive.
 *
 * <p>Shuttle's server runs with Shuttle's defaults; {@code --impl=grpc-java} and
 * {@code --impl=grpc-java-direct} start grpc-java's Netty server (default executor, and
 * directExecutor) for comparison. Prints a line containing {@code listening} with the port once it
 * accepts calls; SIGTERM stops it and it exits 0.
 *
 * <pre>{@code
 * bin/bench-greeter-server --port=0
 * greeter-server: listening on 127.0.0.1:40123 (shuttle, cleartext)
 * }</pre>
 */
public final class GreeterServer {
  private static final Duration GRACE = Duration.ofSeconds(5);

  static final String USAGE =
      """
      usage: bench-greeter-server --port=N [--impl=shuttle|grpc-java|grpc-java-direct]
                                  [--tls-cert=FILE --tls-key=FILE] [--help]
      Serves helloworld.Greeter/SayHello on 127.0.0.1, answering "Hello " + name.
        --port=N              port to listen on; 0 picks a free one (the listening line says which)
        --impl=NAME           shuttle (default): Shuttle with its defaults;
                              grpc-java: grpc-java Netty server, default executor;
                              grpc-java-direct: grpc-java Netty server with directExecutor()
        --tls-cert=FILE       PEM certificate chain; with --tls-key, serves TLS instead of cleartext
        --tls-key=FILE        PEM private key (PKCS#8)
      Prints "greeter-server: listening on 127.0.0.1:PORT (...)" when ready; SIGTERM stops it (exit 0).
      Exit status 2 on a usage error, 1 if it cannot listen.
      """;

  /** The server implementations this program can start. */
  enum Impl {
    SHUTTLE("shuttle"),
    GRPC_JAVA("grpc-java"),
    GRPC_JAVA_DIRECT("grpc-java-direct");

    final String flag;

    Impl(String flag) {
      this.flag = flag;
    }

    static Impl of(String flag) {
      for (Impl impl : values()) {
        if (impl.flag.equals(flag)) {
          return impl;
        }
      }
      throw new IllegalArgumentException("--impl takes shuttle, grpc-java or grpc-java-direct, not " + flag);
    }
  }

  record Options(int port, Impl impl, Path tlsCert, Path tlsKey) {}

  /** A started server: its port, and a graceful stop. */
  interface Running {
    int port();

    /** "cleartext", or "TLS via" the provider the server's TLS runs on. */
    default String transport() {
      return "cleartext";
    }

    void stop() throws InterruptedException;

    void awaitTermination() throws InterruptedException;
  }

  private GreeterServer() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("greeter-server: " + e.getMessage());
      err.print(USAGE);
      err.flush();
      return 2;
    }
    if (options == null) {
      out.print(USAGE);
      out.flush();
      return 0;
    }
    Running server;
    try {
      server = start(options);
    } catch (IOException | UncheckedIOException e) {
      err.println("greeter-server: cannot listen on 127.0.0.1:" + options.port() + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    // The JVM's own TERM handling (shutdown hooks, exit 143) would make a clean stop look like a
    // failure to whoever drives this; stopping here lets run return and the JVM exit 0.
    Signal.handle(
        new Signal("TERM"),
        signal -> Thread.ofPlatform().name("greeter-server-stop").start(() -> {
          try {
            server.stop();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }));
    out.println(
        "greeter-server: listening on 127.0.0.1:" + server.port() + " (" + options.impl().flag + ", "
            + server.transport() + ")");
    out.flush();
    server.awaitTermination();
    out.println("greeter-server: stopped");
    out.flush();
    return 0;
  }

  /** The options, or null when help was asked for. */
  static Options parse(String[] args) {
    Integer port = null;
    Impl impl = Impl.SHUTTLE;
    Path cert = null;
    Path key = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      if (arg.equals("-h") || arg.equals("--help")) {
        return null;
      }
      if (!arg.equals("--port") && !arg.equals("--impl") && !arg.equals("--tls-cert") && !arg.equals("--tls-key")) {
        throw new IllegalArgumentException("unknown argument " + args[i]);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        value = args[++i];
      }
      switch (arg) {
        case "--port" -> {
          try {
            port = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number, got " + value, e);
          }
          if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
          }
        }
        case "--impl" -> impl = Impl.of(value);
        case "--tls-cert" -> cert = Path.of(value);
        default -> key = Path.of(value);
      }
    }
    if (port == null) {
      throw new IllegalArgumentException("--port is required");
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (cert != null && (!Files.isReadable(cert) || !Files.isReadable(key))) {
      throw new IllegalArgumentException("cannot read " + (Files.isReadable(cert) ? key : cert));
    }
    return new Options(port, impl, cert, key);
  }

  static String greeting(String name) {
    return "Hello " + name;
  }

  static Running start(Options options) throws IOException {
    return switch (options.impl()) {
      case SHUTTLE -> startShuttle(options);
      case GRPC_JAVA -> startGrpc(options, false);
      case GRPC_JAVA_DIRECT -> startGrpc(options, true);
    };
  }

  private static final class ShuttleGreeter extends GreeterService {
    @Override
    public HelloReply sayHello(HelloRequest request, ServerContext context) {
      return HelloReply.newBuilder().setMessage(greeting(request.getName())).build();
    }
  }

  private static Running startShuttle(Options options) throws IOException {
    Server.Builder builder = Server.builder().listen("127.0.0.1", options.port()).service(new ShuttleGreeter());
    if (options.tlsCert() != null) {
      builder.tls(TlsServerConfig.fromPem(options.tlsCert(), options.tlsKey()));
    }
    Server server = builder.start();
    return new Running() {
      @Override
      public int port() {
        return server.port();
      }

      @Override
      public String transport() {
        return options.tlsCert() == null ? "cleartext" : "TLS via " + BenchTls.jdkProvider();
      }

      @Override
      public void stop() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(GRACE)) {
          server.shutdownNow();
          server.awaitTermination(GRACE);
        }
      }

      @Override
      public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
      }
    };
  }

  /** Built by hand over the protoc messages, so that protoc-gen-grpc-java is not needed. */
  private static final MethodDescriptor<HelloRequest, HelloReply> GRPC_SAY_HELLO =
      MethodDescriptor.<HelloRequest, HelloReply>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("helloworld.Greeter", "SayHello"))
          .setRequestMarshaller(ProtoUtils.marshaller(HelloRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(HelloReply.getDefaultInstance()))
          .build();

  private static Running startGrpc(Options options, boolean direct) throws IOException {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("helloworld.Greeter")
            .addMethod(
                GRPC_SAY_HELLO,
                ServerCalls.asyncUnaryCall(
                    (HelloRequest request, StreamObserver<HelloReply> responses) -> {
                      responses.onNext(HelloReply.newBuilder().setMessage(greeting(request.getName())).build());
                      responses.onCompleted();
                    }))
            .build();
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", options.port())).addService(service);
    // The context useTransportSecurity would build, made here so that the listening line can say
    // which provider grpc-java chose.
    SslContext tls = options.tlsCert() == null ? null : BenchTls.grpcServerContext(options.tlsCert(), options.tlsKey());
    if (tls != null) {
      builder.sslContext(tls);
    }
    if (direct) {
      // Handlers on the event loop, no hand-off to the cached pool: grpc-java's fastest setting
      // for a handler that never blocks, such as this one.
      builder.directExecutor();
    }
    io.grpc.Server server = builder.build().start();
    return new Running() {
      @Override
      public int port() {
        return server.getPort();
      }

      @Override
      public String transport() {
        return tls == null ? "cleartext" : "TLS via " + BenchTls.grpcProvider(tls);
      }

      @Override
      public void stop() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(GRACE.toSeconds(), TimeUnit.SECONDS)) {
          server.shutdownNow().awaitTermination(GRACE.toSeconds(), TimeUnit.SECONDS);
        }
      }

      @Override
      public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
      }
    };
  }
}
