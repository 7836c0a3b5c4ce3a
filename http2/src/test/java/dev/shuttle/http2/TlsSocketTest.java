package dev.shuttle.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shuttle.http2.config.TlsClientConfig;
import dev.shuttle.http2.config.TlsServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TlsSocket on its own: a client and a server on loopback, bytes only, no HTTP/2 above. */
class TlsSocketTest {
  @TempDir Path dir;
  private TlsServerConfig serverConfig;
  private ServerSocket listener;
  private TlsSocket client;
  private TlsSocket server;
  private final AtomicInteger clientSocketWrites = new AtomicInteger();

  @BeforeEach
  void connect() throws Exception {
    TestPki.Ca ca = TestPki.newCa("tls-socket-ca");
    TestPki.PemFiles files = ca.server("tls-socket-server", "127.0.0.1").writePem(dir, "server");
    serverConfig = TlsServerConfig.fromPem(files.certificateChain(), files.privateKey());
    TlsClientConfig clientConfig = TlsClientConfig.trusting(ca.writePem(dir, "ca"));
    listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    CompletableFuture<TlsSocket> accepted =
        CompletableFuture.supplyAsync(() -> {
          try {
            TlsSocket socket = TlsSocket.server(listener.accept(), serverConfig);
            socket.handshake();
            return socket;
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    Socket raw = new CountingSocket(clientSocketWrites);
    raw.connect(listener.getLocalSocketAddress());
    client = TlsSocket.client(raw, clientConfig, "127.0.0.1", listener.getLocalPort());
    server = accepted.get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws IOException {
    client.close();
    server.close();
    listener.close();
  }

  @Test
  void eachBatchGoesOutInOneSocketWrite() throws Exception {
    for (int size : new int[] {9, 100, 16 * 1024, 60 * 1024}) {
      byte[] batch = new byte[size];
      new Random(size).nextBytes(batch);
      int before = clientSocketWrites.get();

      client.output().write(batch, 0, size);

      assertEquals(1, clientSocketWrites.get() - before, "socket writes for a batch of " + size + " bytes");
      assertArrayEquals(batch, server.input().readNBytes(size));
    }
  }

  @Test
  void bytesCrossBothWaysAtOnceWhateverTheReadSizes() throws Exception {
    byte[] up = new byte[3 * 1024 * 1024 + 17];
    byte[] down = new byte[2 * 1024 * 1024 + 5];
    new Random(1).nextBytes(up);
    new Random(2).nextBytes(down);

    CompletableFuture<Void> clientWrites = CompletableFuture.runAsync(() -> writeInChunks(client, up, 3));
    CompletableFuture<Void> serverWrites = CompletableFuture.runAsync(() -> writeInChunks(server, down, 4));
    CompletableFuture<byte[]> serverReads = CompletableFuture.supplyAsync(() -> readInChunks(server, up.length, 5));
    CompletableFuture<byte[]> clientReads = CompletableFuture.supplyAsync(() -> readInChunks(client, down.length, 6));

    clientWrites.get(60, TimeUnit.SECONDS);
    serverWrites.get(60, TimeUnit.SECONDS);
    assertArrayEquals(up, serverReads.get(60, TimeUnit.SECONDS));
    assertArrayEquals(down, clientReads.get(60, TimeUnit.SECONDS));
  }

  @Test
  void shutdownOutputSendsCloseNotifyAndTheOtherWayStillWorks() throws Exception {
    client.output().write(new byte[] {1, 2, 3});
    client.shutdownOutput();

    assertArrayEquals(new byte[] {1, 2, 3}, server.input().readNBytes(3));
    assertEquals(-1, server.input().read(), "close_notify reads as the end of the stream");
    server.output().write(new byte[] {4, 5});
    client.setReadTimeout(30_000); // a guard only
    assertArrayEquals(new byte[] {4, 5}, client.input().readNBytes(2));
  }

  @Test
  void aWriteAfterShutdownOutputFailsWithoutReachingTheEngine() throws Exception {
    client.shutdownOutput();

    SocketException e = assertThrows(SocketException.class, () -> client.output().write(new byte[] {1}));
    assertEquals("TLS output is closed", e.getMessage());
  }

  @Test
  void bothSidesSeeTheSameSessionOnceHandshaken() {
    assertEquals(client.tlsSession().getProtocol(), server.tlsSession().getProtocol());
    assertEquals(client.tlsSession().getCipherSuite(), server.tlsSession().getCipherSuite());
  }

  /** The handshake runs once: later reads and writes fail with the first one's reason. */
  @Test
  void connectionsUseAes128GcmWhichCostsLessThanTheJdksFirstChoice() {
    assertEquals("TLS_AES_128_GCM_SHA256", server.tlsSession().getCipherSuite());
  }

  @Test
  void aFailedHandshakeFailsEveryLaterReadAndWriteTheSameWay() throws Exception {
    try (ServerSocket plainListener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket speaker = new Socket()) {
      speaker.connect(plainListener.getLocalSocketAddress());
      speaker.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      TlsSocket refusing = TlsSocket.server(plainListener.accept(), serverConfig);
      try {
        String expected = "the client does not speak TLS (first byte 0x47)";

        SSLHandshakeException first = assertThrows(SSLHandshakeException.class, () -> refusing.input().read());
        SSLHandshakeException again = assertThrows(SSLHandshakeException.class, () -> refusing.input().read());
        SSLHandshakeException onWrite = assertThrows(SSLHandshakeException.class, () -> refusing.output().write(1));

        assertEquals(expected, first.getMessage());
        assertEquals(expected, again.getMessage());
        assertEquals(expected, onWrite.getMessage());
        assertEquals(null, refusing.tlsSession());
      } finally {
        refusing.close();
      }
    }
  }

  private static void writeInChunks(TlsSocket socket, byte[] bytes, long seed) {
    Random random = new Random(seed);
    try {
      OutputStream out = socket.output();
      for (int at = 0; at < bytes.length; ) {
        int n = Math.min(bytes.length - at, 1 + random.nextInt(100_000));
        out.write(bytes, at, n);
        at += n;
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Reads with buffers from 1 byte to 40 KiB: small ones take the engine's record in pieces. */
  private static byte[] readInChunks(TlsSocket socket, int total, long seed) {
    Random random = new Random(seed);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try {
      InputStream in = socket.input();
      while (all.size() < total) {
        byte[] buf = new byte[1 + random.nextInt(random.nextBoolean() ? 64 : 40 * 1024)];
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          break;
        }
        all.write(buf, 0, n);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return all.toByteArray();
  }

  /** A plain TCP socket that counts the writes made on its output stream. */
  private static final class CountingSocket extends Socket {
    private final AtomicInteger writes;

    CountingSocket(AtomicInteger writes) {
      this.writes = writes;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      return new FilterOutputStream(super.getOutputStream()) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          writes.incrementAndGet();
          out.write(b, off, len);
        }
      };
    }
  }
}
