package dev.shuttle.internal;

import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a server may hold of request messages that handlers have not taken yet, partial messages
 * included: at most {@code perConnection} bytes per connection, and {@code server} bytes in all,
 * except that a connection holding less than {@code guaranteedPerConnection} is never refused for
 * the server's total, so a small call on a quiet connection is served even while others have
 * spent the budget. Whatever does not fit fails its call with {@code RESOURCE_EXHAUSTED}.
 *
 * <p>So one connection holds at most {@code perConnection} bytes, and the whole server at most
 * {@code server + N * guaranteedPerConnection} with N connections open.
 */
public final class RequestBufferBudget {
  private final long serverLimit;
  private final long connectionLimit;
  private final long guaranteedPerConnection;
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();

  public RequestBufferBudget(long serverLimit, long connectionLimit, long guaranteedPerConnection) {
    this.serverLimit = serverLimit;
    this.connectionLimit = connectionLimit;
    this.guaranteedPerConnection = Math.min(guaranteedPerConnection, connectionLimit);
  }

  /** A new connection's share of the budget. */
  public Connection newConnection() {
    return new Connection();
  }

  /** Bytes held now, across the server. */
  public long held() {
    return held.get();
  }

  /** The most bytes held at once since the server started. */
  public long peak() {
    return peak.get();
  }

  /** One connection's account; any thread may reserve and release. */
  public final class Connection implements MessageBudget {
    private final AtomicLong connectionHeld = new AtomicLong();
    private final AtomicLong connectionPeak = new AtomicLong();

    @Override
    public void reserve(int bytes) {
      long mine = connectionHeld.addAndGet(bytes);
      if (mine > connectionLimit) {
        connectionHeld.addAndGet(-bytes);
        throw new StatusException(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "this connection holds too many request bytes not yet taken by handlers (limit " + connectionLimit + ")"));
      }
      long all = held.addAndGet(bytes);
      if (all > serverLimit && mine > guaranteedPerConnection) {
        held.addAndGet(-bytes);
        connectionHeld.addAndGet(-bytes);
        throw new StatusException(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "the server holds too many request bytes not yet taken by handlers (limit " + serverLimit + ")"));
      }
      peak.accumulateAndGet(all, Math::max);
      connectionPeak.accumulateAndGet(mine, Math::max);
    }

    @Override
    public void release(int bytes) {
      connectionHeld.addAndGet(-bytes);
      held.addAndGet(-bytes);
    }

    /** Bytes this connection holds now. */
    public long held() {
      return connectionHeld.get();
    }

    /** The most this connection held at once. */
    public long peak() {
      return connectionPeak.get();
    }
  }
}
