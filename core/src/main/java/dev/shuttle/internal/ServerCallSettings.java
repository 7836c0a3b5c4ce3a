package dev.shuttle.internal;

import java.util.concurrent.Executor;

/**
 * What every call of a server shares.
 *
 * @param executor where handlers run; null for a virtual thread per call
 * @param maxInboundMessageSize the largest request message accepted
 * @param interruptHandlersOnCancel whether a cancelled call's handler thread is interrupted
 */
public record ServerCallSettings(Executor executor, int maxInboundMessageSize, boolean interruptHandlersOnCancel) {}
