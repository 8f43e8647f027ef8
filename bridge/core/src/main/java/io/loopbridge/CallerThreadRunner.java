package io.loopbridge;

import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * {@link BridgeMode#PER_CALL}: {@code run} creates, runs and closes a fresh loop on the caller's own
 * thread (no thread hop; the loop checks the call's deadline between iterations and parks no later than
 * it, so a callback stuck in a blocking call holds the caller past it); {@code submit} runs the call on a worker, as PER_CALL_POOLED does.
 *
 * <p>Threads: {@link #run} on the caller's thread, which is the loop thread for the call; close() on
 * the closing thread cancels the runs in progress on their callers' threads.
 */
final class CallerThreadRunner extends WorkerPoolRunner {
    /** The runs in progress, for close() to cancel: claimed and released per run, nothing kept per thread. */
    private final RunSlots runs;

    CallerThreadRunner(LoopBridge bridge, Integer poolSize) {
        super(bridge, poolSize);
        this.runs = new RunSlots(bridge.maxInFlight());
    }

    /**
     * Runs the call on a fresh loop on this thread, in a slot for close() to cancel. The slot is written
     * first, then {@code closed} read; close() writes {@code closed} first, then reads the slots: a
     * close() that began meanwhile either finds the call or is seen here. Its body starts on this
     * thread, so no loop lag is recorded. No lock and no thread-local on this path: a new (virtual)
     * thread per call costs what a reused one does.
     */
    @Override
    <T> T run(AsyncCallable<T> body, Duration timeout) {
        BridgeCall<T> call = new BridgeCall<>(bridge, this, body, null, timeout);
        int slot = runs.claim(call);
        try {
            if (bridge.isClosed()) {
                call.cancel(new CancellationException("bridge '" + bridge.name() + "' was closed as the call started"));
            }
            call.runOnFreshLoop(body, true); // returns at once if cancelled; the loop checks the timeout
        } finally {
            runs.release(slot, call);
        }
        return call.valueOrThrow(false);
    }

    /** Cancels the runs in progress on their callers' threads (each then ends there), then the workers. */
    @Override
    void close(Duration grace) throws InterruptedException {
        runs.forEach(call -> call.cancel(new CancellationException("bridge '" + bridge.name() + "' was closed")));
        super.close(grace);
    }
}
