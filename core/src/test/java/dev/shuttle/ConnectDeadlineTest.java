package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A call's deadline bounds connecting, and a call it ends while connecting says so. */
class ConnectDeadlineTest {
  private static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of(MethodType.UNARY, "test.Echo", "Echo", TestMarshallers.UTF8, TestMarshallers.UTF8);

  @Test
  void aDeadlineThatPassesWhileConnectingEndsTheCallWithDeadlineExceeded() throws Exception {
    // A listener that never accepts, its accept queue full: the kernel ignores further SYNs, so a
    // connect waits until the socket's timeout, which the call's deadline sets. That timeout
    // used to fire a moment before the deadline read as passed, and the call said UNAVAILABLE.
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> queued = fillAcceptQueue(listener);
      try (Channel channel = Channel.plaintext("127.0.0.1:" + listener.getLocalPort())) {
        for (int i = 0; i < 20; i++) {
          StatusException e =
              assertThrows(
                  StatusException.class,
                  () -> channel.unaryCall(ECHO, "hi", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(20))));
          assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code(), e.status().toString());
        }
      } finally {
        for (Socket socket : queued) {
          socket.close();
        }
      }
    }
  }

  /** Connects until a connect no longer completes; the sockets that did stay open. */
  private static List<Socket> fillAcceptQueue(ServerSocket listener) throws IOException {
    List<Socket> queued = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), 200);
        queued.add(socket);
      } catch (SocketTimeoutException full) {
        socket.close();
        return queued;
      }
    }
    for (Socket socket : queued) {
      socket.close();
    }
    throw new AssertionError("the accept queue of a listener with backlog 1 never filled");
  }
}
