package io.loopbridge;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * A caller on a thread of its own (a servlet thread, say), for tests that interrupt it or that
 * must not block the test thread. {@link #outcome} completes with what the action returned or
 * threw; {@link #interruptedAfter} tells whether the thread's interrupt status was set afterwards.
 */
final class BridgeCaller<T> {
    final Thread thread;
    final CompletableFuture<T> outcome = new CompletableFuture<>();
    volatile boolean interruptedAfter;

    private BridgeCaller(String name, Callable<T> action) {
        thread = new Thread(() -> {
            try {
                T value = action.call();
                interruptedAfter = Thread.currentThread().isInterrupted();
                outcome.complete(value);
            } catch (Throwable t) {
                interruptedAfter = Thread.currentThread().isInterrupted();
                outcome.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
    }

    static <T> BridgeCaller<T> start(String name, Callable<T> action) {
        BridgeCaller<T> caller = new BridgeCaller<>(name, action);
        caller.thread.start();
        return caller;
    }

    /** What the action threw (waits up to 10 s for it to end); fails if it returned normally. */
    Throwable failure() {
        return BridgeFixture.failureOf(outcome, Duration.ofSeconds(10));
    }
}
