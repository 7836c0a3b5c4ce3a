package dev.shuttle.internal;

import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a server may hold of request messages that handlers have not taken yet, partial messages
 * included: at most {@code perConnection} bytes per connection, and {@code server} bytes in all,
 * except that what a connection holds up to {@code guaranteedPerConnection} is never refused for
 * the server's total, so a small call on a quiet connection is served even while others have
 * spent the budget. Whatever does not fit fails its call with {@code RESOURCE_EXHAUSTED}.
 *
 * <p>So one connection holds at most {@code perConnection} bytes, and the whole server at most
 * {@code server + N * guaranteedPerConnection} with N connections open: the server's total counts
 * only what connections hold beyond their guarantee, so small calls never contend for it.
 */
public final class RequestBufferBudget {
  private final long serverLimit;
  private final long connectionLimit;
  private final long guaranteedPerConnection;
  /** Bytes held beyond each connection's guarantee: what the server's limit applies to. */
  private final AtomicLong beyondGuarantees = new AtomicLong();
  /**
   * Bytes held in all, for {@link #held()} and {@link #peak()}: counted, never decided on. Added
   * to only once a reservation has its room and taken from before the room is given back, so
   * that no reading of it, the peak included, shows more than the limits allow. (A LongAdder's
   * sum is no snapshot: read while one connection releases and another reserves, it overshot.)
   */
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

  /** The most bytes held at once since the server started (as seen by each reservation). */
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
      long beyond = beyond(mine) - beyond(mine - bytes);
      if (beyond > 0 && beyondGuarantees.addAndGet(beyond) > serverLimit) {
        beyondGuarantees.addAndGet(-beyond);
        connectionHeld.addAndGet(-bytes);
        throw new StatusException(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "the server holds too many request bytes not yet taken by handlers (limit " + serverLimit + ")"));
      }
      raiseTo(connectionPeak, mine);
      raiseTo(peak, held.addAndGet(bytes));
    }

    @Override
    public void release(int bytes) {
      held.addAndGet(-bytes);
      long mine = connectionHeld.addAndGet(-bytes);
      long beyond = beyond(mine + bytes) - beyond(mine);
      if (beyond > 0) {
        beyondGuarantees.addAndGet(-beyond);
      }
    }

    private long beyond(long connectionBytes) {
      return Math.max(0, connectionBytes - guaranteedPerConnection);
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

  /** Raises {@code peak} to {@code value} if below: a loop, not a lambda, on a cold server's first call. */
  private static void raiseTo(AtomicLong peak, long value) {
    long seen;
    while (value > (seen = peak.get()) && !peak.compareAndSet(seen, value)) {
      // another reserve raised it meanwhile: look again
    }
  }
}
