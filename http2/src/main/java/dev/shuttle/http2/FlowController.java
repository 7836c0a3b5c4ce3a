package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;
import java.util.ArrayDeque;
import java.util.Collection;

/**
 * Flow control of one connection, both directions (RFC 9113 section 5.2 and 6.9).
 *
 * <p>Sending: a writer takes credit from its stream's window and the connection's before it
 * queues DATA, and parks on its own stream's condition while either is closed. A WINDOW_UPDATE
 * wakes only the streams it concerns: the stream it names, or, for the connection window, the
 * streams that wait for it in the order they started waiting. Credit taken for DATA that is then
 * dropped (the stream was reset first) goes back to the connection window, which would otherwise
 * shrink for good.
 *
 * <p>Receiving: the peer may send what our windows allow. The connection window returns as soon
 * as data is received, so one slow stream cannot starve the others; stream windows return as the
 * layer above consumes ({@link Http2Stream#consumed}), which bounds what one stream buffers.
 *
 * <p>Not thread-safe: guarded by the connection's lock, whose conditions the waiters use.
 */
final class FlowController {
  private final int ourStreamWindow;
  private final int ourConnectionWindow;
  private final ArrayDeque<Http2Stream> waitingForConnectionWindow = new ArrayDeque<>();
  private long connectionSendWindow = Http2Config.DEFAULT_PROTOCOL_WINDOW;
  private int peerInitialWindow = Http2Config.DEFAULT_PROTOCOL_WINDOW;
  private int connectionReceiveWindow;
  private int connectionReceiveUnacked;

  FlowController(Http2Config config) {
    this.ourStreamWindow = config.initialStreamWindow();
    this.ourConnectionWindow = config.connectionWindow();
    this.connectionReceiveWindow = config.connectionWindow();
  }

  /** A new stream's windows: the peer's initial window to send into, ours to receive into. */
  void open(Http2Stream stream) {
    stream.sendWindow = peerInitialWindow;
    stream.receiveWindow = ourStreamWindow;
  }

  // ---------------------------------------------------------------------------------------------
  // Sending.

  /** Takes credit for up to {@code wanted} bytes; returns how many may be sent now (maybe 0). */
  int take(Http2Stream stream, int wanted) {
    long window = Math.min(stream.sendWindow, connectionSendWindow);
    int n = (int) Math.max(0, Math.min(wanted, window));
    stream.sendWindow -= n;
    connectionSendWindow -= n;
    return n;
  }

  boolean hasCredit(Http2Stream stream) {
    return stream.sendWindow > 0 && connectionSendWindow > 0;
  }

  /**
   * Parks the caller until a window this stream waits for may have opened or the stream ends;
   * the caller re-checks. Holds the lock, as conditions require. An interrupt ends the wait.
   */
  void awaitCredit(Http2Stream stream) throws InterruptedException {
    if (stream.sendWindow > 0 && connectionSendWindow <= 0 && !waitingForConnectionWindow.contains(stream)) {
      waitingForConnectionWindow.add(stream);
    }
    stream.creditChanged().await();
  }

  /** Returns credit for DATA that was taken but will never be sent. */
  void giveBack(int bytes) {
    if (bytes > 0) {
      connectionSendWindow += bytes;
      wakeConnectionWaiters();
    }
  }

  /** A WINDOW_UPDATE for the connection (stream 0). */
  void onConnectionWindowUpdate(int increment) throws Http2Exception {
    connectionSendWindow += increment;
    if (connectionSendWindow > Http2Config.MAX_WINDOW) {
      throw Http2Exception.connectionError(Http2ErrorCode.FLOW_CONTROL_ERROR, "connection window above 2^31-1");
    }
    wakeConnectionWaiters();
  }

  /** A WINDOW_UPDATE for one stream. */
  void onStreamWindowUpdate(Http2Stream stream, int increment) throws Http2Exception {
    stream.sendWindow += increment;
    if (stream.sendWindow > Http2Config.MAX_WINDOW) {
      throw Http2Exception.streamError(stream.id, Http2ErrorCode.FLOW_CONTROL_ERROR, "stream window above 2^31-1");
    }
    stream.signalCredit();
  }

  /** SETTINGS_INITIAL_WINDOW_SIZE changes every open stream's window by the difference (6.9.2). */
  void onPeerInitialWindow(int size, Collection<Http2Stream> streams) throws Http2Exception {
    int delta = size - peerInitialWindow;
    peerInitialWindow = size;
    for (Http2Stream stream : streams) {
      stream.sendWindow += delta;
      if (stream.sendWindow > Http2Config.MAX_WINDOW) {
        throw Http2Exception.connectionError(
            Http2ErrorCode.FLOW_CONTROL_ERROR, "INITIAL_WINDOW_SIZE overflows a stream window");
      }
      if (delta > 0) {
        stream.signalCredit();
      }
    }
  }

  private void wakeConnectionWaiters() {
    Http2Stream waiting;
    while (connectionSendWindow > 0 && (waiting = waitingForConnectionWindow.poll()) != null) {
      waiting.signalCredit();
    }
  }

  /** Wakes every writer: the connection is over. */
  void wakeAll(Collection<Http2Stream> streams) {
    waitingForConnectionWindow.clear();
    for (Http2Stream stream : streams) {
      stream.signalCredit();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Receiving.

  /**
   * Accounts DATA received on the connection ({@code length} counts padding). Returns the
   * connection WINDOW_UPDATE increment to send now, or 0.
   */
  int onConnectionData(int length) throws Http2Exception {
    connectionReceiveWindow -= length;
    if (connectionReceiveWindow < 0) {
      throw Http2Exception.connectionError(Http2ErrorCode.FLOW_CONTROL_ERROR, "connection window exceeded");
    }
    connectionReceiveUnacked += length;
    if (connectionReceiveUnacked < ourConnectionWindow / 2) {
      return 0;
    }
    int increment = connectionReceiveUnacked;
    connectionReceiveWindow += increment;
    connectionReceiveUnacked = 0;
    return increment;
  }

  /** Accounts DATA received on a stream, against the window we gave it. */
  void onStreamData(Http2Stream stream, int length) throws Http2Exception {
    stream.receiveWindow -= length;
    if (stream.receiveWindow < 0) {
      throw Http2Exception.streamError(stream.id, Http2ErrorCode.FLOW_CONTROL_ERROR, "stream window exceeded");
    }
  }

  /**
   * The layer above has consumed {@code bytes} of a stream's data. Returns the stream
   * WINDOW_UPDATE increment to send now (0 until half a window has been consumed).
   */
  int onStreamConsumed(Http2Stream stream, int bytes) {
    stream.receiveUnacked += bytes;
    if (stream.receiveUnacked < ourStreamWindow / 2) {
      return 0;
    }
    int increment = stream.receiveUnacked;
    stream.receiveWindow += increment;
    stream.receiveUnacked = 0;
    return increment;
  }
}
