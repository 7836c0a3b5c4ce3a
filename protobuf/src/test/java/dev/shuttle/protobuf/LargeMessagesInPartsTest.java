package dev.shuttle.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.shuttle.BidiCall;
import dev.shuttle.CallOptions;
import dev.shuttle.Channel;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.Server;
import dev.shuttle.ServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Large messages whose big fields go out as shared parts ({@link ProtoMarshaller#serializeInParts})
 * arrive whole and unchanged, both ways, with peers of either stack and in-process, and through
 * compression, which takes the one-array path.
 */
class LargeMessagesInPartsTest {
  private static final String SERVICE = "shuttle.test.Echo";
  private static final ProtoMarshaller<Any> MARSHALLER = ProtoMarshaller.of(Any.getDefaultInstance());
  private static final MethodDescriptor<Any, Any> ECHO =
      MethodDescriptor.of(MethodType.BIDI_STREAMING, SERVICE, "Echo", MARSHALLER, MARSHALLER);
  private static final CallOptions TEN_SECONDS = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));

  private static Server server;
  private static GrpcJavaChannel grpc;

  @BeforeAll
  static void start() throws Exception {
    ServiceDefinition echo =
        ServiceDefinition.builder(SERVICE)
            .bidiStreaming(ECHO, (requests, responses, context) -> {
              for (Any request : requests) {
                responses.send(request); // its value is a view of the array the request arrived in
              }
            })
            .build();
    server = Server.builder().listen("127.0.0.1", 0).inProcess("large-parts").service(echo).start();
    grpc = new GrpcJavaChannel(server.port(), 8 * 1024 * 1024);
  }

  @AfterAll
  static void stop() throws Exception {
    if (grpc != null) {
      grpc.close();
    }
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(10));
    }
  }

  /** Distinct contents each, around the sizes where sharing starts and the encoder's buffer ends. */
  private static List<Any> messages() {
    Random random = new Random(42);
    List<Any> messages = new ArrayList<>();
    int[] valueSizes = {
      ProtoMarshaller.SHARING_FROM_SIZE - 10, ProtoMarshaller.SHARING_FROM_SIZE, 100_000, 1024 * 1024 + 3, 3 * 1024 * 1024
    };
    for (int size : valueSizes) {
      byte[] value = new byte[size];
      random.nextBytes(value);
      messages.add(Any.newBuilder().setTypeUrl("type.example/v" + size).setValue(ByteString.copyFrom(value)).build());
    }
    StringBuilder longUrl = new StringBuilder();
    while (longUrl.length() < 70_000) {
      longUrl.append("ü/").append(random.nextInt());
    }
    byte[] value = new byte[80_000];
    random.nextBytes(value);
    messages.add(Any.newBuilder().setTypeUrl(longUrl.toString()).setValue(ByteString.copyFrom(value)).build());
    return messages;
  }

  private static void echoesEveryMessage(Channel channel, CallOptions options) {
    List<Any> messages = messages();
    try (BidiCall<Any, Any> call = channel.bidiStreamingCall(ECHO, options)) {
      for (Any message : messages) {
        call.send(message);
        assertEquals(message, call.receive());
      }
      call.halfClose();
      assertNull(call.receive());
    }
  }

  @Test
  void aShuttleClientSendsAndReceivesLargeMessagesInParts() {
    try (Channel channel = Channel.builder("127.0.0.1:" + server.port()).maxInboundMessageSize(8 * 1024 * 1024).build()) {
      echoesEveryMessage(channel, TEN_SECONDS);
    }
  }

  @Test
  void largeMessagesInPartsCrossTheInProcessTransportWhole() {
    try (Channel channel = Channel.inProcessBuilder("large-parts").maxInboundMessageSize(8 * 1024 * 1024).build()) {
      echoesEveryMessage(channel, TEN_SECONDS);
    }
  }

  @Test
  void compressedLargeMessagesTakeTheOneArrayPathAndArriveWhole() {
    try (Channel channel = Channel.builder("127.0.0.1:" + server.port()).maxInboundMessageSize(8 * 1024 * 1024).build()) {
      echoesEveryMessage(channel, TEN_SECONDS.withCompression("gzip"));
    }
  }

  @Test
  void aGrpcJavaClientReadsLargeMessagesAShuttleServerSentInParts() throws InterruptedException {
    io.grpc.MethodDescriptor<Any, Any> echo =
        io.grpc.MethodDescriptor.<Any, Any>newBuilder()
            .setType(io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(SERVICE, "Echo"))
            .setRequestMarshaller(ProtoUtils.marshaller(Any.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(Any.getDefaultInstance()))
            .build();
    List<Any> messages = messages();
    BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    StreamObserver<Any> requests =
        ClientCalls.asyncBidiStreamingCall(
            grpc.channel().newCall(echo, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)),
            new StreamObserver<Any>() {
              @Override
              public void onNext(Any value) {
                received.add(value);
              }

              @Override
              public void onError(Throwable t) {
                received.add(t);
              }

              @Override
              public void onCompleted() {
                received.add("completed");
              }
            });
    for (Any message : messages) {
      requests.onNext(message);
    }
    requests.onCompleted();
    for (Any message : messages) {
      assertEquals(message, received.poll(10, TimeUnit.SECONDS));
    }
    assertEquals("completed", received.poll(10, TimeUnit.SECONDS));
  }
}
