package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Where handlers run: a virtual thread per call by default, or the executor the user passes. */
@ParameterizedClass
@EnumSource(Transport.class)
class HandlerThreadingTest {
  @Parameter Transport transport;

  static final MethodDescriptor<String, String> WHERE =
      MethodDescriptor.of(MethodType.UNARY, "test.Threads", "Where", TestMarshallers.UTF8, TestMarshallers.UTF8);

  private static ServiceDefinition reportingService(CountDownLatch allIn) {
    return ServiceDefinition.builder("test.Threads")
        .unary(WHERE, (request, context) -> {
          if (allIn != null) {
            allIn.countDown();
            try {
              allIn.await(10, TimeUnit.SECONDS); // blocks: handlers must be free to
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          Thread t = Thread.currentThread();
          return (t.isVirtual() ? "virtual " : "platform ") + t.getName();
        })
        .build();
  }

  @Test
  void handlersRunOnVirtualThreadsByDefaultAndMayBlock() throws Exception {
    int calls = 50;
    CountDownLatch allIn = new CountDownLatch(calls);
    Server server = transport.serve(Server.builder()).service(reportingService(allIn)).start();
    try (Channel channel = transport.connect(server)) {
      List<CompletableFuture<String>> replies = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        replies.add(channel.unaryCallAsync(WHERE, "", CallOptions.DEFAULT));
      }
      // All 50 handlers were blocked at once, so none waited for another's thread.
      for (CompletableFuture<String> reply : replies) {
        assertTrue(reply.get(30, TimeUnit.SECONDS).startsWith("virtual "), reply.get());
      }
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void handlersRunOnTheExecutorPassed() throws Exception {
    // The seed's choice: ThreadPoolExecutor(max_workers=10).
    ExecutorService pool =
        new ThreadPoolExecutor(
            10, 10, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> new Thread(r, "seed-worker"));
    Server server = transport.serve(Server.builder()).executor(pool).service(reportingService(null)).start();
    try (Channel channel = transport.connect(server)) {
      for (int i = 0; i < 20; i++) {
        assertEquals("platform seed-worker", channel.unaryCall(WHERE, "", CallOptions.DEFAULT));
      }
    } finally {
      server.shutdownNow();
      pool.shutdownNow();
    }
  }

  @Test
  void asyncCallsCompleteOffTheConnectionsReaderThread() throws Exception {
    Server server = transport.serve(Server.builder()).service(reportingService(null)).start();
    try (Channel channel = transport.connect(server)) {
      String completedOn =
          channel.unaryCallAsync(WHERE, "", CallOptions.DEFAULT)
              .thenApply(reply -> Thread.currentThread().getName())
              .get(10, TimeUnit.SECONDS);
      assertTrue(!completedOn.startsWith("h2-"), "completed on " + completedOn);
    } finally {
      server.shutdownNow();
    }
  }

}
