package io.loopbridge;

/**
 * Told about every call of a bridge that ended after it was admitted, with how long it took from
 * admission to its end: the hook a latency timer (loopbridge-micrometer's) or a trace exporter uses.
 * Calls refused at once (by {@code maxInFlight}, the nested guard, a spent budget or a closed bridge)
 * are not reported here; {@link BridgeStats} counts them.
 *
 * <p>Threads: runs on the thread that ends the call (the caller's, a loop thread, a worker, or the
 * library timer for a {@code submit} timeout), after the in-flight slot was released and before the
 * caller sees the outcome: keep it short and non-blocking. An exception it throws is logged and does
 * not change the call's outcome.
 */
@FunctionalInterface
public interface CallListener {

    /**
     * One call ended.
     *
     * @param bridge the bridge that ran it
     * @param outcome how it ended
     * @param durationNanos from its admission to its end, in nanoseconds
     */
    void callEnded(LoopBridge bridge, CallOutcome outcome, long durationNanos);

    /** What {@link LoopBridge#addCallListener} returns: closing it removes the listener. Idempotent, any thread. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
