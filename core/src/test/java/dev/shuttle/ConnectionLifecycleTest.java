package dev.shuttle;

import static dev.shuttle.RawH2.ENHANCE_YOUR_CALM;
import static dev.shuttle.RawH2.FLAG_ACK;
import static dev.shuttle.RawH2.FLAG_END_HEADERS;
import static dev.shuttle.RawH2.NO_ERROR;
import static dev.shuttle.RawH2.PING;
import static dev.shuttle.RawH2.PREFACE;
import static dev.shuttle.RawH2.SETTINGS;
import static dev.shuttle.RawH2.data;
import static dev.shuttle.RawH2.frame;
import static dev.shuttle.RawH2.grpcMessage;
import static dev.shuttle.RawH2.grpcRequest;
import static dev.shuttle.RawH2.headers;
import static dev.shuttle.RawH2.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection's life on the server: its timers (preface, SETTINGS ack, header block, idle,
 * age, keepalive), the connection cap, the two-step GOAWAY of a graceful shutdown, and the
 * client's keepalive, each seen on the wire.
 */
class ConnectionLifecycleTest {
  private static final int MAX_STREAM_ID = Integer.MAX_VALUE;
  private static final long SHUTDOWN_PING = 0x73687574646f776eL;
  private static final Duration SHORT = Duration.ofMillis(300);

  private static long pingPayload(RawH2.Frame ping) {
    return ((long) RawH2.readInt(ping.payload(), 0) << 32) | (RawH2.readInt(ping.payload(), 4) & 0xffffffffL);
  }

  private static byte[] pingAck(long payload) {
    byte[] p = new byte[8];
    RawH2.writeInt(p, 0, (int) (payload >>> 32));
    RawH2.writeInt(p, 4, (int) payload);
    return frame(PING, FLAG_ACK, 0, p);
  }

  @Test
  void gracefulShutdownServesARequestRacingItsFirstGoAway() throws Exception {
    try (EchoServer server = EchoServer.start();
        RawH2 conn = RawH2.connect(server.port()).handshake()) {
      EchoServer.assertEchoes(conn, 1);
      server.server().shutdown();
      RawH2.Frame first = conn.awaitGoAway();
      assertEquals(NO_ERROR, first.errorCode());
      assertEquals(MAX_STREAM_ID, first.lastStreamId(), "the first GOAWAY takes every stream still in flight");
      RawH2.Frame ping = conn.awaitFrame(f -> f.type() == PING && !f.has(FLAG_ACK), "the shutdown PING");
      assertEquals(SHUTDOWN_PING, pingPayload(ping));
      // A request the client sent before it saw the GOAWAY is still served.
      EchoServer.assertEchoes(conn, 3);
      conn.send(pingAck(SHUTDOWN_PING));
      RawH2.Frame last = conn.awaitGoAway();
      assertEquals(NO_ERROR, last.errorCode());
      assertEquals(3, last.lastStreamId(), "the second GOAWAY names the last stream taken");
      conn.assertClosedByServer(); // nothing is left in flight
      assertTrue(server.server().awaitTermination(Duration.ofSeconds(10)));
    }
  }

  @Test
  void gracefulShutdownSendsItsSecondGoAwayWhenThePingGoesUnanswered() throws Exception {
    try (EchoServer server = EchoServer.start(b -> b.http2(l -> l.shutdownPingTimeout(SHORT)));
        RawH2 conn = RawH2.connect(server.port()).handshake()) {
      EchoServer.assertEchoes(conn, 1);
      server.server().shutdown();
      assertEquals(MAX_STREAM_ID, conn.awaitGoAway().lastStreamId());
      assertEquals(1, conn.awaitGoAway().lastStreamId());
      conn.assertClosedByServer();
      assertTrue(server.server().awaitTermination(Duration.ofSeconds(10)));
    }
  }

  @Test
  void aClientStillSendingWhenItsConnectionFailsReadsTheGoAway() throws Exception {
    try (EchoServer server = EchoServer.start();
        RawH2 conn = RawH2.connect(server.port()).handshake()) {
      // DATA on stream 0 is a connection error; a mebibyte more follows it in the same write.
      // Were the server to close with that unread, TCP would reset the connection, and the
      // GOAWAY could be lost on the way.
      conn.send(frame(RawH2.DATA, 0, 0, new byte[8]), new byte[1 << 20]);
      RawH2.Frame goAway = conn.awaitGoAway();
      assertEquals(RawH2.PROTOCOL_ERROR, goAway.errorCode(), goAway.toString());
      // The server still reads (and drops) for a moment: the connection was not reset.
      assertTrue(conn.trySend(new byte[4096]), "the server reset the connection instead of lingering");
    }
  }

  @Test
  void aClientThatNeverAcknowledgesOurSettingsIsDisconnected() throws Exception {
    try (EchoServer server = EchoServer.start(b -> b.http2(l -> l.settingsAckTimeout(SHORT)));
        RawH2 conn = RawH2.connect(server.port())) {
      conn.send(PREFACE, settings());
      assertEquals(0x4, conn.awaitGoAway().errorCode(), "SETTINGS_TIMEOUT");
      conn.assertClosedByServer();
      server.assertServesOtherConnections();
    }
  }

  @Test
  void aClientThatSaysNothingIsDisconnectedAfterThePrefaceTimeout() throws Exception {
    try (EchoServer server = EchoServer.start(b -> b.http2(l -> l.prefaceTimeout(SHORT)));
        RawH2 conn = RawH2.connect(server.port())) {
      conn.assertClosedByServer();
      server.assertServesOtherConnections();
    }
  }

  @Test
  void anUnfinishedHeaderBlockEndsTheConnectionAfterItsTimeout() throws Exception {
    try (EchoServer server = EchoServer.start(b -> b.http2(l -> l.headerBlockTimeout(SHORT)));
        RawH2 conn = RawH2.connect(server.port()).handshake()) {
      conn.send(headers(1, 0, grpcRequest(EchoServer.ECHO_PATH))); // no END_HEADERS, no CONTINUATION
      RawH2.Frame goAway = conn.awaitGoAway();
      assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode());
      assertTrue(goAway.debugData().contains("header block"), goAway.toString());
      conn.assertClosedByServer();
      server.assertServesOtherConnections();
    }
  }

  @Test
  void anIdleConnectionIsShutDownGracefully() throws Exception {
    try (EchoServer server = EchoServer.start(b -> b.maxConnectionIdle(SHORT).http2(l -> l.shutdownPingTimeout(SHORT)));
        RawH2 conn = RawH2.connect(server.port()).handshake()) {
      EchoServer.assertEchoes(conn, 1);
      RawH2.Frame goAway = conn.awaitGoAway();
      assertEquals(NO_ERROR, goAway.errorCode());
      assertEquals(1, conn.awaitGoAway().lastStreamId());
      conn.assertClosedByServer();
    }
  }

  @Test
  void anOldConnectionGetsGoAwayThenIsClosedAfterItsGrace() throws Exception {
    MethodDescriptor<String, String> hang =
        MethodDescriptor.of(MethodType.UNARY, "life.Hang", "Hang", TestMarshallers.UTF8, TestMarshallers.UTF8);
    CountDownLatch started = new CountDownLatch(1);
    ServiceDefinition hanging =
        ServiceDefinition.builder("life.Hang")
            .unary(hang, (request, context) -> {
              started.countDown();
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return "never";
            })
            .build();
    try (EchoServer server =
            EchoServer.start(
                b -> b.service(hanging).maxConnectionAge(Duration.ofMillis(500)).maxConnectionAgeGrace(SHORT));
        RawH2 conn = RawH2.connect(server.port()).handshake()) {
      conn.send(headers(1, FLAG_END_HEADERS, grpcRequest("/life.Hang/Hang")), data(1, true, grpcMessage("x")));
      assertTrue(started.await(10, TimeUnit.SECONDS));
      assertEquals(NO_ERROR, conn.awaitGoAway().errorCode());
      conn.assertClosedByServer(); // the call was still running: the grace is over
    }
  }

  @Test
  void theServerPingsAQuietClientAndClosesWhenItDoesNotAnswer() throws Exception {
    try (EchoServer server = EchoServer.start(b -> b.keepAliveTime(SHORT).keepAliveTimeout(SHORT));
        RawH2 conn = RawH2.connect(server.port()).handshake()) {
      RawH2.Frame ping = conn.awaitFrame(f -> f.type() == PING && !f.has(FLAG_ACK), "a keepalive PING");
      assertEquals(0x6b656570616c6976L, pingPayload(ping));
      conn.assertClosedByServer();
    }
  }

  @Test
  void aClientThatAnswersKeepalivePingsStaysConnected() throws Exception {
    try (EchoServer server = EchoServer.start(b -> b.keepAliveTime(SHORT).keepAliveTimeout(SHORT));
        RawH2 conn = RawH2.connect(server.port()).handshake()) {
      for (int i = 0; i < 3; i++) {
        RawH2.Frame ping = conn.awaitFrame(f -> f.type() == PING && !f.has(FLAG_ACK), "a keepalive PING");
        conn.send(pingAck(pingPayload(ping)));
      }
      EchoServer.assertEchoes(conn, 1);
    }
  }

  @Test
  void connectionsBeyondTheCapAreTurnedAway() throws Exception {
    try (EchoServer server = EchoServer.start(b -> b.maxConnections(2))) {
      // The EchoServer's own channel connects lazily: use it first so it holds one of the two.
      server.assertServesOtherConnections();
      try (RawH2 second = RawH2.connect(server.port()).handshake();
          RawH2 third = RawH2.connect(server.port())) {
        third.send(PREFACE, settings());
        RawH2.Frame goAway = third.awaitGoAway();
        assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode());
        assertEquals("too many connections", goAway.debugData());
        third.assertClosedByServer();
        EchoServer.assertEchoes(second, 1);
      }
      // The raw connections are gone: a new one is taken again.
      awaitConnections(server.server(), 1);
      try (RawH2 again = RawH2.connect(server.port()).handshake()) {
        EchoServer.assertEchoes(again, 1);
      }
    }
  }

  private static void awaitConnections(Server server, int count) throws InterruptedException {
    Eventually.until(() -> server.connectionCount() == count, count + " connections (now " + server.connectionCount() + ")");
  }

  @Test
  void shutdownTerminatesEvenWhenConnectionsEndAsSoonAsTheyOpen() throws Exception {
    Server server = Server.builder().start();
    for (int i = 0; i < 200; i++) {
      new Socket(InetAddress.getLoopbackAddress(), server.port()).close();
    }
    server.shutdown();
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)), "awaitTermination returned");
  }

  @Test
  void aChannelToldTooManyPingsPingsHalfAsOften() throws Exception {
    try (EchoServer server = EchoServer.start();
        Channel channel =
            Channel.builder("127.0.0.1:" + server.port())
                .keepAliveTime(Duration.ofMillis(50))
                .keepAliveWithoutCalls(true)
                .build()) {
      assertEquals("echo:a", channel.unaryCall(EchoServer.ECHO, "a", CallOptions.DEFAULT));
      Eventually.until(() -> channel.keepAliveTime().equals(Duration.ofMillis(100)), "the keepalive time doubled to 100 ms");
      assertEquals("echo:b", channel.unaryCall(EchoServer.ECHO, "b", CallOptions.DEFAULT), "a new connection works");
    }
  }

  @Test
  void aChannelClosesAConnectionWhoseServerStopsAnsweringPings() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Channel channel =
            Channel.builder("127.0.0.1:" + listener.getLocalPort())
                .keepAliveTime(Duration.ofMillis(100))
                .keepAliveTimeout(Duration.ofMillis(200))
                .build()) {
      Thread silentServer =
          Thread.ofVirtual().start(() -> {
            try (Socket socket = listener.accept()) {
              OutputStream out = socket.getOutputStream();
              InputStream in = socket.getInputStream();
              new DataInputStream(in).readFully(new byte[PREFACE.length]);
              out.write(RawH2.concat(settings(), frame(SETTINGS, FLAG_ACK, 0, new byte[0])));
              in.transferTo(OutputStream.nullOutputStream()); // reads everything, answers nothing
            } catch (Exception e) {
              // The channel closed the connection: done.
            }
          });
      StatusException e =
          assertThrows(
              StatusException.class,
              () -> channel.unaryCall(EchoServer.ECHO, "x", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20))));
      assertEquals(Status.Code.UNAVAILABLE, e.code(), "status " + e.status());
      assertTrue(String.valueOf(e.status().description()).contains("keepalive"), "status " + e.status());
      silentServer.join(10_000);
    }
  }
}
