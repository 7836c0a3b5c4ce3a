package dev.shuttle.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.ServiceDefinition;
import dev.shuttle.StatusException;
import dev.shuttle.http2.TestPki;
import dev.shuttle.http2.config.TlsClientConfig;
import dev.shuttle.http2.config.TlsServerConfig;
import dev.shuttle.interop.proto.Payload;
import dev.shuttle.interop.proto.SimpleRequest;
import dev.shuttle.interop.proto.TestServiceClient;
import dev.shuttle.protobuf.ProtoMarshaller;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS both ways with grpc-java (Netty, with its bundled BoringSSL or the JDK's TLS, whichever it
 * picks), using grpc-java's own interop certificates: server1 for *.test.google.fr, client,
 * and the ca that signed both. A client certificate from a CA of the test's own is the one a
 * server must refuse.
 */
class GrpcJavaTlsInteropTest {
  private static final String PEER_SERVICE = "shuttle.interop.test.Peer";
  /** Answers with the subject of the client's certificate, or "anonymous". */
  private static final MethodDescriptor<Payload, Payload> WHO =
      MethodDescriptor.of(
          MethodType.UNARY, PEER_SERVICE, "Who",
          ProtoMarshaller.of(Payload.getDefaultInstance()), ProtoMarshaller.of(Payload.getDefaultInstance()));
  private static final io.grpc.MethodDescriptor<Payload, Payload> GRPC_WHO =
      GrpcJavaInterop.unary(PEER_SERVICE, "Who", Payload.getDefaultInstance(), Payload.getDefaultInstance());
  private static final dev.shuttle.CallOptions SHUTTLE_GUARD =
      dev.shuttle.CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(Interop.GUARD_SECONDS));

  @TempDir static Path dir;
  private static GrpcTestCertificates certs;
  private static TestPki.PemFiles stranger;
  private static EventLoopGroup boss;
  private static EventLoopGroup workers;
  private static ExecutorService grpcExecutor;
  /** Shuttle servers: TLS without client authentication, and TLS requiring a client certificate. */
  private static dev.shuttle.Server tlsServer;
  private static dev.shuttle.Server mutualServer;
  /** grpc-java servers, the same two kinds. */
  private static io.grpc.Server grpcTlsServer;
  private static io.grpc.Server grpcMutualServer;

  @BeforeAll
  static void start() throws Exception {
    certs = GrpcTestCertificates.copyTo(dir);
    stranger = TestPki.newCa("not-the-grpc-test-ca").client("stranger").writePem(dir, "stranger");
    boss = new NioEventLoopGroup(1);
    workers = new NioEventLoopGroup(2);
    grpcExecutor = Executors.newCachedThreadPool();

    tlsServer = shuttleServer(TlsServerConfig.builder().keyPem(certs.serverCert(), certs.serverKey()).build());
    mutualServer =
        shuttleServer(
            TlsServerConfig.builder()
                .keyPem(certs.serverCert(), certs.serverKey())
                .trustPem(certs.ca())
                .clientAuth(TlsServerConfig.ClientAuth.REQUIRE)
                .build());
    grpcTlsServer =
        grpcServer(TlsServerCredentials.newBuilder().keyManager(certs.serverCert().toFile(), certs.serverKey().toFile()).build());
    grpcMutualServer =
        grpcServer(
            TlsServerCredentials.newBuilder()
                .keyManager(certs.serverCert().toFile(), certs.serverKey().toFile())
                .trustManager(certs.ca().toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                .build());
  }

  @AfterAll
  static void stop() throws Exception {
    for (dev.shuttle.Server server : new dev.shuttle.Server[] {tlsServer, mutualServer}) {
      if (server != null) {
        server.shutdownNow();
      }
    }
    for (io.grpc.Server server : new io.grpc.Server[] {grpcTlsServer, grpcMutualServer}) {
      if (server != null) {
        server.shutdownNow().awaitTermination(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
      }
    }
    if (grpcExecutor != null) {
      grpcExecutor.shutdownNow();
      grpcExecutor.awaitTermination(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
    }
    for (EventLoopGroup group : new EventLoopGroup[] {workers, boss}) {
      if (group != null) {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
      }
    }
  }

  private static dev.shuttle.Server shuttleServer(TlsServerConfig tls) throws IOException {
    ServiceDefinition peer =
        ServiceDefinition.builder(PEER_SERVICE)
            .unary(WHO, (request, context) -> Payload.newBuilder()
                .setBody(ByteString.copyFromUtf8(context.peerCertificates().isEmpty()
                    ? "anonymous"
                    : context.peerCertificates().get(0).getSubjectX500Principal().getName()))
                .build())
            .build();
    return dev.shuttle.Server.builder()
        .listen("127.0.0.1", 0)
        .tls(tls)
        .service(new ShuttleInteropService())
        .service(ShuttleInteropService.echoService())
        .service(peer)
        .maxInboundMessageSize(Interop.LARGE_MESSAGE_LIMIT)
        .start();
  }

  private static io.grpc.Server grpcServer(ServerCredentials credentials) throws IOException {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .channelType(NioServerSocketChannel.class)
        .executor(grpcExecutor)
        .maxInboundMessageSize(Interop.LARGE_MESSAGE_LIMIT)
        .addService(new GrpcJavaInterop.TestService().definition())
        .addService(GrpcJavaInterop.echoService())
        .build()
        .start();
  }

  private static ManagedChannel grpcChannel(int port, ChannelCredentials credentials) {
    return NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", port), credentials)
        .overrideAuthority(GrpcTestCertificates.SERVER_NAME)
        .eventLoopGroup(workers)
        .channelType(NioSocketChannel.class)
        .executor(grpcExecutor)
        .offloadExecutor(grpcExecutor)
        .maxInboundMessageSize(Interop.LARGE_MESSAGE_LIMIT)
        .build();
  }

  private static ChannelCredentials trustingCa() throws IOException {
    return TlsChannelCredentials.newBuilder().trustManager(certs.ca().toFile()).build();
  }

  private static <Req, Resp> Resp grpcCall(ManagedChannel channel, io.grpc.MethodDescriptor<Req, Resp> method, Req request) {
    return ClientCalls.blockingUnaryCall(
        channel, method, CallOptions.DEFAULT.withDeadlineAfter(Interop.GUARD_SECONDS, TimeUnit.SECONDS), request);
  }

  private static void close(ManagedChannel channel) throws InterruptedException {
    channel.shutdownNow().awaitTermination(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
  }

  private static dev.shuttle.Channel shuttleChannel(int port, TlsClientConfig tls) {
    return dev.shuttle.Channel.builder("127.0.0.1:" + port)
        .tls(tls)
        .maxInboundMessageSize(Interop.LARGE_MESSAGE_LIMIT)
        .build();
  }

  private static TlsClientConfig.Builder shuttleTrustingCa() {
    return TlsClientConfig.builder().trustPem(certs.ca()).serverName(GrpcTestCertificates.SERVER_NAME);
  }

  // ---------------------------------------------------------------------------------------------
  // grpc-java's client, Shuttle's server.

  @ParameterizedTest
  @ValueSource(ints = {0, 64 * 1024, 10 * 1024 * 1024})
  void grpcJavaClientCallsShuttleServerOverTls(int size) throws Exception {
    ManagedChannel channel = grpcChannel(tlsServer.port(), trustingCa());
    try {
      SimpleRequest request = Interop.sizedRequest(size, size, size);
      Interop.assertZeros(size, grpcCall(channel, GrpcJavaInterop.UNARY_CALL, request));
      Payload payload = request.getPayload();
      Interop.assertSameBytes(payload.getBody(), grpcCall(channel, GrpcJavaInterop.ECHO, payload).getBody(), "echoed payload");
    } finally {
      close(channel);
    }
  }

  @Test
  void grpcJavaClientCertificateFromTheTrustedCaIsAcceptedAndSeenByTheHandler() throws Exception {
    ManagedChannel channel =
        grpcChannel(
            mutualServer.port(),
            TlsChannelCredentials.newBuilder()
                .trustManager(certs.ca().toFile())
                .keyManager(certs.clientCert().toFile(), certs.clientKey().toFile())
                .build());
    try {
      String subject = grpcCall(channel, GRPC_WHO, Payload.getDefaultInstance()).getBody().toStringUtf8();
      assertTrue(subject.startsWith("CN=testclient,"), subject);
      Interop.assertZeros(64 * 1024, grpcCall(channel, GrpcJavaInterop.UNARY_CALL, Interop.sizedRequest(64 * 1024, 64 * 1024, 1)));
    } finally {
      close(channel);
    }
  }

  @Test
  void grpcJavaClientCertificateFromAnotherCaIsRefused() throws Exception {
    ManagedChannel channel =
        grpcChannel(
            mutualServer.port(),
            TlsChannelCredentials.newBuilder()
                .trustManager(certs.ca().toFile())
                .keyManager(stranger.certificateChain().toFile(), stranger.privateKey().toFile())
                .build());
    try {
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> grpcCall(channel, GRPC_WHO, Payload.getDefaultInstance()));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
    } finally {
      close(channel);
    }
  }

  @Test
  void grpcJavaClientWithoutACertificateIsRefusedWhereOneIsRequired() throws Exception {
    ManagedChannel channel = grpcChannel(mutualServer.port(), trustingCa());
    try {
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> grpcCall(channel, GRPC_WHO, Payload.getDefaultInstance()));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
    } finally {
      close(channel);
    }
  }

  @Test
  void grpcJavaPlaintextClientOnAShuttleTlsPortFailsFast() throws Exception {
    ManagedChannel channel = grpcChannel(tlsServer.port(), InsecureChannelCredentials.create());
    try {
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> grpcCall(channel, GRPC_WHO, Payload.getDefaultInstance()));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
      assertTrue(String.valueOf(e.getStatus()).contains("requires TLS"), e.getStatus().toString());
    } finally {
      close(channel);
    }
  }

  @Test
  void grpcJavaTlsClientOnAShuttlePlaintextPortFailsFast() throws Exception {
    try (dev.shuttle.Server plaintext =
        dev.shuttle.Server.builder().listen("127.0.0.1", 0).service(ShuttleInteropService.echoService()).start()) {
      ManagedChannel channel = grpcChannel(plaintext.port(), trustingCa());
      try {
        StatusRuntimeException e =
            assertThrows(StatusRuntimeException.class, () -> grpcCall(channel, GrpcJavaInterop.ECHO, Payload.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
      } finally {
        close(channel);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Shuttle's client, grpc-java's server.

  @ParameterizedTest
  @ValueSource(ints = {0, 64 * 1024, 10 * 1024 * 1024})
  void shuttleClientCallsGrpcJavaServerOverTls(int size) throws Exception {
    try (dev.shuttle.Channel channel = shuttleChannel(grpcTlsServer.getPort(), shuttleTrustingCa().build())) {
      SimpleRequest request = Interop.sizedRequest(size, size, size);
      Interop.assertZeros(size, TestServiceClient.of(channel).unaryCall(request));
      Payload echoed = channel.unaryCall(ShuttleInteropService.ECHO, request.getPayload(), SHUTTLE_GUARD);
      Interop.assertSameBytes(request.getPayload().getBody(), echoed.getBody(), "echoed payload");
    }
  }

  @Test
  void shuttleClientCertificateIsAcceptedByAGrpcJavaServerThatRequiresOne() throws Exception {
    TlsClientConfig tls = shuttleTrustingCa().keyPem(certs.clientCert(), certs.clientKey()).build();
    try (dev.shuttle.Channel channel = shuttleChannel(grpcMutualServer.getPort(), tls)) {
      Interop.assertZeros(64 * 1024, TestServiceClient.of(channel).unaryCall(Interop.sizedRequest(64 * 1024, 64 * 1024, 3)));
    }
  }

  @Test
  void shuttleClientCertificateFromAnotherCaIsRefusedByAGrpcJavaServer() throws Exception {
    TlsClientConfig tls = shuttleTrustingCa().keyPem(stranger.certificateChain(), stranger.privateKey()).build();
    try (dev.shuttle.Channel channel = shuttleChannel(grpcMutualServer.getPort(), tls)) {
      StatusException e =
          assertThrows(StatusException.class, () -> channel.unaryCall(ShuttleInteropService.ECHO, Payload.getDefaultInstance(), SHUTTLE_GUARD));
      assertEquals(dev.shuttle.Status.Code.UNAVAILABLE, e.code(), e.status().toString());
    }
  }

  @Test
  void shuttleClientRefusesAGrpcJavaServerCertificateForAnotherName() throws Exception {
    TlsClientConfig tls = TlsClientConfig.builder().trustPem(certs.ca()).build(); // checks 127.0.0.1
    try (dev.shuttle.Channel channel = shuttleChannel(grpcTlsServer.getPort(), tls)) {
      StatusException e =
          assertThrows(StatusException.class, () -> channel.unaryCall(ShuttleInteropService.ECHO, Payload.getDefaultInstance(), SHUTTLE_GUARD));
      assertEquals(dev.shuttle.Status.Code.UNAVAILABLE, e.code(), e.status().toString());
      assertTrue(e.status().description().contains("127.0.0.1"), e.status().description());
    }
  }

  @Test
  void shuttleTlsClientOnAGrpcJavaPlaintextPortFailsFast() throws Exception {
    io.grpc.Server plaintext = grpcServer(io.grpc.InsecureServerCredentials.create());
    try (dev.shuttle.Channel channel = shuttleChannel(plaintext.getPort(), shuttleTrustingCa().build())) {
      StatusException e =
          assertThrows(StatusException.class, () -> channel.unaryCall(ShuttleInteropService.ECHO, Payload.getDefaultInstance(), SHUTTLE_GUARD));
      assertEquals(dev.shuttle.Status.Code.UNAVAILABLE, e.code(), e.status().toString());
      assertTrue(e.status().description().contains("TLS"), e.status().description());
    } finally {
      plaintext.shutdownNow().awaitTermination(Interop.GUARD_SECONDS, TimeUnit.SECONDS);
    }
  }
}
