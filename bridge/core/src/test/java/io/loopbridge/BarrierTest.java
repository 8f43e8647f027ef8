package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Loop: AsyncBarrier (asyncio.Barrier): rounds of parties, arrival indexes, a cancelled
 * waiter leaves the round, abort and reset fail waiters with BrokenBarrierException.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BarrierTest {

    @Test
    void fullRound_resumesEveryoneWithTheirArrivalIndex_andTheNextRoundStartsAfresh() {
        List<Integer> indexes = LoopManager.run(l -> {
            AsyncBarrier barrier = new AsyncBarrier(l, 3);
            List<LoopFuture<Integer>> round = new ArrayList<>();
            for (int i = 0; i < 6; i++) { // two rounds
                round.add(barrier.await());
            }
            return l.gather(round);
        });

        assertThat(indexes).containsExactly(0, 1, 2, 0, 1, 2);
    }

    @Test
    void waiterCancelledBeforeTheRoundFills_leavesItWithoutCounting() {
        List<Object> seen = LoopManager.run(l -> {
            AsyncBarrier barrier = new AsyncBarrier(l, 3);
            LoopFuture<Integer> a = barrier.await();
            LoopFuture<Integer> b = barrier.await();
            a.cancel(false);
            int waitingAfterCancel = barrier.nWaiting();
            LoopFuture<Integer> c = barrier.await(); // the round needs one more: a does not count
            boolean cWaits = !c.isDone();
            LoopFuture<Integer> d = barrier.await();
            return l.gather(List.of(b, c, d)).thenApply(
                    all -> List.of(waitingAfterCancel, cWaits, all, barrier.nWaiting()));
        });

        assertThat(seen).containsExactly(1, true, List.of(1, 1, 2), 0);
    }

    @Test
    void abort_failsWaitersAndLaterAwaits_untilReset() {
        List<Object> seen = LoopManager.run(l -> {
            AsyncBarrier barrier = new AsyncBarrier(l, 2);
            LoopFuture<Integer> waiting = barrier.await();
            barrier.abort();
            LoopFuture<Integer> later = barrier.await();
            boolean brokenBeforeReset = barrier.isBroken();
            barrier.reset();
            LoopFuture<Integer> x = barrier.await();
            LoopFuture<Integer> y = barrier.await();
            return l.gather(List.of(x, y)).thenApply(round -> List.of(failureOf(waiting), failureOf(later),
                    brokenBeforeReset, barrier.isBroken(), round));
        });

        assertThat(seen.get(0)).asString().contains("BrokenBarrierException", "aborted", "reset()");
        assertThat(seen.get(1)).asString().contains("BrokenBarrierException", "aborted");
        assertThat(seen.subList(2, 5)).containsExactly(true, false, List.of(0, 1));
    }

    @Test
    void reset_failsTheCurrentRoundsWaiters_withoutBreakingTheBarrier() {
        List<Object> seen = LoopManager.run(l -> {
            AsyncBarrier barrier = new AsyncBarrier(l, 3);
            LoopFuture<Integer> first = barrier.await();
            LoopFuture<Integer> second = barrier.await();
            barrier.reset();
            return l.gatherSettled(List.of(first, second)).thenApply(x -> List.of(failureOf(first),
                    failureOf(second), barrier.isBroken(), barrier.nWaiting()));
        });

        assertThat(seen.subList(0, 2)).allSatisfy(f -> assertThat(f).asString()
                .contains("BrokenBarrierException", "barrier of 3 parties", "was reset"));
        assertThat(seen.subList(2, 4)).containsExactly(false, 0);
    }

    @Test
    void misuse_throwsNamingTheValueOrThread() {
        EventLoop loop = EventLoop.create();
        try {
            assertThatThrownBy(() -> new AsyncBarrier(loop, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("parties: 0 (expected >= 1)");
            AsyncBarrier barrier = new AsyncBarrier(loop, 2);
            assertThatThrownBy(barrier::await).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(Thread.currentThread().getName()).hasMessageContaining(loop.name());
        } finally {
            loop.close();
        }
    }

    /** The failure of a done stage, as a string naming its type and message ("none" if it did not fail). */
    private static String failureOf(LoopFuture<?> stage) {
        if (!stage.isCompletedExceptionally()) {
            return "none";
        }
        Throwable failure = stage.exceptionNow();
        return failure instanceof BrokenBarrierException ? "BrokenBarrierException: " + failure.getMessage()
                : failure.toString();
    }
}
