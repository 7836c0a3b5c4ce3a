package dev.shuttle.http2;

import dev.shuttle.http2.config.Http2Config;
import java.util.ArrayDeque;
import java.util.Collection;

/**
 * Flow control of one connection, both directions (RFC 9113 section 5.2 and 6.9).
 *
 * <p>Sending: a writer takes credit from its stream's window and the connection's before it
 * queues DATA, and parks on its own stream's condition while either is closed. A stream
 * WINDOW_UPDATE wakes the stream it names. Connection window that opens goes first to the writers
 * that found it closed, in the order they began waiting, each granted up to the chunk it waits
 * to send; only what is left is there for whoever takes it first. Without the grants, the writers
 * that happen to be running when the window opens take all of it, again and again, and a stream
 * that once found it closed may never send (100 downloads on one connection to a peer that returns
 * window only as its application reads: a third of them sent nothing in 30 s). Credit taken or
 * granted for DATA that is then not sent (the stream was reset first) goes back to the connection
 * window, which would otherwise shrink for good.
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
  /**
   * Writers that found the connection window closed, first come first granted. Whenever it is
   * not empty, the connection window is spent: what opens is granted before anyone takes it.
   */
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
    long window = Math.min(stream.sendWindow, stream.connectionGrant + connectionSendWindow);
    int n = (int) Math.max(0, Math.min(wanted, window));
    stream.sendWindow -= n;
    int granted = Math.min(n, stream.connectionGrant);
    stream.connectionGrant -= granted;
    connectionSendWindow -= n - granted;
    return n;
  }

  /** Whether {@link #take} would give this stream credit now. */
  boolean hasCredit(Http2Stream stream) {
    return stream.sendWindow > 0 && stream.connectionGrant + connectionSendWindow > 0;
  }

  /**
   * Puts a writer that found no credit, and wants to send {@code wanted} bytes, in line for the
   * connection window (unless its own window is what is closed); it then waits on its stream's
   * {@link Http2Stream#creditChanged() condition} and re-checks when woken. One that gives up
   * leaves the line ({@link #stopWaiting}).
   */
  void queueForCredit(Http2Stream stream, int wanted) {
    if (stream.sendWindow > 0 && stream.connectionGrant == 0 && stream.wantedConnectionCredit == 0) {
      stream.wantedConnectionCredit = wanted;
      waitingForConnectionWindow.add(stream);
    }
  }

  /**
   * The stream writes no more (it closed, or its writer gave up): it leaves the queue, and what
   * it was granted goes to the next in line.
   */
  void stopWaiting(Http2Stream stream) {
    if (stream.wantedConnectionCredit > 0) {
      stream.wantedConnectionCredit = 0;
      waitingForConnectionWindow.remove(stream);
    }
    if (stream.connectionGrant > 0) {
      connectionSendWindow += stream.connectionGrant;
      stream.connectionGrant = 0;
      grantWaiters();
    }
  }

  /** Returns credit for DATA that was taken but will never be sent. */
  void giveBack(int bytes) {
    if (bytes > 0) {
      connectionSendWindow += bytes;
      grantWaiters();
    }
  }

  /** Hands the open connection window to the waiting writers, first come first, and wakes them. */
  private void grantWaiters() {
    Http2Stream waiting;
    while (connectionSendWindow > 0 && (waiting = waitingForConnectionWindow.peekFirst()) != null) {
      // No more than its own window lets it send: the rest would sit idle with it.
      long wanted = Math.min(waiting.wantedConnectionCredit, Math.max(0, waiting.sendWindow - waiting.connectionGrant));
      int grant = (int) Math.min(wanted, connectionSendWindow);
      waiting.connectionGrant += grant;
      connectionSendWindow -= grant;
      if (grant == wanted) {
        waiting.wantedConnectionCredit = 0;
        waitingForConnectionWindow.pollFirst();
      } else {
        waiting.wantedConnectionCredit -= grant; // the window is spent: it stays first in line
      }
      waiting.signalCredit();
    }
  }

  /** A WINDOW_UPDATE for the connection (stream 0). */
  void onConnectionWindowUpdate(int increment) throws Http2Exception {
    connectionSendWindow += increment;
    if (connectionSendWindow > Http2Config.MAX_WINDOW) {
      throw Http2Exception.connectionError(Http2ErrorCode.FLOW_CONTROL_ERROR, "connection window above 2^31-1");
    }
    grantWaiters();
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

  /** Wakes every writer: the connection is over. */
  void wakeAll(Collection<Http2Stream> streams) {
    waitingForConnectionWindow.clear();
    for (Http2Stream stream : streams) {
      stream.wantedConnectionCredit = 0;
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
