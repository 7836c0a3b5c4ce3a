package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client cancels a call by interrupting the thread that waits in it, or by cancelling its
 * future: the RPC ends with CANCELLED on the client, and the server's handler learns of it
 * through {@link ServerContext#onCancel}.
 */
@ParameterizedClass
@EnumSource(Transport.class)
class CallCancellationTest {
  @Parameter Transport transport;

  private static final MethodDescriptor<String, String> HANG =
      MethodDescriptor.of(MethodType.UNARY, "cancel.Hang", "Hang", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of(MethodType.UNARY, "cancel.Hang", "Echo", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> FEED =
      MethodDescriptor.of(MethodType.SERVER_STREAMING, "cancel.Hang", "Feed", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<byte[], String> SWALLOW =
      MethodDescriptor.of(MethodType.CLIENT_STREAMING, "cancel.Hang", "Swallow", TestMarshallers.BYTES, TestMarshallers.UTF8);
  /** Generous: the handler learns of the cancellation in milliseconds, but CI machines stall. */
  private static final long WAIT_SECONDS = 30;

  private final CountDownLatch handlerStarted = new CountDownLatch(1);
  private final CountDownLatch handlerCancelled = new CountDownLatch(1);
  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws IOException {
    server =
        transport.serve(Server.builder())
            .listen("127.0.0.1", 0)
            .initialStreamWindow(65_535)
            .service(
                ServiceDefinition.builder("cancel.Hang")
                    .unary(HANG, (request, context) -> {
                      context.onCancel(handlerCancelled::countDown);
                      handlerStarted.countDown();
                      sleepUntilWoken();
                      return "woke";
                    })
                    .unary(ECHO, (request, context) -> "echo:" + request)
                    .serverStreaming(FEED, (request, out, context) -> {
                      context.onCancel(handlerCancelled::countDown);
                      out.send("first");
                      handlerStarted.countDown();
                      sleepUntilWoken();
                    })
                    .clientStreaming(SWALLOW, (in, context) -> {
                      // Reads nothing: the client's sends fill the window and block.
                      context.onCancel(handlerCancelled::countDown);
                      handlerStarted.countDown();
                      sleepUntilWoken();
                      return "done";
                    })
                    .build())
            .start();
    channel = transport.channel(server).initialStreamWindow(65_535).build();
  }

  @AfterEach
  void stop() {
    channel.close();
    server.shutdownNow();
  }

  private static void sleepUntilWoken() {
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code call} on a thread of its own, interrupts it once the handler runs, returns what it threw. */
  private Throwable interruptWhenTheHandlerRuns(Runnable call) throws InterruptedException {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread caller =
        Thread.ofVirtual().start(() -> {
          try {
            call.run();
          } catch (Throwable t) {
            thrown.set(t);
          }
          stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
    assertTrue(handlerStarted.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler runs");
    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    assertTrue(!caller.isAlive(), "the interrupted call returned");
    assertEquals(Boolean.TRUE, stillInterrupted.get(), "the caller keeps its interrupt status");
    return thrown.get();
  }

  private static void assertCancelled(Throwable thrown) {
    StatusException e = assertThrows(StatusException.class, () -> {
      throw thrown;
    });
    assertEquals(Status.Code.CANCELLED, e.code(), e.toString());
  }

  @Test
  void interruptingTheThreadOfAUnaryCallCancelsItOnBothSides() throws Exception {
    Throwable thrown = interruptWhenTheHandlerRuns(() -> channel.unaryCall(HANG, "x", CallOptions.DEFAULT));
    assertCancelled(thrown);
    assertTrue(handlerCancelled.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler's onCancel ran");
  }

  @Test
  void cancellingTheFutureOfAnAsyncCallCancelsItOnBothSides() throws Exception {
    CompletableFuture<String> future = channel.unaryCallAsync(HANG, "x", CallOptions.DEFAULT);
    assertTrue(handlerStarted.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler runs");
    assertTrue(future.cancel(true));
    assertTrue(handlerCancelled.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler's onCancel ran");
    assertTrue(future.isCancelled());
    assertThrows(CancellationException.class, future::join);
  }

  @Test
  void interruptingAThreadWaitingInReceiveCancelsTheStream() throws Exception {
    Throwable thrown =
        interruptWhenTheHandlerRuns(() -> {
          try (ResponseStream<String> stream = channel.serverStreamingCall(FEED, "x", CallOptions.DEFAULT)) {
            assertEquals("first", stream.receive());
            stream.receive(); // waits: the handler sends nothing more
          }
        });
    assertCancelled(thrown);
    assertTrue(handlerCancelled.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler's onCancel ran");
  }

  @Test
  void interruptingAThreadBlockedInSendCancelsTheStream() throws Exception {
    Throwable thrown =
        interruptWhenTheHandlerRuns(() -> {
          try (ClientStreamingCall<byte[], String> call = channel.clientStreamingCall(SWALLOW, CallOptions.DEFAULT)) {
            for (int i = 0; i < 1_000; i++) {
              call.send(new byte[16 * 1024]); // the 64 KiB window closes: send blocks
            }
            call.finish();
          }
        });
    assertCancelled(thrown);
    assertTrue(handlerCancelled.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler's onCancel ran");
  }

  @Test
  void theConnectionGoesOnServingAfterACancellation() throws Exception {
    assertCancelled(interruptWhenTheHandlerRuns(() -> channel.unaryCall(HANG, "x", CallOptions.DEFAULT)));
    assertEquals("echo:y", channel.unaryCall(ECHO, "y", CallOptions.DEFAULT));
  }
}
