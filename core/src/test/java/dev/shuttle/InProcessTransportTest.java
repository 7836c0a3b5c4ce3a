package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What is particular to the in-process transport; the call semantics run in the shared suites. */
class InProcessTransportTest {
  private static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.of(MethodType.UNARY, "inprocess.Test", "Echo", TestMarshallers.BYTES, TestMarshallers.BYTES);
  private static final MethodDescriptor<String, String> FLOOD =
      MethodDescriptor.of(MethodType.SERVER_STREAMING, "inprocess.Test", "Flood", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final int CHUNK = 64 * 1024;
  private static final long WAIT_SECONDS = 30;

  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicReference<Thread> floodThread = new AtomicReference<>();
  private final AtomicReference<byte[]> handlerGot = new AtomicReference<>();
  private final AtomicReference<Metadata> handlerMetadata = new AtomicReference<>();
  private final AtomicReference<Deadline> handlerDeadline = new AtomicReference<>();
  private final AtomicReference<String> handlerAddress = new AtomicReference<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeLater.size() - 1; i >= 0; i--) {
      closeLater.get(i).close();
    }
  }

  private <T extends AutoCloseable> T later(T closeable) {
    closeLater.add(closeable);
    return closeable;
  }

  private Server.Builder service(String name) {
    return Server.builder()
        .inProcess(name)
        .service(
            ServiceDefinition.builder("inprocess.Test")
                .unary(ECHO, (request, context) -> {
                  handlerGot.set(request);
                  handlerMetadata.set(context.requestMetadata());
                  handlerDeadline.set(context.deadline());
                  handlerAddress.set(String.valueOf(context.remoteAddress()));
                  byte[] reply = request.clone();
                  request[0] = 'X'; // the handler's copy: the caller's array must not change
                  context.requestMetadata().put("x-in", "changed by the handler");
                  return reply;
                })
                .serverStreaming(FLOOD, (request, out, context) -> {
                  floodThread.set(Thread.currentThread());
                  int count = Integer.parseInt(request);
                  for (int i = 0; i < count; i++) {
                    out.send("x".repeat(CHUNK));
                    sent.incrementAndGet();
                  }
                })
                .build());
  }

  @Test
  void aServerGivenOnlyANameOpensNoSocket() throws Exception {
    Server server = later(service("no-socket").start());
    assertEquals("no-socket", server.inProcessName());
    assertThrows(IllegalStateException.class, server::port);
    assertEquals(0, server.connectionCount());
  }

  @Test
  void aServerMayListenOnASocketAndInProcessAtOnce() throws Exception {
    Server server = later(service("both").listen("127.0.0.1", 0).start());
    Channel socket = later(Channel.plaintext("127.0.0.1:" + server.port()));
    Channel inProcess = later(Channel.inProcess("both"));
    assertArrayEquals(new byte[] {1}, socket.unaryCall(ECHO, new byte[] {1}, CallOptions.DEFAULT));
    assertArrayEquals(new byte[] {2}, inProcess.unaryCall(ECHO, new byte[] {2}, CallOptions.DEFAULT));
  }

  @Test
  void aNameIsServedByOneServerAtATimeAndFreeAgainAfterShutdown() throws Exception {
    Server first = later(service("taken").start());
    assertThrows(IOException.class, () -> service("taken").start());
    first.shutdown();
    assertTrue(first.awaitTermination(Duration.ofSeconds(WAIT_SECONDS)));
    later(service("taken").start());
    Channel channel = later(Channel.inProcess("taken"));
    assertArrayEquals(new byte[] {3}, channel.unaryCall(ECHO, new byte[] {3}, CallOptions.DEFAULT));
  }

  @Test
  void aServerThatCannotBindItsSocketGivesUpItsNameAgain() throws Exception {
    try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThrows(IOException.class, () -> service("unbound").listen("127.0.0.1", occupied.getLocalPort()).start());
    }
    later(service("unbound").start());
    Channel channel = later(Channel.inProcess("unbound"));
    assertArrayEquals(new byte[] {4}, channel.unaryCall(ECHO, new byte[] {4}, CallOptions.DEFAULT));
  }

  @Test
  void anUnknownNameFailsTheCallUnavailable() {
    Channel channel = later(Channel.inProcess("nobody-serves-this"));
    StatusException e =
        assertThrows(StatusException.class, () -> channel.unaryCall(ECHO, new byte[] {1}, CallOptions.DEFAULT));
    assertEquals(Status.Code.UNAVAILABLE, e.code(), e.toString());
  }

  @Test
  void aChannelFindsTheServerThatTookTheNameAfterTheFirstShutDown() throws Exception {
    Server first = later(service("restarted").start());
    Channel channel = later(Channel.inProcess("restarted"));
    assertArrayEquals(new byte[] {1}, channel.unaryCall(ECHO, new byte[] {1}, CallOptions.DEFAULT));
    first.shutdownNow();
    assertEquals(
        Status.Code.UNAVAILABLE,
        assertThrows(StatusException.class, () -> channel.unaryCall(ECHO, new byte[] {1}, CallOptions.DEFAULT)).code());
    later(service("restarted").start());
    assertArrayEquals(new byte[] {2}, channel.unaryCall(ECHO, new byte[] {2}, CallOptions.DEFAULT));
  }

  @Test
  void messagesAndMetadataCrossAsCopiesAndTheDeadlineAsItIs() throws Exception {
    later(service("copies").start());
    Channel channel = later(Channel.inProcess("copies"));
    byte[] request = {'a', 'b'};
    Metadata metadata = new Metadata().add("x-in", "original");
    Deadline deadline = Deadline.after(Duration.ofMinutes(5));
    byte[] reply =
        channel.unaryCall(ECHO, request, CallOptions.DEFAULT.withMetadata(metadata).withDeadline(deadline));
    assertArrayEquals(new byte[] {'a', 'b'}, reply);
    assertArrayEquals(new byte[] {'a', 'b'}, request, "the handler changed its own copy only");
    assertEquals("X", new String(handlerGot.get(), 0, 1, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals("original", metadata.get("x-in"), "the handler changed its own metadata only");
    assertEquals(deadline, handlerDeadline.get(), "the same instant, not a re-encoded timeout");
    assertEquals("in-process:copies", handlerAddress.get());
  }

  @Test
  void aSenderBlocksWhileTheReceiverHasNotConsumedABoundedAmount() throws Exception {
    later(service("backpressure").start());
    Channel channel = later(Channel.inProcess("backpressure"));
    int messages = 200; // 12.5 MiB in all, far more than the window
    try (ResponseStream<String> stream = channel.serverStreamingCall(FLOOD, String.valueOf(messages), CallOptions.DEFAULT)) {
      var responses = stream.iterator();
      assertEquals(CHUNK, responses.next().length());
      // The handler runs ahead until the window is full, then parks in send().
      Thread handler = awaitNotNull(floodThread);
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (handler.getState() != Thread.State.WAITING && System.nanoTime() < giveUp) {
        Thread.sleep(5);
      }
      assertEquals(Thread.State.WAITING, handler.getState(), "the handler blocks in send()");
      int ahead = sent.get();
      assertTrue(ahead < messages / 4, "sent ahead of the reader: " + ahead);
      int received = 1;
      while (responses.hasNext()) {
        responses.next();
        received++;
      }
      assertEquals(messages, received);
    }
  }

  @Test
  void serverShutdownNowFailsRunningCallsUnavailableAndRefusesNewOnes() throws Exception {
    Server server = later(service("going-away").start());
    Channel channel = later(Channel.inProcess("going-away"));
    ResponseStream<String> stream = channel.serverStreamingCall(FLOOD, "1000", CallOptions.DEFAULT);
    later(stream);
    var responses = stream.iterator();
    responses.next();
    server.shutdownNow();
    StatusException running =
        assertThrows(StatusException.class, () -> {
          while (responses.hasNext()) {
            responses.next();
          }
        });
    assertEquals(Status.Code.UNAVAILABLE, running.code(), running.toString());
    StatusException refused =
        assertThrows(StatusException.class, () -> channel.unaryCall(ECHO, new byte[] {1}, CallOptions.DEFAULT));
    assertEquals(Status.Code.UNAVAILABLE, refused.code());
    assertTrue(server.awaitTermination(Duration.ofSeconds(WAIT_SECONDS)));
    assertTrue(server.isShutdown());
  }

  @Test
  void anInProcessChannelHasNoTls() {
    assertThrows(
        IllegalStateException.class,
        () -> Channel.inProcessBuilder("x").tls(dev.shuttle.http2.config.TlsClientConfig.systemDefault()).build());
  }

  private static <T> T awaitNotNull(AtomicReference<T> ref) throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (ref.get() == null && System.nanoTime() < giveUp) {
      Thread.sleep(5);
    }
    assertNotNull(ref.get());
    return ref.get();
  }
}
