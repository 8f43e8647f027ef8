package io.loopbridge;

/**
 * Where a {@link LoopBridge} runs async code.
 *
 * <table>
 *   <caption>The modes and their trade-offs</caption>
 *   <tr><th>mode</th><th>loop runs on</th><th>good for</th><th>sharp edge</th></tr>
 *   <tr><td>{@link #PER_CALL}</td><td>the calling thread, a fresh loop per call</td>
 *       <td>isolation, no thread hop</td><td>tasks still pending when the body completes are cancelled;
 *       the caller cannot time out while a callback is stuck</td></tr>
 *   <tr><td>{@link #PER_CALL_POOLED}</td><td>a worker of a bounded pool, a fresh loop per call</td>
 *       <td>the caller can time out even if the loop is stuck</td><td>two thread hops per call; throughput
 *       is capped at pool size / latency</td></tr>
 *   <tr><td>{@link #SHARED}</td><td>one long-lived loop thread</td><td>no creation cost; tasks and
 *       loop-bound resources outlive a call</td><td>one slow callback stalls every caller; the loop is
 *       one core</td></tr>
 * </table>
 */
public enum BridgeMode {
    /**
     * A fresh loop on the calling thread for each call, closed afterwards. Tasks the body leaves
     * pending are cancelled, given a short grace to run their cancellation handlers, counted in the
     * stats, and logged. {@code submit} runs the call on a worker instead, so it never blocks.
     */
    PER_CALL,
    /**
     * A fresh loop for each call on a worker of a bounded pool (the Python pattern of a thread pool
     * plus {@code new_event_loop()}); the caller waits with its timeout. When every worker is busy,
     * calls wait for one in FIFO order; only {@code maxInFlight} refuses.
     */
    PER_CALL_POOLED,
    /**
     * One long-lived loop thread for the bridge, started on first use and replaced on the next call if
     * it dies. Pitfall: a callback that blocks or computes for long stalls every call of the bridge; a
     * watchdog logs such a callback with the loop thread's stack.
     */
    SHARED
}
