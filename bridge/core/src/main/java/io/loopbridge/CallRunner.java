package io.loopbridge;

import io.loopbridge.internal.CallContext;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a bridge's {@link BridgeMode} runs its calls: one strategy per mode, chosen once by {@link #of}.
 * A runner starts an admitted call, enforces its timeout, cancels its task and closes what it started;
 * {@link LoopBridge} keeps the public API, admission ({@code maxInFlight}), the nested guard and the
 * stats.
 *
 * <ul>
 *   <li>{@link WorkerPoolRunner}: PER_CALL_POOLED, a fresh loop per call on a bounded pool's worker;</li>
 *   <li>{@link CallerThreadRunner}: PER_CALL, a fresh loop on the caller's thread for {@code run} (its
 *   {@code submit} is the pooled one, so it never blocks);</li>
 *   <li>{@link SharedLoopRunner}: SHARED, one long-lived loop thread.</li>
 * </ul>
 *
 * <p>Threads: {@link #run} and {@link #submit} on callers' threads, concurrently; {@link #close} once,
 * on the thread closing the bridge.
 */
abstract sealed class CallRunner permits WorkerPoolRunner, SharedLoopRunner {
    final LoopBridge bridge;

    CallRunner(LoopBridge bridge) {
        this.bridge = bridge;
    }

    /**
     * The runner of {@code mode}: the one place that asks which mode a bridge is in. Null options take
     * their defaults; the builder has refused those the mode does not use.
     */
    static CallRunner of(LoopBridge bridge, BridgeMode mode, Integer poolSize, Duration watchdogThreshold) {
        return switch (mode) {
            case PER_CALL -> new CallerThreadRunner(bridge, poolSize);
            case PER_CALL_POOLED -> new WorkerPoolRunner(bridge, poolSize);
            case SHARED -> new SharedLoopRunner(bridge, watchdogThreshold);
        };
    }

    /**
     * Runs an admitted call and waits for it, at most {@code timeout}: returns its value or throws its
     * failure. This form hands the call to another thread and waits there with the timeout, so the
     * caller returns on time even if that loop is stuck.
     */
    <T> T run(AsyncCallable<T> body, Duration timeout) {
        BridgeCall<T> call = handOff(body, timeout);
        awaitOutcome(call);
        return call.valueOrThrow(true);
    }

    /** Starts an admitted call and returns its future at once; the library timer enforces the timeout. */
    <T> CompletableFuture<T> submit(AsyncCallable<T> body, Duration timeout) {
        BridgeCall<T> call = handOff(body, timeout);
        call.expireAfterTimeout();
        return call.future;
    }

    /** Gives a call, with the caller's context, to the thread that will run it. */
    abstract void hand(BridgeCall<?> call);

    /**
     * Cancels the task of a call that ended. On a per-call loop that happens on the loop's own thread:
     * cancelled from another thread, the task would be done before the handlers its cancellation
     * schedules reach the loop, which could see its main task done and close first, dropping them.
     */
    void cancelTask(Task<?> task) {
        task.loop.runOnLoop(() -> task.cancel(false), null); // a closed loop has cancelled it already
    }

    /** Why this runner's long-lived loop died while not yet replaced; null when alive or when it has none. */
    Throwable deadLoopCause() {
        return null;
    }

    /** Cancels the calls in flight and stops the threads this runner started, waiting up to {@code grace}. */
    abstract void close(Duration grace) throws InterruptedException;

    private <T> BridgeCall<T> handOff(AsyncCallable<T> body, Duration timeout) {
        BridgeCall<T> call = new BridgeCall<>(bridge, this, body, CallContext.capture(), timeout);
        try {
            hand(call);
        } catch (RuntimeException refused) { // closed meanwhile, or the loop died between lookup and hand-off
            call.cancel(bridge.isClosed() ? bridge.closedException() : refused);
        }
        return call;
    }

    /** Waits for the call's outcome as its caller; on timeout or interrupt ends the call itself. */
    private static void awaitOutcome(BridgeCall<?> call) {
        try {
            call.future.get(call.timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException late) {
            call.expire();
        } catch (InterruptedException interrupted) {
            call.cancel(new AsyncExecutionException("the caller thread '" + Thread.currentThread().getName()
                    + "' was interrupted while waiting; the call was cancelled", interrupted));
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CancellationException failed) {
            // the outcome is read by valueOrThrow
        }
    }
}
