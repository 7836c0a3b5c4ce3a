package dev.shuttle.internal;

import dev.shuttle.Deadline;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.http2.Http2Connection;
import dev.shuttle.http2.Http2ConnectionListener;
import dev.shuttle.http2.Http2ErrorCode;
import dev.shuttle.http2.Http2Socket;
import dev.shuttle.http2.LazyLogger;
import dev.shuttle.http2.config.Http2Config;
import dev.shuttle.http2.config.TlsClientConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Opens a channel's HTTP/2 connections to one {@code host:port}, in cleartext or TLS, within the
 * connect timeout or the call's deadline, whichever comes first. A server that finds our
 * keepalive pings too frequent ends the connection with GOAWAY ENHANCE_YOUR_CALM
 * {@code too_many_pings}; as grpc-java does, later connections then ping half as often.
 */
public final class SocketDialer {
  private static final System.Logger LOG = LazyLogger.of(SocketDialer.class);

  private final String host;
  private final int port;
  private final String authority;
  private final Duration connectTimeout;
  private final TlsClientConfig tls; // null: cleartext
  /** Replaced when a server asks us to ping less: new connections then use the new one. */
  private volatile Http2Config config;
  private final Http2ConnectionListener pingBackoff = new PingBackoff();

  public SocketDialer(
      String host, int port, String authority, Duration connectTimeout, TlsClientConfig tls, Http2Config config) {
    this.host = host;
    this.port = port;
    this.authority = authority;
    this.connectTimeout = connectTimeout;
    this.tls = tls;
    this.config = config;
  }

  /**
   * A new connection, its preface sent.
   *
   * @throws StatusException {@code DEADLINE_EXCEEDED} when the deadline ran out while
   *     connecting, {@code UNAVAILABLE} when the connection failed otherwise
   */
  public ClientTransport dial(Deadline deadline) {
    long millis = connectTimeout.toMillis();
    // Whether the call's deadline, not the connect timeout, bounds the wait: the socket's own
    // clock may then time out a moment before the deadline reads as expired.
    boolean deadlineBounds = false;
    if (deadline != null) {
      long untilDeadline = Math.max(1, (deadline.remainingNanos() + 999_999) / 1_000_000);
      if (untilDeadline <= millis) {
        millis = untilDeadline;
        deadlineBounds = true;
      }
    }
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, millis));
      Http2Socket transport = tls == null ? Http2Socket.plain(socket) : Http2Socket.tlsClient(socket, tls, host, port);
      return new Http2ClientTransport(Http2Connection.client(transport, config, pingBackoff), authority);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (deadline != null && (deadline.isExpired() || (deadlineBounds && e instanceof SocketTimeoutException))) {
        throw new StatusException(
            Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded while connecting to " + authority).withCause(e));
      }
      throw new StatusException(
          Status.UNAVAILABLE.withDescription("cannot connect to " + authority + ": " + e.getMessage()).withCause(e));
    }
  }

  /** The keepalive time new connections use now (null: none). */
  public Duration keepAliveTime() {
    return config.keepAliveTime();
  }

  private final class PingBackoff implements Http2ConnectionListener {
    @Override
    public void onGoAway(Http2Connection connection, Http2ErrorCode code, String debugData) {
      Http2Config current = config;
      if (code == Http2ErrorCode.ENHANCE_YOUR_CALM && "too_many_pings".equals(debugData) && current.keepAliveTime() != null) {
        Duration slower = current.keepAliveTime().multipliedBy(2);
        config = current.toBuilder().keepAliveTime(slower).build();
        LOG.log(System.Logger.Level.WARNING, "{0} says we ping too often; keepalive time now {1}", authority, slower);
      }
    }
  }
}
