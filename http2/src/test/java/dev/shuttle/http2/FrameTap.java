package dev.shuttle.http2;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A TCP relay between an HTTP/2 client and server that writes down every frame passing through
 * (type, stream, length, and the increment of WINDOW_UPDATE), so that a test can assert on what
 * went over the wire. One connection; everything on loopback.
 */
final class FrameTap implements AutoCloseable {
  /** A frame seen on the wire; {@code toServer} tells the direction. */
  record Seen(boolean toServer, int type, int flags, int streamId, int length, int increment) {}

  private final ServerSocket listener;
  private final int targetPort;
  private final List<Seen> frames = Collections.synchronizedList(new ArrayList<>());
  private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
  private final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());

  FrameTap(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    start(this::acceptOne, "tap-accept");
  }

  int port() {
    return listener.getLocalPort();
  }

  private void start(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void acceptOne() {
    try {
      Socket client = listener.accept();
      sockets.add(client);
      Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      sockets.add(server);
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      start(() -> pump(client, server, true), "tap-to-server");
      start(() -> pump(server, client, false), "tap-to-client");
    } catch (IOException e) {
      closeQuietly();
    }
  }

  private void pump(Socket from, Socket to, boolean toServer) {
    try {
      DataInputStream in = new DataInputStream(from.getInputStream());
      OutputStream out = to.getOutputStream();
      if (toServer) {
        byte[] preface = new byte[24];
        in.readFully(preface);
        out.write(preface);
      }
      byte[] header = new byte[9];
      while (readHeader(in, header)) {
        int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        byte[] payload = new byte[length];
        in.readFully(payload);
        int type = header[3] & 0xff;
        int streamId = int32(header, 5) & 0x7fffffff;
        int increment = type == TestFrames.WINDOW_UPDATE && length == 4 ? int32(payload, 0) & 0x7fffffff : 0;
        // Written down before it is passed on: whatever the far side does in reply comes later.
        frames.add(new Seen(toServer, type, header[4] & 0xff, streamId, length, increment));
        out.write(header);
        out.write(payload);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    } finally {
      closeQuietly();
    }
  }

  private static boolean readHeader(InputStream in, byte[] header) throws IOException {
    int first = in.read();
    if (first < 0) {
      return false;
    }
    header[0] = (byte) first;
    int n = 1;
    while (n < header.length) {
      int r = in.read(header, n, header.length - n);
      if (r < 0) {
        throw new EOFException();
      }
      n += r;
    }
    return true;
  }

  private static int int32(byte[] b, int i) {
    return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
  }

  /** DATA payload bytes seen on a stream in one direction. */
  long dataBytes(boolean toServer, int streamId) {
    synchronized (frames) {
      return frames.stream()
          .filter(f -> f.toServer() == toServer && f.type() == TestFrames.DATA && f.streamId() == streamId)
          .mapToLong(Seen::length)
          .sum();
    }
  }

  /** The increments of the WINDOW_UPDATE frames seen for a stream in one direction, in order. */
  List<Integer> windowUpdates(boolean toServer, int streamId) {
    synchronized (frames) {
      return frames.stream()
          .filter(f -> f.toServer() == toServer && f.type() == TestFrames.WINDOW_UPDATE && f.streamId() == streamId)
          .map(Seen::increment)
          .toList();
    }
  }

  private void closeQuietly() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    synchronized (sockets) {
      for (Socket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }

  @Override
  public void close() {
    closeQuietly();
    try {
      threads.get(0).join(10_000); // the acceptor: after it, every socket is in the list
      closeQuietly();
      for (Thread t : new ArrayList<>(threads)) {
        t.join(10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
