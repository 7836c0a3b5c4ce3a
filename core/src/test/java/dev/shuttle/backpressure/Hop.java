package dev.shuttle.backpressure;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One direction of a call as the application sees it: the bytes its sender got through
 * {@code send} and the bytes its receiver took, and so how far the sender ever ran ahead. Flow
 * control bounds that lead by the receiver's stream window (plus a message or two) however slow
 * the receiver is; without it the sender would run ahead by all it has.
 *
 * <p>It also counts the sends that were still blocked when the {@link SlowReader} whose pauses
 * hold this direction back resumed reading: a send in progress across a resume waited for the
 * reader, which only flow control makes it do.
 */
final class Hop {
  private final SlowReader pacedBy;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong messagesReceived = new AtomicLong();
  private final AtomicLong maxLead = new AtomicLong();
  private final AtomicLong sendsHeldOverAPause = new AtomicLong();

  Hop(SlowReader pacedBy) {
    this.pacedBy = pacedBy;
  }

  /** Call just before {@code send}; pass the result to {@link #sent}. */
  long beforeSend() {
    return pacedBy.resumes();
  }

  /** Call once {@code send} of {@code bytes} has returned. */
  void sent(int bytes, long beforeSend) {
    // Reading received after adding to sent can only understate the lead, never overstate it.
    long lead = sent.addAndGet(bytes) - received.get();
    maxLead.accumulateAndGet(lead, Math::max);
    if (pacedBy.resumes() != beforeSend) {
      sendsHeldOverAPause.incrementAndGet();
    }
  }

  /** Call as soon as {@code receive} has returned a message of {@code bytes}. */
  void received(int bytes) {
    received.addAndGet(bytes);
    messagesReceived.incrementAndGet();
  }

  long lead() {
    return sent.get() - received.get();
  }

  long sentBytes() {
    return sent.get();
  }

  long receivedBytes() {
    return received.get();
  }

  long messagesReceived() {
    return messagesReceived.get();
  }

  long maxLead() {
    return maxLead.get();
  }

  long sendsHeldOverAPause() {
    return sendsHeldOverAPause.get();
  }
}
