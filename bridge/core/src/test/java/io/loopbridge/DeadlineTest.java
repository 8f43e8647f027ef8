package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11, item 8: deadlines. {@code timeoutAt(stage, deadline)} on the loop's clock, and a
 * {@link TimeoutScope} that gives a body and all it awaits one budget, which a controller can move
 * (earlier, later, never) from any thread; when it passes, the body's stage is cancelled and the result
 * fails with {@link TimeoutException}. Time is a {@link FakeClock} advanced on the loop thread.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeadlineTest {
    private static final Duration MS_100 = Duration.ofMillis(100);
    private static final Duration WITHIN = Duration.ofSeconds(5);

    private final FakeClock clock = new FakeClock();
    private final EventLoop loop = EventLoop.builder().name("deadline-loop").clock(clock).build();

    /** Advances the fake clock on the loop thread, then lets two iterations pass (due timers have run). */
    private static void advance(LoopThread lt, FakeClock clock, Duration d) throws Exception {
        lt.run(() -> clock.advance(d));
        lt.run(() -> {});
        lt.run(() -> {});
    }

    /** What {@code future} failed with, once done (a CompletionException wrapper stripped). */
    private static Throwable failureOf(LoopFuture<?> future) {
        return BridgeFixture.failureOf(future, WITHIN);
    }

    // ------------------------------------------------------------------ timeoutAt

    @Test
    void timeoutAt_fakeClock_expiresAtDeadlineAndNotBefore() throws Exception {
        try (LoopThread lt = LoopThread.start(loop)) {
            CompletableFuture<String> inner = new CompletableFuture<>();
            long deadline = clock.nanoTime() + MS_100.toNanos();
            LoopFuture<String> t = lt.call(() -> loop.timeoutAt(inner, deadline));

            advance(lt, clock, MS_100.minusNanos(1));
            assertThat(t.isDone()).as("expired one nanosecond early").isFalse();

            advance(lt, clock, Duration.ofNanos(1));
            assertThat(failureOf(t)).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("deadline " + deadline)
                    .hasMessageContaining("deadline-loop");
            assertThat(inner.isCancelled()).isTrue();
        }
    }

    @Test
    void timeoutAt_deadlineNow_unstartedTaskNeverStarts() {
        AtomicBoolean started = new AtomicBoolean();

        Object[] seen = loop.runUntilComplete(l -> {
            Task<String> task = l.createTask(in -> {
                started.set(true);
                return CompletableFuture.completedFuture("ran");
            });
            return l.timeoutAt(task, l.time()).handle((v, e) -> new Object[] {e, task.isCancelled()});
        });

        assertThat(seen[0]).isInstanceOf(TimeoutException.class);
        assertThat(seen[1]).as("task cancelled").isEqualTo(true);
        assertThat(started).isFalse();
        loop.close();
    }

    @Test
    void timeoutAt_innerInTime_keepsItsValueAndDropsTheTimer() {
        Object[] result = loop.runUntilComplete(l -> l.timeoutAt(CompletableFuture.completedFuture("v"), l.time() + 1)
                .thenApply(v -> new Object[] {v, Internals.pendingTimers(l)}));

        assertThat(result).containsExactly("v", 0);
        loop.close();
    }

    // ------------------------------------------------------------------ a scope over a fan-out

    @Test
    void scope_deadlinePasses_cancelsTheWholeFanOutAndFails() throws Exception {
        try (LoopThread lt = LoopThread.start(loop)) {
            TimeoutScope scope = loop.timeoutScope(MS_100);
            List<Task<Void>> children = new ArrayList<>();
            LoopFuture<List<Void>> all = lt.call(() -> scope.run(l -> {
                children.add(l.createTask(in -> in.sleep(Duration.ofHours(1))));
                children.add(l.createTask(in -> in.sleep(Duration.ofHours(2))));
                return l.gather(children);
            }));

            advance(lt, clock, MS_100);

            assertThat(failureOf(all)).isInstanceOf(TimeoutException.class).hasMessageContaining("PT0.1S");
            assertThat(children).hasSize(2).allSatisfy(c -> assertThat(c.isCancelled()).isTrue());
            assertThat(scope.expired()).isTrue();
            assertThat(lt.call(() -> Internals.pendingTimers(loop))).as("sleeps and the deadline removed").isZero();
        }
    }

    @Test
    void scope_rescheduledLater_bodyFinishesWithinTheExtendedBudget() throws Exception {
        try (LoopThread lt = LoopThread.start(loop)) {
            TimeoutScope scope = loop.timeoutScope(MS_100);
            LoopFuture<String> r = lt.call(() -> scope.run(l -> l.sleep(Duration.ofMillis(150)).thenApply(x -> "done")));

            advance(lt, clock, Duration.ofMillis(50));
            assertThat(scope.reschedule(scope.when().getAsLong() + MS_100.toNanos())).isTrue();
            advance(lt, clock, Duration.ofMillis(60)); // past the first deadline
            assertThat(r.isDone()).as("expired at the deadline it was moved away from").isFalse();

            advance(lt, clock, Duration.ofMillis(40));
            await().atMost(WITHIN).until(r::isDone);
            assertThat(r.join()).isEqualTo("done");
            assertThat(scope.expired()).isFalse();
        }
    }

    @Test
    void scope_rescheduledEarlierFromAnotherThread_expiresAtTheNewDeadline() throws Exception {
        try (LoopThread lt = LoopThread.start(loop)) {
            TimeoutScope scope = loop.timeoutScope(Duration.ofHours(1));
            CompletableFuture<String> inner = new CompletableFuture<>();
            LoopFuture<String> r = lt.call(() -> scope.run(l -> inner));
            long earlier = clock.nanoTime() + Duration.ofMillis(10).toNanos();

            assertThat(scope.reschedule(earlier)).isTrue(); // the test thread, not the loop's
            assertThat(scope.when()).hasValue(earlier);
            advance(lt, clock, Duration.ofMillis(10));

            assertThat(failureOf(r)).isInstanceOf(TimeoutException.class).hasMessageContaining("deadline " + earlier);
            assertThat(inner.isCancelled()).isTrue();
            assertThat(lt.call(() -> Internals.pendingTimers(loop))).as("the hour-long timer was dropped").isZero();
        }
    }

    @Test
    void scope_rescheduleNever_neverExpires() throws Exception {
        try (LoopThread lt = LoopThread.start(loop)) {
            TimeoutScope scope = loop.timeoutScope(Duration.ofMillis(10));
            CompletableFuture<String> inner = new CompletableFuture<>();
            LoopFuture<String> r = lt.call(() -> scope.run(l -> inner));

            assertThat(scope.rescheduleNever()).isTrue();
            advance(lt, clock, Duration.ofDays(1));

            assertThat(scope.when()).isEmpty();
            assertThat(r.isDone()).isFalse();
            assertThat(scope.expired()).isFalse();
            inner.complete("late but fine");
            await().atMost(WITHIN).until(r::isDone);
            assertThat(r.join()).isEqualTo("late but fine");
        }
    }

    @Test
    void scope_rescheduledToThePast_expiresInTheNextIteration() throws Exception {
        try (LoopThread lt = LoopThread.start(loop)) {
            TimeoutScope scope = loop.timeoutScope(Duration.ofHours(1));
            LoopFuture<Object> r = lt.call(() -> scope.run(l -> l.createFuture()));

            boolean moved = lt.call(() -> scope.reschedule(loop.time() - 1) && !r.isDone());

            assertThat(moved).as("moved, and not expired inside reschedule itself").isTrue();
            assertThat(failureOf(r)).isInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void scope_rescheduledBeforeRun_appliesToTheRun() throws Exception {
        try (LoopThread lt = LoopThread.start(loop)) {
            TimeoutScope scope = loop.timeoutScope(Duration.ofMillis(10));
            scope.reschedule(clock.nanoTime() + Duration.ofHours(1).toNanos());
            LoopFuture<Object> r = lt.call(() -> scope.run(l -> l.createFuture()));

            advance(lt, clock, Duration.ofMillis(10));

            assertThat(r.isDone()).isFalse();
            r.cancel(false);
        }
    }

    // ------------------------------------------------------------------ budgets and outcomes

    @Test
    void scope_spentAtRun_bodyIsNeverCalled() {
        AtomicBoolean called = new AtomicBoolean();

        Object[] seen = loop.runUntilComplete(l -> {
            TimeoutScope scope = l.timeoutScope(Duration.ZERO);
            return scope.run(in -> {
                called.set(true);
                return CompletableFuture.completedFuture("ran");
            }).handle((v, e) -> new Object[] {e, scope.expired()});
        });

        assertThat(seen[0]).isInstanceOf(TimeoutException.class);
        assertThat(seen[1]).isEqualTo(true);
        assertThat(called).isFalse();
        loop.close();
    }

    @Test
    void scope_bodyCompletesInTime_finishedRescheduleRefusedTimerDropped() {
        Object[] seen = loop.runUntilComplete(l -> {
            TimeoutScope scope = l.timeoutScope(Duration.ofHours(1));
            return scope.run(in -> CompletableFuture.completedFuture("v"))
                    .thenApply(v -> new Object[] {v, scope.expired(), scope.reschedule(l.time()), Internals.pendingTimers(l)});
        });

        assertThat(seen).containsExactly("v", false, false, 0);
        loop.close();
    }

    @Test
    void scope_expired_rescheduleReturnsFalseAndDeadlineStays() {
        Object[] seen = loop.runUntilComplete(l -> {
            TimeoutScope scope = l.timeoutScopeAt(l.time());
            return scope.run(in -> in.createFuture())
                    .handle((v, e) -> new Object[] {scope.reschedule(l.time() + 1_000), scope.when(), l.time()});
        });

        assertThat(seen[0]).isEqualTo(false);
        assertThat(seen[1]).isEqualTo(OptionalLong.of((long) seen[2]));
        loop.close();
    }

    @Test
    void scope_resultCancelled_cancelsTheBodyStageAndTheTimer() {
        CompletableFuture<String> inner = new CompletableFuture<>();

        Object[] seen = loop.runUntilComplete(l -> {
            TimeoutScope scope = l.timeoutScope(Duration.ofHours(1));
            scope.run(in -> inner).cancel(false);
            return CompletableFuture.completedFuture(new Object[] {scope.expired(), Internals.pendingTimers(l)});
        });

        assertThat(inner.isCancelled()).isTrue();
        assertThat(seen).containsExactly(false, 0);
        loop.close();
    }

    @Test
    void scope_bodyThrows_resultFailsWithThatException() {
        IOException boom = new IOException("boom");

        Throwable failure = loop.runUntilComplete(l -> l.timeoutScope(Duration.ofHours(1)).run(in -> {
            throw boom;
        }).handle((v, e) -> e));

        assertThat(failure).isSameAs(boom);
        loop.close();
    }

    @Test
    void scope_when_isTheDeadlineOnTheLoopClock() {
        long now = clock.nanoTime();

        assertThat(loop.timeoutScope(Duration.ofSeconds(5)).when()).hasValue(now + Duration.ofSeconds(5).toNanos());
        assertThat(loop.timeoutScope(Duration.ofSeconds(-5)).when()).hasValue(now - Duration.ofSeconds(5).toNanos());
        assertThat(loop.timeoutScopeAt(42L).when()).hasValue(42L);
        loop.close();
    }

    // ------------------------------------------------------------------ misuse

    @Test
    void scope_runTwice_throwsIllegalStateNamingTheScope() {
        Throwable thrown = loop.runUntilComplete(l -> {
            TimeoutScope scope = l.timeoutScope(Duration.ofHours(1));
            scope.run(in -> CompletableFuture.completedFuture(1));
            try {
                scope.run(in -> CompletableFuture.completedFuture(2));
                return CompletableFuture.completedFuture(null);
            } catch (IllegalStateException e) {
                return CompletableFuture.completedFuture(e);
            }
        });

        assertThat(thrown).hasMessageContaining("TimeoutScope[").hasMessageContaining("has already run a body");
        loop.close();
    }

    @Test
    void scope_runOffTheLoopThread_throwsIllegalStateNamingThreadAndLoop() {
        TimeoutScope scope = loop.timeoutScope(Duration.ofHours(1));

        assertThatThrownBy(() -> scope.run(l -> CompletableFuture.completedFuture(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Thread.currentThread().getName())
                .hasMessageContaining("deadline-loop");
        assertThat(scope.reschedule(0L)).as("an unused scope can still be moved").isTrue();
        loop.close();
    }
}
