package io.loopbridge;

import io.loopbridge.internal.CallContext;
import java.util.ArrayList;

/**
 * Puts the wake-ups of one future's waiters back into registration order. {@link java.util.concurrent.CompletableFuture}
 * keeps its dependents on a stack, so completing a future with several waiters hands their
 * callbacks to the loop last-registered first; asyncio runs done-callbacks first-registered first.
 * While a {@link LoopFuture} with two or more dependents completes, the callbacks it hands to its
 * loop on the completing thread are collected here instead, then passed on in reverse, in the order
 * the waiters registered.
 *
 * <p>Threads: a batch belongs to the thread that completes the future, and lives for the duration
 * of that completion. The loop's {@link DefaultEventLoop#batching} count makes the check one field
 * read on every other dispatch.
 *
 * @see LoopFuture#complete
 */
final class Wakeups {
    /** The batch the current thread is collecting, or null. */
    private static final ThreadLocal<Wakeups> CURRENT = new ThreadLocal<>();

    private final DefaultEventLoop loop;
    /** The batch this one interrupts (a completion inside a completion), restored when this one ends. */
    private final Wakeups outer;
    /** The callbacks collected, in the order they were handed to the loop. */
    private final ArrayList<Deferred> deferred = new ArrayList<>();

    /** A callback, its context, and whether it runs in place (on the loop thread) or is dispatched. */
    private record Deferred(Runnable callback, CallContext context, boolean runInPlace) {}

    private Wakeups(DefaultEventLoop loop, Wakeups outer) {
        this.loop = loop;
        this.outer = outer;
    }

    /** Starts collecting {@code loop}'s wake-ups on this thread; {@link #close} ends it. */
    static Wakeups open(DefaultEventLoop loop) {
        Wakeups batch = new Wakeups(loop, CURRENT.get());
        CURRENT.set(batch);
        loop.batchingChanged(1);
        return batch;
    }

    /**
     * Collects {@code callback} if this thread is collecting for {@code loop}; false if not, and the
     * caller runs or dispatches it as usual.
     */
    static boolean defer(DefaultEventLoop loop, Runnable callback, CallContext context, boolean runInPlace) {
        Wakeups batch = CURRENT.get();
        if (batch == null || batch.loop != loop) {
            return false;
        }
        batch.deferred.add(new Deferred(callback, context, runInPlace));
        return true;
    }

    /**
     * Ends the batch: passes the collected callbacks on, newest-collected first (the first-registered
     * waiter's), with no batch open meanwhile, so what they wake is ordered by its own completion.
     */
    void close() {
        CURRENT.set(null);
        loop.batchingChanged(-1);
        try {
            for (int i = deferred.size() - 1; i >= 0; i--) {
                Deferred d = deferred.get(i);
                if (d.runInPlace()) {
                    loop.runOnLoop(d.callback(), d.context());
                } else {
                    loop.dispatchCallback(d.callback(), d.context());
                }
            }
        } finally {
            CURRENT.set(outer);
        }
    }
}
