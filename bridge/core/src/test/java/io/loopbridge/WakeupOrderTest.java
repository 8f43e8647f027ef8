package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Loop: the stages waiting for one future resume in the order they started waiting
 * (asyncio runs done-callbacks first-registered first), however the future completes.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WakeupOrderTest {
    private static final int WAITERS = 5;
    private static final List<Integer> IN_ORDER = IntStream.range(0, WAITERS).boxed().toList();

    /**
     * Runs a loop whose body registers {@link #WAITERS} waiters on one future through {@code wait},
     * then completes the future through {@code complete} (on the loop or off it), and returns the
     * order in which the waiters resumed.
     */
    private static List<Integer> resumeOrder(Consumer<LoopFuture<String>> complete, Waiter wait) {
        EventLoop loop = EventLoop.create();
        try {
            return loop.runUntilComplete(l -> {
                LoopFuture<String> shared = l.createFuture();
                List<Integer> order = new ArrayList<>();
                List<CompletionStage<?>> waiters = new ArrayList<>();
                for (int i = 0; i < WAITERS; i++) {
                    int index = i;
                    waiters.add(wait.register(l, shared, () -> order.add(index)));
                }
                complete.accept(shared);
                return l.gatherSettled(waiters).thenApply(settled -> order);
            });
        } finally {
            loop.close();
        }
    }

    /** How a waiter waits for the shared future and records that it resumed. */
    private interface Waiter {
        CompletionStage<?> register(EventLoop loop, LoopFuture<String> shared, Runnable resumed);
    }

    private static final Waiter CALLBACK = (loop, shared, resumed) -> shared.whenComplete((v, e) -> resumed.run());
    private static final Waiter TASK_COMPOSING = (loop, shared, resumed) ->
            loop.createTask(l -> shared.handle((v, e) -> {
                resumed.run();
                return v;
            }));
    private static final Waiter TASK_RETURNING =
            (loop, shared, resumed) -> loop.createTask(l -> shared).whenComplete((v, e) -> resumed.run());
    private static final Waiter TASK_AWAITING = (loop, shared, resumed) ->
            loop.createTask(l -> l.await(shared).whenComplete((v, e) -> resumed.run()));

    /** Completes the shared future in a later callback on the loop thread. */
    private static void onLoop(LoopFuture<String> shared) {
        shared.loop().callSoon(() -> shared.complete("go"));
    }

    /** Completes the shared future from another thread, started once every waiter is registered. */
    private static void offLoop(LoopFuture<String> shared) {
        shared.loop().callSoon(() -> new Thread(() -> shared.complete("go"), "completer").start());
    }

    @Test
    void callbacksRunInRegistrationOrderWhenTheLoopCompletesTheFuture() {
        assertThat(resumeOrder(WakeupOrderTest::onLoop, CALLBACK)).isEqualTo(IN_ORDER);
    }

    @Test
    void callbacksRunInRegistrationOrderWhenAnotherThreadCompletesTheFuture() {
        assertThat(resumeOrder(WakeupOrderTest::offLoop, CALLBACK)).isEqualTo(IN_ORDER);
    }

    @Test
    void tasksComposingOnTheFutureResumeInTheOrderTheyStartedWaiting() {
        assertThat(resumeOrder(WakeupOrderTest::onLoop, TASK_COMPOSING)).isEqualTo(IN_ORDER);
        assertThat(resumeOrder(WakeupOrderTest::offLoop, TASK_COMPOSING)).isEqualTo(IN_ORDER);
    }

    @Test
    void tasksReturningTheFutureCompleteInTheOrderTheyStartedWaiting() {
        assertThat(resumeOrder(WakeupOrderTest::onLoop, TASK_RETURNING)).isEqualTo(IN_ORDER);
        assertThat(resumeOrder(WakeupOrderTest::offLoop, TASK_RETURNING)).isEqualTo(IN_ORDER);
    }

    @Test
    void tasksAwaitingTheFutureResumeInTheOrderTheyStartedWaiting() {
        assertThat(resumeOrder(WakeupOrderTest::onLoop, TASK_AWAITING)).isEqualTo(IN_ORDER);
        assertThat(resumeOrder(WakeupOrderTest::offLoop, TASK_AWAITING)).isEqualTo(IN_ORDER);
    }

    @Test
    void cancellingTheFutureWakesItsWaitersInOrder() {
        assertThat(resumeOrder(shared -> shared.loop().callSoon(() -> shared.cancel(false)), CALLBACK))
                .isEqualTo(IN_ORDER);
        assertThat(resumeOrder(shared -> shared.loop().callSoon(() -> shared.cancel(false)), TASK_COMPOSING))
                .isEqualTo(IN_ORDER);
    }

    @Test
    void failingTheFutureWakesItsWaitersInOrder() {
        assertThat(resumeOrder(shared -> shared.loop().callSoon(
                () -> shared.completeExceptionally(new IllegalStateException("boom"))), TASK_RETURNING))
                .isEqualTo(IN_ORDER);
    }
}
