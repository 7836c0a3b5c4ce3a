package dev.shuttle.bench;

import dev.shuttle.Server;
import dev.shuttle.ServerContext;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.StreamSink;
import dev.shuttle.StreamSource;
import dev.shuttle.bench.GreeterServer.Impl;
import dev.shuttle.bench.GreeterServer.Options;
import dev.shuttle.bench.GreeterServer.Running;
import dev.shuttle.bench.proto.Payload;
import dev.shuttle.bench.streaming.DownloadRequest;
import dev.shuttle.bench.streaming.StopReply;
import dev.shuttle.bench.streaming.StopRequest;
import dev.shuttle.bench.streaming.StreamingService;
import dev.shuttle.http2.config.TlsServerConfig;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSession;
import sun.misc.Signal;

/**
 * The {@code shuttle.bench.Streaming} service of {@code streaming.proto} on 127.0.0.1, for
 * {@code bin/bench-streaming}: Shuttle with its defaults, or grpc-java's Netty server with its
 * default executor or {@code directExecutor()}.
 *
 * <p>Both stacks respect flow control as their users are meant to: Shuttle's {@code send} blocks
 * while the window is closed; grpc-java's handlers send only while {@code isReady()} and carry on
 * from {@code onReady}, and its echo asks for the next request only when it can answer it (grpc-
 * java's manual flow control), so neither server buffers what the peer has not made room for.
 *
 * <p>Prints {@code streaming-server: listening on 127.0.0.1:PORT (IMPL, cleartext|TLS ...)} when
 * ready, and over TLS {@code streaming-server: tls session PROTOCOL CIPHER} for the first call;
 * SIGTERM stops it and it exits 0.
 */
public final class StreamingBenchServer {
  private static final Duration GRACE = Duration.ofSeconds(5);

  static final String USAGE =
      """
      usage: StreamingBenchServer --port=N [--impl=shuttle|grpc-java|grpc-java-direct]
                                  [--tls-cert=FILE --tls-key=FILE] [--help]
      Serves shuttle.bench.Streaming (Download, Echo) on 127.0.0.1 for bin/bench-streaming.
        --port=N              port to listen on; 0 picks a free one (the listening line says which)
        --impl=NAME           shuttle (default), grpc-java (default executor), grpc-java-direct
        --tls-cert=FILE       PEM certificate chain; with --tls-key, serves TLS instead of cleartext
        --tls-key=FILE        PEM private key (PKCS#8)
      Prints "streaming-server: listening on 127.0.0.1:PORT (...)" when ready; SIGTERM stops it (exit 0).
      """;

  private StreamingBenchServer() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    Options options;
    try {
      options = GreeterServer.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("streaming-server: " + e.getMessage());
      err.print(USAGE);
      err.flush();
      return 2;
    }
    if (options == null) {
      out.print(USAGE);
      out.flush();
      return 0;
    }
    TlsNote tlsNote = new TlsNote(out);
    Running server;
    try {
      if (options.impl() == Impl.SHUTTLE) {
        server = startShuttle(options, tlsNote);
      } else {
        SslContext tls = options.tlsCert() == null ? null
            : BenchTls.grpcServerContext(options.tlsCert(), options.tlsKey());
        server = startGrpc(options, tls, tlsNote);
      }
    } catch (IOException | UncheckedIOException e) {
      err.println("streaming-server: cannot listen on 127.0.0.1:" + options.port() + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    // As in GreeterServer: a clean stop on SIGTERM, so whoever drives this sees exit 0.
    Signal.handle(
        new Signal("TERM"),
        signal -> Thread.ofPlatform().name("streaming-server-stop").start(() -> {
          try {
            server.stop();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }));
    out.println("streaming-server: listening on 127.0.0.1:" + server.port() + " (" + options.impl().flag
        + ", " + server.transport() + ")");
    out.flush();
    server.awaitTermination();
    out.println("streaming-server: stopped");
    out.flush();
    return 0;
  }

  /** Says once what the first TLS call negotiated, so the table can show it. */
  private static final class TlsNote {
    private final PrintStream out;
    private final AtomicBoolean said = new AtomicBoolean();

    TlsNote(PrintStream out) {
      this.out = out;
    }

    void note(SSLSession session) {
      if (session != null && said.compareAndSet(false, true)) {
        out.println("streaming-server: tls session " + BenchTls.describe(session)); // once: said guards it
        out.flush();
      }
    }
  }

  static StatusException invalid(DownloadRequest request) {
    return new StatusException(Status.Code.INVALID_ARGUMENT,
        "size must be 0.." + StreamScenario.MAX_SIZE + " and count >= 0, got " + request.getSize()
            + " and " + request.getCount());
  }

  static boolean valid(DownloadRequest request) {
    return request.getSize() >= 0 && request.getSize() <= StreamScenario.MAX_SIZE && request.getCount() >= 0;
  }

  /**
   * The stop ids of running downloads, each with the flag its downloads read before every
   * message: a volatile read, the same for both stacks.
   */
  static final class StopSignals {
    private final ConcurrentHashMap<Long, AtomicBoolean> flags = new ConcurrentHashMap<>();

    /** The flag downloads with this id watch; one that never rises for id 0. */
    AtomicBoolean watch(long stopId) {
      return stopId == 0 ? new AtomicBoolean() : flags.computeIfAbsent(stopId, id -> new AtomicBoolean());
    }

    /** Raises the flag of {@code stopId}; whether any download had it. */
    boolean stop(long stopId) {
      AtomicBoolean flag = flags.remove(stopId);
      if (flag == null) {
        return false;
      }
      flag.set(true);
      return true;
    }
  }

  // ---- Shuttle ----

  private static final class ShuttleStreaming extends StreamingService {
    private final TlsNote tlsNote;
    private final StopSignals stops = new StopSignals();

    ShuttleStreaming(TlsNote tlsNote) {
      this.tlsNote = tlsNote;
    }

    @Override
    public StopReply stop(StopRequest request, ServerContext context) {
      return StopReply.newBuilder().setKnown(stops.stop(request.getStopId())).build();
    }

    @Override
    public void download(DownloadRequest request, StreamSink<Payload> responses, ServerContext context) {
      tlsNote.note(context.tlsSession());
      if (!valid(request)) {
        throw invalid(request);
      }
      Payload payload = StreamScenario.downloadPayload(request.getSize());
      AtomicBoolean stopped = stops.watch(request.getStopId());
      for (long i = 0; i < request.getCount() && !stopped.get(); i++) {
        responses.send(payload); // blocks while the client's window is closed
      }
    }

    @Override
    public void echo(StreamSource<Payload> requests, StreamSink<Payload> responses, ServerContext context) {
      tlsNote.note(context.tlsSession());
      for (Payload message : requests) {
        responses.send(message);
      }
    }
  }

  private static Running startShuttle(Options options, TlsNote tlsNote) throws IOException {
    Server.Builder builder = Server.builder().listen("127.0.0.1", options.port()).service(new ShuttleStreaming(tlsNote));
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

  // ---- grpc-java ----

  static final String SERVICE = "shuttle.bench.Streaming";

  /** Built by hand over the protoc messages, so that protoc-gen-grpc-java is not needed. */
  static final MethodDescriptor<DownloadRequest, Payload> GRPC_DOWNLOAD =
      MethodDescriptor.<DownloadRequest, Payload>newBuilder()
          .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Download"))
          .setRequestMarshaller(ProtoUtils.marshaller(DownloadRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(Payload.getDefaultInstance()))
          .build();

  static final MethodDescriptor<Payload, Payload> GRPC_ECHO =
      MethodDescriptor.<Payload, Payload>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Echo"))
          .setRequestMarshaller(ProtoUtils.marshaller(Payload.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(Payload.getDefaultInstance()))
          .build();

  /**
   * Sends while the transport is ready and resumes from onReady. grpc-java runs the handler, its
   * onReady and onCancel one at a time (on the event loop, or serialized on the executor), so the
   * fields need no lock.
   */
  private static final class GrpcDownload implements Runnable {
    private final ServerCallStreamObserver<Payload> responses;
    private final Payload payload;
    private final AtomicBoolean stopped;
    private long remaining;
    private boolean done;

    GrpcDownload(ServerCallStreamObserver<Payload> responses, Payload payload, long count, AtomicBoolean stopped) {
      this.responses = responses;
      this.payload = payload;
      this.remaining = count;
      this.stopped = stopped;
    }

    void start() {
      responses.setOnCancelHandler(() -> done = true);
      responses.setOnReadyHandler(this);
      run();
    }

    @Override
    public void run() {
      while (!done && remaining > 0 && responses.isReady()) {
        if (stopped.get()) {
          remaining = 0;
          break;
        }
        responses.onNext(payload);
        remaining--;
      }
      if (!done && remaining == 0) {
        done = true;
        responses.onCompleted();
      }
    }
  }

  /**
   * Echoes with grpc-java's manual flow control: the next request is asked for only while the
   * response side is ready, so a client that reads slowly slows the server's reading instead of
   * growing its send buffer.
   */
  private static final class GrpcEcho implements StreamObserver<Payload> {
    private final ServerCallStreamObserver<Payload> responses;
    private boolean requesting;

    GrpcEcho(ServerCallStreamObserver<Payload> responses) {
      this.responses = responses;
      responses.disableAutoRequest();
      responses.setOnReadyHandler(this::onReady);
    }

    private void onReady() {
      if (responses.isReady() && !requesting) {
        requesting = true;
        responses.request(1);
      }
    }

    @Override
    public void onNext(Payload message) {
      responses.onNext(message);
      if (responses.isReady()) {
        responses.request(1);
      } else {
        requesting = false;
      }
    }

    @Override
    public void onError(Throwable t) {
      // The client cancelled or went away: there is nobody to answer.
    }

    @Override
    public void onCompleted() {
      responses.onCompleted();
    }
  }

  static final MethodDescriptor<StopRequest, StopReply> GRPC_STOP =
      MethodDescriptor.<StopRequest, StopReply>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Stop"))
          .setRequestMarshaller(ProtoUtils.marshaller(StopRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(StopReply.getDefaultInstance()))
          .build();

  private static Running startGrpc(Options options, SslContext tls, TlsNote tlsNote) throws IOException {
    StopSignals stops = new StopSignals();
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(SERVICE)
            .addMethod(
                GRPC_DOWNLOAD,
                ServerCalls.asyncServerStreamingCall(
                    (DownloadRequest request, StreamObserver<Payload> responses) -> {
                      if (!valid(request)) {
                        responses.onError(io.grpc.Status.INVALID_ARGUMENT
                            .withDescription(invalid(request).status().description()).asRuntimeException());
                        return;
                      }
                      new GrpcDownload((ServerCallStreamObserver<Payload>) responses,
                          StreamScenario.downloadPayload(request.getSize()), request.getCount(),
                          stops.watch(request.getStopId())).start();
                    }))
            .addMethod(
                GRPC_STOP,
                ServerCalls.asyncUnaryCall(
                    (StopRequest request, StreamObserver<StopReply> reply) -> {
                      reply.onNext(StopReply.newBuilder().setKnown(stops.stop(request.getStopId())).build());
                      reply.onCompleted();
                    }))
            .addMethod(
                GRPC_ECHO,
                ServerCalls.asyncBidiStreamingCall(
                    (StreamObserver<Payload> responses) -> new GrpcEcho((ServerCallStreamObserver<Payload>) responses)))
            .build();
    if (tls != null) {
      service = ServerInterceptors.intercept(service, new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
          tlsNote.note(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
          return next.startCall(call, headers);
        }
      });
    }
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", options.port())).addService(service);
    if (tls != null) {
      builder.sslContext(tls);
    }
    if (options.impl() == Impl.GRPC_JAVA_DIRECT) {
      // Handlers and their callbacks on the event loop: grpc-java's fastest setting for handlers
      // that never block, as these do not.
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
