package io.loopbridge;

import io.loopbridge.internal.Checks;
import java.util.concurrent.BrokenBarrierException;

/**
 * A barrier for async code on one loop (asyncio's {@code Barrier}): {@link #await()} waits until
 * {@link #parties()} callers wait, then all of them resume and the barrier is ready for the next
 * round. Each caller's stage completes with its arrival index in the round, 0 to parties - 1 (the
 * last to arrive gets parties - 1 at once).
 *
 * <p>Failure: after {@link #abort()}, and for the waiters of a round cut short by {@link #reset()},
 * the stages fail with {@link BrokenBarrierException} (asyncio's {@code BrokenBarrierError}); once
 * aborted, every {@code await()} fails at once until {@code reset()}.
 *
 * <p>Cancellation: a waiter cancelled before the round fills leaves it without counting (as asyncio
 * decrements its count); as in asyncio, the next arrival then takes the index the line's length
 * gives, which may repeat a waiting caller's index.
 *
 * <p>Threads: the loop thread only (methods throw {@link IllegalStateException} elsewhere).
 */
public final class AsyncBarrier {
    private static final String ABORTED = "aborted: reset() it before awaiting again";

    private final DefaultEventLoop loop;
    private final Waiters<Void> waiters;
    private final int parties;
    private boolean broken;

    /**
     * A barrier for rounds of {@code parties} callers. Any thread may construct it.
     *
     * @throws IllegalArgumentException if {@code parties} is below 1
     */
    public AsyncBarrier(EventLoop loop, int parties) {
        this.loop = Waiters.loopOf(Checks.notNull(loop, "loop"));
        if (parties < 1) {
            throw new IllegalArgumentException("parties: " + parties + " (expected >= 1)");
        }
        this.parties = parties;
        this.waiters = new Waiters<>(this.loop);
    }

    /**
     * Waits for the round to fill; the stage completes with this caller's arrival index, or fails with
     * {@link BrokenBarrierException} if the barrier is or becomes broken or reset. Loop thread only.
     */
    public LoopFuture<Integer> await() {
        Waiters.checkLoopThread(loop, "AsyncBarrier.await");
        LoopFuture<Integer> result = new LoopFuture<>(loop);
        if (broken) {
            result.completeExceptionally(brokenBy(ABORTED));
            return result;
        }
        int index = waiters.count();
        if (index + 1 == parties) {
            waiters.wakeAll(null);
            result.complete(index);
            return result;
        }
        LoopFuture<Void> place = waiters.add();
        result.await(place);
        place.whenComplete((v, e) -> LoopOps.complete(result, index, e));
        return result;
    }

    /**
     * Ends the current round: its waiters fail with {@link BrokenBarrierException}, and the barrier
     * (broken or not) takes a new round. Loop thread only.
     */
    public void reset() {
        Waiters.checkLoopThread(loop, "AsyncBarrier.reset");
        waiters.failAll(brokenBy("reset"));
        broken = false;
    }

    /**
     * Breaks the barrier: waiters and later {@link #await()}s fail with {@link BrokenBarrierException}
     * until {@link #reset()}. Loop thread only.
     */
    public void abort() {
        Waiters.checkLoopThread(loop, "AsyncBarrier.abort");
        broken = true;
        waiters.failAll(brokenBy(ABORTED));
    }

    /** Callers a round needs. */
    public int parties() {
        return parties;
    }

    /** Callers waiting in the current round. Loop thread only. */
    public int nWaiting() {
        Waiters.checkLoopThread(loop, "AsyncBarrier.nWaiting");
        return waiters.count();
    }

    /** True after {@link #abort()}, until {@link #reset()}. */
    public boolean isBroken() {
        return broken;
    }

    private BrokenBarrierException brokenBy(String what) {
        return new BrokenBarrierException("barrier of " + parties + " parties on loop '" + loop.name() + "' was "
                + what);
    }

    @Override
    public String toString() {
        return "AsyncBarrier[parties=" + parties + ", broken=" + broken + ", loop " + loop.name() + "]";
    }
}
