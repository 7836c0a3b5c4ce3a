package dev.shuttle;

import static dev.shuttle.RawH2.CANCEL;
import static dev.shuttle.RawH2.DATA;
import static dev.shuttle.RawH2.FLAG_END_HEADERS;
import static dev.shuttle.RawH2.PROTOCOL_ERROR;
import static dev.shuttle.RawH2.REFUSED_STREAM;
import static dev.shuttle.RawH2.RST_STREAM;
import static dev.shuttle.RawH2.concat;
import static dev.shuttle.RawH2.data;
import static dev.shuttle.RawH2.frameHeader;
import static dev.shuttle.RawH2.grpcMessage;
import static dev.shuttle.RawH2.grpcRequest;
import static dev.shuttle.RawH2.headers;
import static dev.shuttle.RawH2.rstStream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What one call may hold on a server: its stream slot while its handler runs (and, for a bounded
 * number of handlers that ignore their call's early end, not past that end), and request bytes
 * within the connection's and the server's budgets; and how a cancelled call's handler learns of it.
 */
class ServerCallLimitsTest {
  private static final MethodDescriptor<String, String> BLOCK =
      MethodDescriptor.of(MethodType.UNARY, "limits.Block", "Block", TestMarshallers.UTF8, TestMarshallers.UTF8);
  private static final String BLOCK_PATH = "/limits.Block/Block";
  private static final CallOptions TEN_SECONDS = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));

  /** A handler that blocks until released, ignoring interrupts, and counts how many run at once. */
  private static final class Blocker {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();

    ServiceDefinition service() {
      return ServiceDefinition.builder("limits.Block")
          .unary(BLOCK, (request, context) -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
              while (true) {
                try {
                  release.await();
                  break;
                } catch (InterruptedException ignored) {
                  // A handler that will not be stopped.
                }
              }
              return "released";
            } finally {
              running.decrementAndGet();
              finished.incrementAndGet();
            }
          })
          .build();
    }
  }

  @Test
  void aHandlerIgnoringItsCancellationDoesNotKeepItsSlotPastTheCallsEnd() throws Exception {
    Blocker blocker = new Blocker();
    try (EchoServer server = EchoServer.start(b -> b.maxConcurrentCallsPerConnection(1).service(blocker.service()))) {
      try (RawH2 conn = RawH2.connect(server.port()).handshake()) {
        conn.send(headers(1, FLAG_END_HEADERS, grpcRequest(BLOCK_PATH)), data(1, true, grpcMessage("x")));
        Eventually.until(() -> blocker.running.get() == 1, "the handler runs");
        conn.send(rstStream(1, CANCEL));
        // The call has ended; its handler has not, yet the connection's only slot is free.
        EchoServer.assertEchoes(conn, 3);
        assertEquals(1, blocker.running.get(), "the handler still runs");
      } finally {
        blocker.release.countDown();
      }
      server.assertServesOtherConnections();
    }
  }

  @Test
  void pastTheLingeringBoundAResetCallKeepsItsSlotUntilItsHandlerReturns() throws Exception {
    Blocker blocker = new Blocker();
    try (EchoServer server = EchoServer.start(b -> b.maxConcurrentCallsPerConnection(2).service(blocker.service()))) {
      try (RawH2 conn = RawH2.connect(server.port()).handshake()) {
        // Two handlers linger without their slots (the bound is the stream limit, 2)...
        for (int stream : new int[] {1, 3}) {
          conn.send(headers(stream, FLAG_END_HEADERS, grpcRequest(BLOCK_PATH)), data(stream, true, grpcMessage("x")));
        }
        Eventually.until(() -> blocker.running.get() == 2, "both handlers run");
        conn.send(rstStream(1, CANCEL), rstStream(3, CANCEL));
        // ...and the next two keep theirs when reset: a fifth call is refused.
        for (int stream : new int[] {5, 7}) {
          conn.send(headers(stream, FLAG_END_HEADERS, grpcRequest(BLOCK_PATH)), data(stream, true, grpcMessage("x")));
        }
        Eventually.until(() -> blocker.running.get() == 4, "four handlers run");
        conn.send(rstStream(5, CANCEL), rstStream(7, CANCEL));
        conn.send(headers(9, FLAG_END_HEADERS, grpcRequest(BLOCK_PATH)), data(9, true, grpcMessage("x")));
        assertEquals(REFUSED_STREAM, conn.awaitReset(9).errorCode());
        assertEquals(4, blocker.mostAtOnce.get());
        blocker.release.countDown();
        Eventually.until(() -> blocker.finished.get() == 4, "the handlers return");
        EchoServer.assertEchoes(conn, 11);
      }
      server.assertServesOtherConnections();
    }
  }

  @Test
  void manyResetCallsNeverRunMoreThanTwiceTheLimitOfHandlers() throws Exception {
    Blocker blocker = new Blocker();
    try (EchoServer server = EchoServer.start(b -> b.maxConcurrentCallsPerConnection(5).service(blocker.service()))) {
      try (RawH2 conn = RawH2.connect(server.port()).handshake()) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          int stream = 2 * i + 1;
          frames.add(concat(
              headers(stream, FLAG_END_HEADERS, grpcRequest(BLOCK_PATH)), data(stream, true, grpcMessage("x")),
              rstStream(stream, CANCEL)));
        }
        conn.send(frames.toArray(byte[][]::new));
        // Once the PING is answered the server has read every reset: no handler starts after.
        conn.send(RawH2.ping(99));
        conn.awaitFrame(f -> f.type() == RawH2.PING && (f.flags() & 1) != 0, "the PING ack");
        assertTrue(blocker.mostAtOnce.get() <= 2 * 5, "handlers at once: " + blocker.mostAtOnce.get());
      } finally {
        blocker.release.countDown();
      }
      server.assertServesOtherConnections();
    }
  }

  @Test
  void aCancelledHandlerIsInterrupted() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    ServiceDefinition sleeper =
        ServiceDefinition.builder("limits.Block")
            .unary(BLOCK, (request, context) -> {
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
              return "woke";
            })
            .build();
    try (EchoServer server = EchoServer.start(b -> b.service(sleeper));
        Channel channel = Channel.plaintext("127.0.0.1:" + server.port())) {
      StatusException e =
          assertThrows(
              StatusException.class,
              () -> channel.unaryCall(BLOCK, "x", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(200))));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code());
      assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the handler was interrupted");
      assertEquals("echo:after", channel.unaryCall(EchoServer.ECHO, "after", TEN_SECONDS), "the connection survived");
    }
  }

  @Test
  void withInterruptsOffACancelledHandlerSeesTheCancellationButIsNotInterrupted() throws Exception {
    CountDownLatch sawCancel = new CountDownLatch(1);
    AtomicBoolean wasInterrupted = new AtomicBoolean();
    ServiceDefinition poller =
        ServiceDefinition.builder("limits.Block")
            .unary(BLOCK, (request, context) -> {
              try {
                while (!context.isCancelled()) {
                  Thread.sleep(5);
                }
              } catch (InterruptedException e) {
                wasInterrupted.set(true);
              }
              sawCancel.countDown();
              return "done";
            })
            .build();
    try (EchoServer server = EchoServer.start(b -> b.interruptHandlersOnCancel(false).service(poller));
        Channel channel = Channel.plaintext("127.0.0.1:" + server.port())) {
      assertThrows(
          StatusException.class,
          () -> channel.unaryCall(BLOCK, "x", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(200))));
      assertTrue(sawCancel.await(10, TimeUnit.SECONDS));
      assertFalse(wasInterrupted.get());
    }
  }

  /** A request whose message announces {@code announced} bytes and sends only {@code sent}. */
  private static byte[] partialMessage(int stream, int announced, int sent) {
    byte[] prefix = new byte[5];
    RawH2.writeInt(prefix, 1, announced);
    return concat(
        headers(stream, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH)),
        concat(frameHeader(5 + sent, DATA, 0, stream), prefix, new byte[sent]));
  }

  @Test
  void requestBytesStayWithinTheConnectionAndServerBudgets() throws Exception {
    long total = 256 * 1024;
    long perConnection = 128 * 1024;
    long minimum = 16 * 1024;
    try (EchoServer server =
        EchoServer.start(
            b -> b.maxBufferedRequestBytes(total)
                .maxBufferedRequestBytesPerConnection(perConnection)
                .minBufferedRequestBytesPerConnection(minimum))) {
      List<RawH2> attackers = new ArrayList<>();
      try {
        int refusedForConnection = 0;
        int refusedForServer = 0;
        for (int c = 0; c < 4; c++) {
          RawH2 conn = RawH2.connect(server.port()).handshake();
          attackers.add(conn);
          // Each message reserves 64 KiB (its first buffer) as soon as its prefix arrives.
          for (int stream = 1; stream <= 5; stream += 2) {
            conn.send(partialMessage(stream, 1 << 20, 1000));
          }
          for (int stream = 1; stream <= 5; stream += 2) {
            int s = stream;
            RawH2.Frame answer =
                conn.pollFrame(f -> f.streamId() == s && (f.type() == RawH2.HEADERS || f.type() == RST_STREAM), 300);
            if (answer == null) {
              continue; // still buffered: it fit
            }
            assertEquals("8", answer.headers().get("grpc-status"), "answer " + answer);
            if (answer.headers().get("grpc-message").contains("this connection")) {
              refusedForConnection++;
            } else {
              refusedForServer++;
            }
          }
        }
        assertTrue(refusedForConnection > 0, "the per-connection limit refused some");
        assertTrue(refusedForServer > 0, "the server's limit refused some");
        // While the budget is spent, a small call on a quiet connection is still served.
        server.assertServesOtherConnections();
        long peak = server.server().peakBufferedRequestBytes();
        assertTrue(peak <= total + 5 * minimum, "peak " + peak + " within total + N * minimum");
      } finally {
        for (RawH2 conn : attackers) {
          conn.close();
        }
      }
      Eventually.until(() -> server.server().bufferedRequestBytes() == 0, "the attackers' bytes are released");
    }
  }

  @Test
  void aVeryLongDeadlineIsNoDeadline() throws Exception {
    try (EchoServer server = EchoServer.start();
        RawH2 conn = RawH2.connect(server.port()).handshake()) {
      conn.send(
          headers(1, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH, "grpc-timeout", "99999999H")),
          data(1, true, grpcMessage("far")));
      RawH2.Response response = conn.awaitResponse(1);
      assertNull(response.resetCode(), "response " + response);
      assertEquals("0", response.grpcStatus());
      assertEquals("echo:far", response.firstMessage());
    }
  }

  @Test
  void aZeroTimeoutHasExpiredAlready() throws Exception {
    try (EchoServer server = EchoServer.start();
        RawH2 conn = RawH2.connect(server.port()).handshake()) {
      conn.send(
          headers(1, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH, "grpc-timeout", "0n")),
          data(1, true, grpcMessage("late")));
      RawH2.Response response = conn.awaitResponse(1);
      assertEquals(String.valueOf(Status.Code.DEADLINE_EXCEEDED.value()), response.grpcStatus(), "answered, not just reset");
    }
  }

  @Test
  void aClientDeadlineYearsAwayWorks() throws Exception {
    try (EchoServer server = EchoServer.start();
        Channel channel = Channel.plaintext("127.0.0.1:" + server.port())) {
      CallOptions forever = CallOptions.DEFAULT.withTimeout(Duration.ofDays(365L * 1_000_000));
      assertEquals("echo:x", channel.unaryCall(EchoServer.ECHO, "x", forever));
    }
  }

  @Test
  void dataThatDisagreesWithContentLengthIsMalformed() throws Exception {
    try (EchoServer server = EchoServer.start();
        RawH2 conn = RawH2.connect(server.port()).handshake()) {
      conn.send(
          headers(1, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH, "content-length", "100")),
          data(1, true, grpcMessage("short")));
      assertEquals(PROTOCOL_ERROR, conn.awaitReset(1).errorCode());
      EchoServer.assertEchoes(conn, 3);
    }
  }

  @Test
  void aRequestMatchingItsContentLengthIsServed() throws Exception {
    try (EchoServer server = EchoServer.start();
        RawH2 conn = RawH2.connect(server.port()).handshake()) {
      byte[] message = grpcMessage("exact");
      conn.send(
          headers(1, FLAG_END_HEADERS, grpcRequest(EchoServer.ECHO_PATH, "content-length", String.valueOf(message.length))),
          data(1, true, message));
      assertEquals("echo:exact", conn.awaitResponse(1).firstMessage());
    }
  }
}
