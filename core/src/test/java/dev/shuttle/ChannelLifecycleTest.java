package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Channel.shutdown, shutdownNow, awaitTermination, isShutdown, isTerminated and close, over every transport. */
@ParameterizedClass
@EnumSource(Transport.class)
class ChannelLifecycleTest {
  @Parameter Transport transport;

  private static final MethodDescriptor<String, String> WAIT =
      MethodDescriptor.of(MethodType.UNARY, "lifecycle.Test", "Wait", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of(MethodType.BIDI_STREAMING, "lifecycle.Test", "Echo", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final long WAIT_SECONDS = 30;

  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch handlerCancelled = new CountDownLatch(1);
  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    server =
        transport
            .serve(Server.builder())
            .service(
                ServiceDefinition.builder("lifecycle.Test")
                    .unary(WAIT, (request, context) -> {
                      context.onCancel(handlerCancelled::countDown);
                      entered.countDown();
                      try {
                        release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return "done:" + request;
                    })
                    .bidiStreaming(ECHO, (in, out, context) -> {
                      for (String message : in) {
                        out.send("re:" + message);
                      }
                    })
                    .build())
            .start();
    channel = transport.connect(server);
  }

  @AfterEach
  void stop() {
    release.countDown();
    channel.shutdownNow();
    server.shutdownNow();
  }

  private CompletableFuture<String> callInProgress() throws InterruptedException {
    CompletableFuture<String> call = channel.unaryCallAsync(WAIT, "a", CallOptions.DEFAULT);
    assertTrue(entered.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler runs");
    return call;
  }

  private void assertRefused() {
    StatusException refused = assertThrows(StatusException.class, () -> channel.unaryCall(WAIT, "late", CallOptions.DEFAULT));
    assertEquals(Status.Code.UNAVAILABLE, refused.code(), refused.toString());
  }

  @Test
  void shutdownRefusesNewCallsAndLetsTheRunningOneFinish() throws Exception {
    CompletableFuture<String> running = callInProgress();
    assertFalse(channel.isShutdown());

    channel.shutdown();

    assertTrue(channel.isShutdown());
    assertFalse(channel.isTerminated(), "a call is still running");
    assertFalse(channel.awaitTermination(Duration.ofMillis(100)), "terminated with a call running");
    assertRefused();
    release.countDown();
    assertEquals("done:a", running.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertTrue(channel.awaitTermination(Duration.ofSeconds(WAIT_SECONDS)), "terminated after the last call");
    assertTrue(channel.isTerminated());
  }

  @Test
  void aStreamingCallInProgressGoesOnAfterShutdown() throws Exception {
    BidiCall<String, String> call = channel.bidiStreamingCall(ECHO, CallOptions.DEFAULT);
    call.send("one");
    assertEquals("re:one", call.receive());

    channel.shutdown();

    call.send("two");
    assertEquals("re:two", call.receive());
    call.halfClose();
    assertEquals(null, call.receive());
    assertTrue(channel.awaitTermination(Duration.ofSeconds(WAIT_SECONDS)));
  }

  @Test
  void shutdownNowEndsTheRunningCallUnavailableAndTheServerSeesItCancelled() throws Exception {
    CompletableFuture<String> running = callInProgress();

    channel.shutdownNow();

    assertTrue(channel.isShutdown());
    ExecutionException failed = assertThrows(ExecutionException.class, () -> running.get(WAIT_SECONDS, TimeUnit.SECONDS));
    StatusException status = (StatusException) failed.getCause();
    assertEquals(Status.Code.UNAVAILABLE, status.code(), status.toString());
    assertTrue(handlerCancelled.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler learns of it");
    assertRefused();
    assertTrue(channel.awaitTermination(Duration.ofSeconds(WAIT_SECONDS)));
    assertTrue(channel.isTerminated());
  }

  @Test
  void aChannelTerminatesOnlyOnceShutDown() throws Exception {
    assertEquals("done:warm", callAndRelease("warm"));
    assertFalse(channel.isTerminated());
    assertFalse(channel.awaitTermination(Duration.ofMillis(50)), "not shut down, so not terminated");

    channel.shutdown();

    assertTrue(channel.awaitTermination(Duration.ofSeconds(WAIT_SECONDS)));
    assertTrue(channel.isTerminated());
  }

  @Test
  void aChannelThatNeverCalledTerminatesOnShutdown() throws Exception {
    channel.shutdown();
    assertTrue(channel.awaitTermination(Duration.ofSeconds(WAIT_SECONDS)));
    assertTrue(channel.isTerminated());
  }

  @Test
  void closeIsShutdown() throws Exception {
    CompletableFuture<String> running = callInProgress();

    channel.close();

    assertTrue(channel.isShutdown());
    assertRefused();
    release.countDown();
    assertEquals("done:a", running.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertTrue(channel.awaitTermination(Duration.ofSeconds(WAIT_SECONDS)));
  }

  private String callAndRelease(String request) {
    release.countDown();
    return channel.unaryCall(WAIT, request, CallOptions.DEFAULT);
  }
}
