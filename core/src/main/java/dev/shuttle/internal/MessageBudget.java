package dev.shuttle.internal;

import dev.shuttle.StatusException;

/**
 * Where the bytes of received messages are counted while they wait for the application: a
 * deframer reserves each buffer before it allocates it and releases it once the application has
 * taken the message (or the call ended).
 */
public interface MessageBudget {
  /** No limit beyond the message size: a client's own responses. */
  MessageBudget UNLIMITED =
      new MessageBudget() {
        @Override
        public void reserve(int bytes) {}

        @Override
        public void release(int bytes) {}
      };

  /**
   * Takes {@code bytes} from the budget.
   *
   * @throws StatusException {@code RESOURCE_EXHAUSTED} when they do not fit; nothing is taken
   */
  void reserve(int bytes);

  /** Gives back bytes reserved earlier. */
  void release(int bytes);
}
