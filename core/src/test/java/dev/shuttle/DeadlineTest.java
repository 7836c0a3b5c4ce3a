package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A call's deadline covers all of it (connecting, waiting for a stream slot, the call itself),
 * wakes the server's handler when it passes, and travels on with the calls a handler makes.
 */
@ParameterizedClass
@EnumSource(Transport.class)
class DeadlineTest {
  @Parameter Transport transport;

  private static final MethodDescriptor<String, String> WAIT_FOR_REQUEST =
      MethodDescriptor.of(MethodType.BIDI_STREAMING, "deadline.Test", "WaitForRequest", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> SLEEP =
      MethodDescriptor.of(MethodType.UNARY, "deadline.Test", "Sleep", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> RELAY =
      MethodDescriptor.of(MethodType.UNARY, "deadline.Test", "Relay", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final Duration SHORT = Duration.ofMillis(300);
  private static final long WAIT_SECONDS = 30;

  private final List<AutoCloseable> closeLater = new ArrayList<>();

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

  private Channel channelTo(Server server) {
    return later(transport.connect(server));
  }

  private static void sleep(Duration time) {
    try {
      Thread.sleep(time);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aHandlerThatAnswersAfterItsDeadlineWasAnsweredIsDroppedQuietly() throws Exception {
    assumeTrue(transport == Transport.HTTP2, "a raw HTTP/2 client, so that only the server's deadline runs");
    MethodDescriptor<String, String> collect =
        MethodDescriptor.of(MethodType.CLIENT_STREAMING, "deadline.Test", "Collect", TestMarshallers.UTF8, TestMarshallers.UTF8);
    List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
    CountDownLatch returned = new CountDownLatch(1);
    try {
      Server server =
          later(
              transport.serve(Server.builder())
                  .service(ServiceDefinition.builder("deadline.Test").clientStreaming(collect, (requests, context) -> {
                    try {
                      sleep(SHORT.multipliedBy(2)); // woken by the deadline, it answers anyway
                      return "too late";
                    } finally {
                      returned.countDown();
                    }
                  }).build())
                  .start());
      try (RawH2 conn = RawH2.connect(server.port()).handshake()) {
        conn.send(
            RawH2.headers(1, RawH2.FLAG_END_HEADERS, RawH2.grpcRequest("/deadline.Test/Collect", "grpc-timeout", "300m")));
        RawH2.Response response = conn.awaitResponse(1);
        assertEquals(String.valueOf(Status.Code.DEADLINE_EXCEEDED.value()), response.grpcStatus());
      }
      assertTrue(returned.await(WAIT_SECONDS, TimeUnit.SECONDS));
      sleep(Duration.ofMillis(200)); // the handler's thread ends once its response is dropped
      assertEquals(List.of(), uncaught, "the late response went nowhere, quietly");
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }

  @Test
  void aHandlerWaitingForARequestIsWokenByItsDeadline() throws Exception {
    assumeTrue(transport == Transport.HTTP2, "a raw HTTP/2 client: about the grpc-timeout header");
    AtomicReference<Throwable> handlerSaw = new AtomicReference<>();
    CountDownLatch handlerWoken = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    Server server =
        later(
            transport.serve(Server.builder())
                .listen("127.0.0.1", 0)
                .service(ServiceDefinition.builder("deadline.Test").bidiStreaming(WAIT_FOR_REQUEST, (in, out, context) -> {
                  context.onCancel(cancelled::countDown);
                  try {
                    out.send(in.receive()); // the client never sends
                  } catch (RuntimeException e) {
                    handlerSaw.set(e);
                    handlerWoken.countDown();
                    throw e;
                  }
                }).build())
                .start());
    // A raw client, which never resets: only the server's copy of the deadline runs.
    try (RawH2 conn = RawH2.connect(server.port()).handshake()) {
      conn.send(
          RawH2.headers(
              1, RawH2.FLAG_END_HEADERS, RawH2.grpcRequest("/deadline.Test/WaitForRequest", "grpc-timeout", "300m")));
      RawH2.Response response = conn.awaitResponse(1);
      assertEquals(String.valueOf(Status.Code.DEADLINE_EXCEEDED.value()), response.grpcStatus(), "answered, not just reset");
    }
    assertTrue(cancelled.await(WAIT_SECONDS, TimeUnit.SECONDS), "onCancel ran");
    // onCancel may run before receive() has thrown on the handler's own thread.
    assertTrue(handlerWoken.await(WAIT_SECONDS, TimeUnit.SECONDS), "receive() was woken");
    StatusException woken = assertThrows(StatusException.class, () -> {
      throw handlerSaw.get();
    });
    assertEquals(Status.Code.DEADLINE_EXCEEDED, woken.code(), "what receive() threw: " + woken);
  }

  @Test
  void aDeadlineTravelsThroughTwoHopsAndEndsThemAll() throws Exception {
    AtomicReference<Duration> backendSaw = new AtomicReference<>();
    AtomicReference<Throwable> relaySaw = new AtomicReference<>();
    CountDownLatch relayFailed = new CountDownLatch(1);
    CountDownLatch backendCancelled = new CountDownLatch(1);
    Server backend =
        later(
            transport.serve(Server.builder())
                .listen("127.0.0.1", 0)
                .service(ServiceDefinition.builder("deadline.Test").unary(SLEEP, (request, context) -> {
                  backendSaw.set(context.timeRemaining());
                  context.onCancel(backendCancelled::countDown);
                  sleep(Duration.ofSeconds(60));
                  return "slept";
                }).build())
                .start());
    Channel toBackend = channelTo(backend);
    Server relay =
        later(
            transport.serve(Server.builder())
                .listen("127.0.0.1", 0)
                .service(ServiceDefinition.builder("deadline.Test").unary(RELAY, (request, context) -> {
                  try {
                    // No options: the handler's own deadline goes with the call it makes.
                    return toBackend.unaryCall(SLEEP, request, CallOptions.DEFAULT);
                  } catch (StatusException e) {
                    relaySaw.set(e);
                    relayFailed.countDown();
                    throw e;
                  }
                }).build())
                .start());
    Duration timeout = Duration.ofSeconds(1);
    StatusException e =
        assertThrows(
            StatusException.class,
            () -> channelTo(relay).unaryCall(RELAY, "x", CallOptions.DEFAULT.withTimeout(timeout)));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code(), e.toString());
    assertTrue(backendCancelled.await(WAIT_SECONDS, TimeUnit.SECONDS), "the backend's call ended too");
    Duration seen = backendSaw.get();
    assertNotNull(seen, "the backend got a deadline");
    assertTrue(!seen.isNegative() && seen.compareTo(timeout) <= 0, "the backend's time left: " + seen);
    // The relay's own call ends by the same deadline: by its timer, or by the client's reset
    // just before (the client's copy of the deadline is the earliest). Which of the two the
    // client hears about first is not defined, so wait for the relay's handler to see it.
    assertTrue(relayFailed.await(WAIT_SECONDS, TimeUnit.SECONDS), "the relay's call to the backend ended");
    Status.Code relayCode = ((StatusException) relaySaw.get()).code();
    assertTrue(
        relayCode == Status.Code.DEADLINE_EXCEEDED || relayCode == Status.Code.CANCELLED,
        "the relay's call to the backend: " + relaySaw.get());
  }

  @Test
  void aHandlerPassesItsDeadlineOnFromAnotherThreadInOneCall() throws Exception {
    AtomicReference<Deadline> backendSaw = new AtomicReference<>();
    Server backend =
        later(
            transport.serve(Server.builder())
                .listen("127.0.0.1", 0)
                .service(ServiceDefinition.builder("deadline.Test").unary(SLEEP, (request, context) -> {
                  backendSaw.set(context.deadline());
                  return "fast";
                }).build())
                .start());
    Channel toBackend = channelTo(backend);
    ExecutorService pool = later(Executors.newSingleThreadExecutor());
    AtomicReference<Deadline> relayDeadline = new AtomicReference<>();
    Server relay =
        later(
            transport.serve(Server.builder())
                .listen("127.0.0.1", 0)
                .service(ServiceDefinition.builder("deadline.Test").unary(RELAY, (request, context) -> {
                  relayDeadline.set(context.deadline());
                  // On a thread of the pool nothing is inherited: the deadline is passed on by hand.
                  try {
                    return pool.submit(() -> {
                          assertNull(ServerContext.current(), "no handler context on a pool thread");
                          return toBackend.unaryCall(SLEEP, request, CallOptions.DEFAULT.withDeadline(context.deadline()));
                        })
                        .get();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }).build())
                .start());
    assertEquals("fast", channelTo(relay).unaryCall(RELAY, "x", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20))));
    assertNotNull(backendSaw.get());
    long apartNanos = Math.abs(backendSaw.get().nanoTime() - relayDeadline.get().nanoTime());
    assertTrue(
        apartNanos < TimeUnit.SECONDS.toNanos(1),
        "the backend's deadline " + backendSaw.get() + " is the relay's " + relayDeadline.get());
  }

  @Test
  void theDeadlineCoversConnectingToAServerThatNeverAnswers() throws Exception {
    assumeTrue(transport == Transport.HTTP2, "about connecting to a socket that never answers");
    ServerSocket silent = later(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    List<Socket> accepted = new ArrayList<>();
    Thread acceptor =
        Thread.ofVirtual().start(() -> {
          try {
            while (true) {
              Socket socket = silent.accept(); // accepts, then says nothing at all
              synchronized (accepted) {
                accepted.add(socket);
              }
            }
          } catch (IOException closed) {
            // the test is over
          }
        });
    later(acceptor::interrupt);
    later(() -> {
      synchronized (accepted) {
        for (Socket socket : accepted) {
          socket.close();
        }
      }
    });
    Channel channel = later(Channel.plaintext("127.0.0.1:" + silent.getLocalPort()));
    StatusException e =
        assertThrows(StatusException.class, () -> channel.unaryCall(SLEEP, "x", CallOptions.DEFAULT.withTimeout(SHORT)));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code(), e.toString());
  }

  @Test
  void theDeadlineCoversWaitingForAStreamSlot() throws Exception {
    // MAX_CONCURRENT_STREAMS is HTTP/2's: an in-process connection has no stream slots to wait for.
    assumeTrue(transport == Transport.HTTP2, "about HTTP/2 stream slots");
    CountDownLatch firstRuns = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> served = java.util.Collections.synchronizedList(new ArrayList<>());
    Server server =
        later(
            transport.serve(Server.builder())
                .listen("127.0.0.1", 0)
                .maxConcurrentCallsPerConnection(1)
                .service(ServiceDefinition.builder("deadline.Test").unary(SLEEP, (request, context) -> {
                  served.add(request);
                  firstRuns.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return "released";
                }).build())
                .start());
    later(release::countDown);
    Channel channel = channelTo(server);
    var first = channel.unaryCallAsync(SLEEP, "first", CallOptions.DEFAULT);
    assertTrue(firstRuns.await(WAIT_SECONDS, TimeUnit.SECONDS), "the first call holds the only slot");
    StatusException e =
        assertThrows(
            StatusException.class, () -> channel.unaryCall(SLEEP, "second", CallOptions.DEFAULT.withTimeout(SHORT)));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code(), e.toString());
    release.countDown();
    assertEquals("released", first.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(List.of("first"), served, "the second call never reached the server");
  }
}
