package io.loopbridge;

import io.loopbridge.internal.Checks;
import java.util.concurrent.CompletionStage;

/**
 * A counting semaphore for async code on one loop (asyncio's {@code Semaphore}): {@link #acquire()}
 * returns a stage instead of blocking. Waiters are served FIFO; while any is waiting, a new acquirer
 * queues behind it. A waiter cancelled while waiting never takes a permit.
 *
 * <p>Prefer {@link #withPermit}: it releases the permit however the body ends, including when the
 * caller is cancelled after the permit was granted but before the body started.
 *
 * <p>Threads: the loop thread only (methods throw {@link IllegalStateException} elsewhere).
 */
public final class AsyncSemaphore {
    /** The bound of a semaphore made with the constructor: releases are not counted against one. */
    static final int UNBOUNDED = Integer.MAX_VALUE;

    private final DefaultEventLoop loop;
    private final Waiters<Void> waiters;
    private final int bound;
    private int permits;

    /**
     * A semaphore with {@code permits} free permits; {@link #release()} may raise the count above it
     * (asyncio's {@code Semaphore}). Any thread may construct it; use it on {@code loop}'s thread.
     *
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public AsyncSemaphore(EventLoop loop, int permits) {
        this(loop, permits, UNBOUNDED);
    }

    private AsyncSemaphore(EventLoop loop, int permits, int bound) {
        this.loop = Waiters.loopOf(Checks.notNull(loop, "loop"));
        this.permits = Checks.nonNegative(permits, "permits");
        this.bound = bound;
        this.waiters = new Waiters<>(this.loop);
    }

    /**
     * A bounded semaphore (asyncio's {@code BoundedSemaphore}): {@code permits} free permits, and a
     * {@link #release()} that would make more than {@code permits} free throws
     * {@link IllegalStateException} instead, catching a release without a matching acquire. Any
     * thread may call this; use the semaphore on {@code loop}'s thread.
     *
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public static AsyncSemaphore bounded(EventLoop loop, int permits) {
        return new AsyncSemaphore(loop, permits, permits);
    }

    /** A stage that completes once a permit is held by the caller. */
    public LoopFuture<Void> acquire() {
        Waiters.checkLoopThread(loop, "AsyncSemaphore.acquire");
        if (permits > 0 && !waiters.hasWaiters()) {
            permits--;
            LoopFuture<Void> granted = new LoopFuture<>(loop);
            granted.complete(null);
            return granted;
        }
        return waiters.add();
    }

    /** Takes a permit if one is free and nobody waits; never waits. */
    public boolean tryAcquire() {
        Waiters.checkLoopThread(loop, "AsyncSemaphore.tryAcquire");
        if (permits > 0 && !waiters.hasWaiters()) {
            permits--;
            return true;
        }
        return false;
    }

    /**
     * Returns a permit: hands it to the longest live waiter, or adds it to the free ones. Loop thread
     * only.
     *
     * @throws IllegalStateException on a {@linkplain #bounded bounded} semaphore whose permits are
     *     all free already (more releases than acquires)
     */
    public void release() {
        Waiters.checkLoopThread(loop, "AsyncSemaphore.release");
        if (waiters.wakeFirst(null)) {
            return;
        }
        if (permits >= bound) {
            throw new IllegalStateException("AsyncSemaphore.release: free permits would be " + (permits + 1)
                    + " (expected <= " + bound + ", the bound of this bounded semaphore on loop '" + loop.name()
                    + "'): release only permits acquired, or use new AsyncSemaphore(loop, permits) for an"
                    + " unbounded count");
        }
        permits++;
    }

    /**
     * Ends a with-block: completes the holder's {@code result} first, then hands the permit on, so
     * the holder's continuations (scheduled first) run before the next waiter's body and can still
     * cancel it (asyncio's order, CPython test_acquire_no_hang).
     */
    private <T> void leave(LoopFuture<T> result, T value, Throwable failure) {
        LoopOps.complete(result, value, failure);
        release();
    }

    DefaultEventLoop loop() {
        return loop;
    }

    /** Free permits now. */
    public int availablePermits() {
        return permits;
    }

    /**
     * Runs {@code body} holding a permit and releases it when the body's stage completes, fails or
     * is cancelled. Cancelling the result while waiting leaves the line without taking a permit.
     */
    public <T> LoopFuture<T> withPermit(AsyncCallable<T> body) {
        Checks.notNull(body, "body");
        LoopFuture<Void> permit = acquire();
        LoopFuture<T> result = new LoopFuture<>(loop);
        result.await(permit);
        // in a later iteration, not inside release(): a line of waiters whose bodies complete at once
        // would otherwise recurse one release() deeper per waiter
        permit.whenComplete((granted, failure) -> {
            if (failure != null) {
                LoopOps.complete(result, null, failure);
                return;
            }
            if (result.isDone()) { // cancelled after the permit was granted: give it back
                release();
                return;
            }
            CompletionStage<T> stage;
            try {
                stage = Checks.notNull(body.call(loop), "stage returned by the body");
            } catch (Throwable t) {
                leave(result, null, t);
                return;
            }
            result.await(LoopOps.futureOf(stage));
            LoopOps.onLoop(loop, stage, (v, e) -> leave(result, v, e));
        });
        return result;
    }

    @Override
    public String toString() {
        return "AsyncSemaphore[permits=" + permits + (bound == UNBOUNDED ? "" : ", bound=" + bound) + ", loop "
                + loop.name() + "]";
    }
}
