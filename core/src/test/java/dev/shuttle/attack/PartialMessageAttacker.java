package dev.shuttle.attack;

import static dev.shuttle.attack.RawFrames.FLAG_END_HEADERS;
import static dev.shuttle.attack.RawFrames.FLAG_END_STREAM;
import static dev.shuttle.attack.RawFrames.HEADERS;
import static dev.shuttle.attack.RawFrames.RST_STREAM;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One connection of the partial-message attack: opens {@code streams} calls, announces a message
 * of {@code messageLength} bytes on each, and sends all of it but the last byte, round robin in
 * frame-sized chunks and within the windows the server grants, so that the server holds partial
 * messages it can never hand to a handler. A stream the server answers is left alone. The
 * connection stays open, holding whatever the server kept, until {@link #close()}.
 */
final class PartialMessageAttacker implements AutoCloseable {
  private static final byte[] ZEROS = new byte[RawFrames.MAX_FRAME];
  private static final Duration GIVE_UP = Duration.ofSeconds(30);
  private static final int BATCH = 128 * 1024;

  /** One stream: what was sent on it and what the server answered, in order. */
  static final class Stream {
    final int id;
    final String path;
    volatile long remaining;
    volatile boolean answered;
    /** The frames the server sent on this stream (HEADERS, RST_STREAM), as they came. */
    final List<RawConnection.Frame> answer = new ArrayList<>();

    Stream(int id, String path, long remaining) {
      this.id = id;
      this.path = path;
      this.remaining = remaining;
    }

    synchronized List<RawConnection.Frame> answer() {
      return new ArrayList<>(answer);
    }

    synchronized void add(RawConnection.Frame f) {
      answer.add(f);
      answered = true;
    }
  }

  private final int port;
  private final int messageLength;
  private final List<Stream> streams = new ArrayList<>();
  private volatile RawConnection connection;

  /** Streams call the paths in turn. */
  PartialMessageAttacker(int port, int streamCount, int messageLength, String... paths) {
    this.port = port;
    this.messageLength = messageLength;
    for (int i = 0; i < streamCount; i++) {
      streams.add(new Stream(1 + 2 * i, paths[i % paths.length], messageLength - 1L));
    }
  }

  List<Stream> streams() {
    return streams;
  }

  /** Connects and opens every stream with its message prefix. */
  void open() throws IOException {
    RawConnection c = RawConnection.connect(port).handshake();
    c.onFrame(this::onFrame).startReader();
    connection = c;
    ByteArrayOutputStream opening = new ByteArrayOutputStream();
    for (Stream s : streams) {
      opening.writeBytes(RawFrames.headers(s.id, FLAG_END_HEADERS, RawFrames.grpcRequest(s.path)));
      if (c.takeWindow(s.id, 5) != 5) {
        throw new IllegalStateException("no window for a message prefix");
      }
      opening.writeBytes(RawFrames.data(s.id, false, RawFrames.grpcPrefix(messageLength)));
    }
    c.send(opening.toByteArray());
  }

  private void onFrame(RawConnection.Frame f) {
    if (f.streamId() == 0 || (f.type() != HEADERS && f.type() != RST_STREAM)) {
      return;
    }
    int index = (f.streamId() - 1) / 2;
    if (index < streams.size()) {
      streams.get(index).add(f);
    }
  }

  /**
   * Sends the messages until every stream has all but its last byte out or was answered; returns
   * false if the server closed the connection first. Fails if the server grants no window for a
   * long time while streams it has not answered still wait for some: it then neither takes nor
   * refuses their data.
   */
  boolean sendAllButLastBytes() throws IOException, InterruptedException {
    RawConnection c = connection;
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    ByteArrayOutputStream batch = new ByteArrayOutputStream(BATCH + 2 * RawFrames.MAX_FRAME);
    while (true) {
      boolean pending = false;
      boolean progress = false;
      for (Stream s : streams) {
        if (s.answered || s.remaining == 0) {
          continue;
        }
        pending = true;
        int n = c.takeWindow(s.id, (int) Math.min(s.remaining, ZEROS.length));
        if (n > 0) {
          batch.write(RawFrames.frameHeader(n, RawFrames.DATA, 0, s.id));
          batch.write(ZEROS, 0, n);
          s.remaining -= n;
          progress = true;
          if (batch.size() >= BATCH) {
            if (!c.trySend(batch.toByteArray())) {
              return false;
            }
            batch.reset();
          }
        }
      }
      if (batch.size() > 0) {
        if (!c.trySend(batch.toByteArray())) {
          return false;
        }
        batch.reset();
      }
      if (!pending) {
        return true;
      }
      if (c.isClosed()) {
        return false;
      }
      if (!progress) {
        if (System.nanoTime() > deadline) {
          StringBuilder pendingStreams = new StringBuilder();
          streams.stream().filter(x -> !x.answered && x.remaining > 0).limit(5).forEach(x -> pendingStreams
              .append(" stream ").append(x.id).append(" remaining ").append(x.remaining).append(" window ")
              .append(c.streamWindow(x.id)).append(';'));
          throw new AssertionError("the attack made no progress for " + GIVE_UP + ": no window from the server; "
              + c.describe() + "; pending:" + pendingStreams);
        }
        c.awaitAnyFrame(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
  }

  RawConnection connection() {
    return connection;
  }

  /** Streams the server answered whose answer is not complete yet: trailers-only HEADERS but no RST_STREAM so far. */
  long answersInFlight() {
    return streams.stream()
        .filter(s -> {
          List<RawConnection.Frame> a = s.answer();
          return a.stream().anyMatch(f -> f.type() == HEADERS)
              && a.stream().noneMatch(f -> f.type() == RST_STREAM && f.errorCode() == RawFrames.NO_ERROR);
        })
        .count();
  }

  static boolean isTrailersOnlyWithStatus(RawConnection.Frame f, String grpcStatus) {
    return f.type() == HEADERS
        && f.has(FLAG_END_STREAM)
        && "200".equals(f.header(":status"))
        && grpcStatus.equals(f.header("grpc-status"));
  }

  @Override
  public void close() {
    RawConnection c = connection;
    if (c != null) {
      c.close();
    }
  }
}
