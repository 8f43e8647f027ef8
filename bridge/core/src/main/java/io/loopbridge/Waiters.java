package io.loopbridge;

import java.util.ArrayDeque;

/**
 * The FIFO of futures waiting on a primitive ({@link AsyncSemaphore}, {@link AsyncEvent},
 * {@link AsyncQueue}, {@link AsyncCondition}, {@link AsyncBarrier}): the one mechanism by which a cancelled waiter is skipped, so it never takes a
 * permit or an item with it.
 *
 * <p>Threads: the loop thread only.
 */
final class Waiters<T> {
    private final DefaultEventLoop loop;
    private final ArrayDeque<LoopFuture<T>> queue = new ArrayDeque<>();

    Waiters(DefaultEventLoop loop) {
        this.loop = loop;
    }

    /** A new waiter at the end of the line. */
    LoopFuture<T> add() {
        return add(new LoopFuture<>(loop));
    }

    /** {@code waiter} at the end of the line. */
    <F extends LoopFuture<T>> F add(F waiter) {
        queue.add(waiter);
        return waiter;
    }

    /** Completes the longest-waiting live waiter with {@code value}; false if none is waiting. */
    boolean wakeFirst(T value) {
        LoopFuture<T> waiter;
        while ((waiter = queue.poll()) != null) {
            if (waiter.complete(value)) {
                return true;
            }
        }
        return false;
    }

    /** Completes every live waiter with {@code value}. */
    void wakeAll(T value) {
        while (wakeFirst(value)) {
            // each call wakes one
        }
    }

    /** Fails every live waiter with {@code failure}. */
    void failAll(Throwable failure) {
        LoopFuture<T> waiter;
        while ((waiter = queue.poll()) != null) {
            waiter.completeExceptionally(failure);
        }
    }

    /** Live waiters in line (cancelled ones are dropped). */
    int count() {
        queue.removeIf(LoopFuture::isDone);
        return queue.size();
    }

    /** True if a live waiter is in line (cancelled ones at the head are dropped). */
    boolean hasWaiters() {
        LoopFuture<T> head;
        while ((head = queue.peek()) != null && head.isDone()) {
            queue.poll();
        }
        return head != null;
    }

    /** Refuses use from a thread other than the loop's, naming both and the fix. */
    static void checkLoopThread(DefaultEventLoop loop, String what) {
        if (!loop.inLoopThread()) {
            throw new IllegalStateException(what + " called on thread '" + Thread.currentThread().getName()
                    + "', not on the thread of event loop '" + loop.name() + "' (" + loop + "): loop primitives are"
                    + " not thread-safe; use them from the loop's callbacks, or hand the work over with"
                    + " callSoonThreadsafe");
        }
    }

    static DefaultEventLoop loopOf(EventLoop loop) {
        if (loop instanceof DefaultEventLoop own) {
            return own;
        }
        throw new IllegalArgumentException("loop: " + loop + " (expected a loop made by EventLoop.create())");
    }
}
