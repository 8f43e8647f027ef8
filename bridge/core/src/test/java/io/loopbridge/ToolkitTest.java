package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Loop: sleep, await, timeout, shield, gather, gatherSettled, runInExecutor; stages the
 * loop hands out are CompletableFuture-backed and toCompletableFuture() returns the stage itself.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ToolkitTest {
    private static final Duration MS_100 = Duration.ofMillis(100);

    // ------------------------------------------------------------------ sleep

    @Test
    void sleep_fakeClock_completesAtDelayAndNotBefore() throws Exception {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        try (LoopThread lt = LoopThread.start(loop)) {
            LoopFuture<Void> sleep = lt.call(() -> loop.sleep(MS_100));

            clock.advance(MS_100.minusNanos(1));
            lt.run(() -> {});
            lt.run(() -> {});
            assertThat(sleep.isDone()).as("done one nanosecond early").isFalse();

            clock.advance(Duration.ofNanos(1));
            loop.callSoonThreadsafe(() -> {});
            await().atMost(Duration.ofSeconds(5)).until(sleep::isDone);
            assertThat(sleep.isCompletedExceptionally()).isFalse();
        }
    }

    @Test
    void sleep_systemClock_lastsAtLeastTheDelay() {
        EventLoop loop = EventLoop.create();
        Duration delay = Duration.ofMillis(25);

        long elapsed = loop.runUntilComplete(l -> {
            long start = System.nanoTime();
            return l.sleep(delay).thenApply(x -> System.nanoTime() - start);
        });

        assertThat(elapsed).isGreaterThanOrEqualTo(delay.toNanos());
        loop.close();
    }

    @Test
    void sleep_cancelled_removesItsTimer() {
        EventLoop loop = EventLoop.create();

        int timersLeft = loop.runUntilComplete(l -> {
            LoopFuture<Void> s = l.sleep(Duration.ofHours(1));
            s.cancel(false);
            return CompletableFuture.completedFuture(Internals.pendingTimers(l));
        });

        assertThat(timersLeft).isZero();
        loop.close();
    }

    // ------------------------------------------------------------------ await

    @Test
    void await_externalStageCompletedOnAnotherThread_continuesOnLoopThread() {
        EventLoop loop = EventLoop.create();
        Thread caller = Thread.currentThread();

        Thread[] threads = loop.runUntilComplete(l -> {
            CompletableFuture<Thread> external = CompletableFuture.supplyAsync(Thread::currentThread);
            return l.await(external).thenApply(t -> new Thread[] {t, Thread.currentThread()});
        });

        assertThat(threads[0]).isNotSameAs(caller);
        assertThat(threads[1]).isSameAs(caller);
        loop.close();
    }

    @Test
    void await_resultCancelled_cancelsExternalStage() {
        EventLoop loop = EventLoop.create();
        CompletableFuture<String> external = new CompletableFuture<>();

        loop.runUntilComplete(l -> {
            l.await(external).cancel(false);
            return CompletableFuture.completedFuture(null);
        });

        assertThat(external.isCancelled()).isTrue();
        loop.close();
    }

    // ------------------------------------------------------------------ timeout

    @Test
    void timeout_innerTooSlow_failsWithTimeoutException() {
        EventLoop loop = EventLoop.create();

        Throwable failure = loop.runUntilComplete(l -> l.timeout(l.createFuture(), Duration.ofMillis(5))
                .handle((v, e) -> e));

        assertThat(failure).isInstanceOf(TimeoutException.class).hasMessageContaining("PT0.005S");
        loop.close();
    }

    @Test
    void timeout_fakeClock_expiresAtDurationAndNotBefore() throws Exception {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        try (LoopThread lt = LoopThread.start(loop)) {
            CompletableFuture<String> inner = new CompletableFuture<>();
            LoopFuture<String> t = lt.call(() -> loop.timeout(inner, MS_100));

            clock.advance(MS_100.minusNanos(1));
            lt.run(() -> {});
            lt.run(() -> {});
            assertThat(t.isDone()).as("expired one nanosecond early").isFalse();
            assertThat(inner.isCancelled()).isFalse();

            clock.advance(Duration.ofNanos(1));
            loop.callSoonThreadsafe(() -> {});
            await().atMost(Duration.ofSeconds(5)).until(t::isDone);
            assertThatThrownBy(t::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void timeout_expires_innerIsCancelledBeforeTimeoutIsReported() {
        EventLoop loop = EventLoop.create();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> inner = new CompletableFuture<>();
        inner.whenComplete((v, e) -> events.add(e instanceof CancellationException ? "inner cancelled" : "inner?"));

        loop.runUntilComplete(l -> {
            LoopFuture<String> t = l.timeout(inner, Duration.ofMillis(5));
            // a plain CompletableFuture (anyOf of two) observes t inline, at the very moment it completes;
            // t's own callbacks would run later, on the loop, when the order can no longer be seen
            CompletableFuture.anyOf(t, new CompletableFuture<>()).whenComplete((v, e) -> events.add(
                    (e instanceof CompletionException && e.getCause() instanceof TimeoutException ? "timeout reported"
                            : "other: " + e) + (inner.isCancelled() ? " after inner cancelled" : " first")));
            return t.handle((v, e) -> null);
        });

        assertThat(events).containsExactly("inner cancelled", "timeout reported after inner cancelled");
        loop.close();
    }

    @Test
    void timeout_expiresOnTask_cancelsTheTask() {
        EventLoop loop = EventLoop.create();

        Task<Void> task = loop.runUntilComplete(l -> {
            Task<Void> slow = l.createTask("slow", in -> in.sleep(Duration.ofHours(1)));
            return l.timeout(slow, Duration.ofMillis(5)).handle((v, e) -> slow);
        });

        assertThat(task.isCancelled()).isTrue();
        assertThat(Internals.pendingTimers(loop)).isZero();
        loop.close();
    }

    @Test
    void timeout_innerCompletesInTime_returnsItsValueAndDropsTheTimer() {
        EventLoop loop = EventLoop.create();

        Object[] result = loop.runUntilComplete(l -> l.timeout(l.sleep(Duration.ofMillis(1)).thenApply(x -> "fast"),
                Duration.ofHours(1)).thenApply(v -> new Object[] {v, Internals.pendingTimers(l)}));

        assertThat(result).containsExactly("fast", 0);
        loop.close();
    }

    @Test
    void timeout_innerFailsInTime_failsWithTheSameException() {
        EventLoop loop = EventLoop.create();
        IOException boom = new IOException("boom");

        Throwable failure = loop.runUntilComplete(l -> l.timeout(CompletableFuture.failedFuture(boom), MS_100)
                .handle((v, e) -> e));

        assertThat(failure).isSameAs(boom);
        loop.close();
    }

    @Test
    void timeout_resultCancelled_cancelsInnerAndTimer() {
        EventLoop loop = EventLoop.create();
        CompletableFuture<String> inner = new CompletableFuture<>();

        int timersLeft = loop.runUntilComplete(l -> {
            l.timeout(inner, Duration.ofHours(1)).cancel(false);
            return CompletableFuture.completedFuture(Internals.pendingTimers(l));
        });

        assertThat(inner.isCancelled()).isTrue();
        assertThat(timersLeft).isZero();
        loop.close();
    }

    // ------------------------------------------------------------------ shield

    @Test
    void shield_resultCancelled_innerIsNotCancelled() {
        EventLoop loop = EventLoop.create();
        CompletableFuture<String> inner = new CompletableFuture<>();

        LoopFuture<String> shielded = loop.runUntilComplete(l -> {
            LoopFuture<String> s = l.shield(inner);
            s.cancel(true);
            return CompletableFuture.completedFuture(s);
        });

        assertThat(shielded.isCancelled()).isTrue();
        assertThat(inner.isCancelled()).isFalse();
        loop.close();
    }

    @Test
    void shield_innerCompletes_resultMirrorsItsValue() {
        EventLoop loop = EventLoop.create();

        String value = loop.runUntilComplete(l -> l.shield(CompletableFuture.supplyAsync(() -> "v")));

        assertThat(value).isEqualTo("v");
        loop.close();
    }

    // ------------------------------------------------------------------ CompletableFuture-backed stages

    @Test
    void toCompletableFuture_everyStageTheLoopHandsOut_returnsTheStageItself() {
        EventLoop loop = EventLoop.create();

        List<CompletionStage<?>> stages = loop.runUntilComplete(l -> {
            CompletableFuture<String> ext = new CompletableFuture<>();
            LoopFuture<Void> sleep = l.sleep(Duration.ofHours(1));
            List<CompletionStage<?>> all = List.of(
                    sleep,
                    sleep.thenApply(x -> x),
                    l.createFuture(),
                    l.createTask(in -> in.createFuture()),
                    l.await(ext),
                    l.shield(ext),
                    l.timeout(ext, Duration.ofHours(1)),
                    l.gather(List.of(ext)),
                    l.gatherSettled(List.of(ext)),
                    l.runInExecutor(() -> "x"),
                    l.taskGroup(g -> CompletableFuture.completedFuture("g")),
                    new AsyncSemaphore(l, 0).acquire(),
                    new AsyncQueue<String>(l, 1).take(),
                    new AsyncEvent(l).await());
            return CompletableFuture.completedFuture(all);
        });

        assertThat(stages).allSatisfy(s -> assertThat(s.toCompletableFuture()).isSameAs(s));
        loop.close();
    }

    @Test
    void toCompletableFuture_cancel_actsOnTheStageItself() {
        EventLoop loop = EventLoop.create();

        Object[] seen = loop.runUntilComplete(l -> {
            LoopFuture<Void> sleep = l.sleep(Duration.ofHours(1));
            CompletionStage<Void> stage = sleep;
            boolean cancelled = stage.toCompletableFuture().cancel(false);
            return CompletableFuture.completedFuture(new Object[] {cancelled, sleep.isCancelled(),
                    Internals.pendingTimers(l)});
        });

        assertThat(seen).containsExactly(true, true, 0);
        loop.close();
    }

    // ------------------------------------------------------------------ gather

    @Test
    void gather_stagesCompleteOutOfOrder_valuesKeepInputOrder() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();

        List<String> values = loop.runUntilComplete(l -> {
            LoopFuture<List<String>> all = l.gather(List.of(
                    l.sleep(Duration.ofMillis(30)).thenApply(x -> "a"),
                    l.sleep(Duration.ofMillis(10)).thenApply(x -> "b"),
                    CompletableFuture.supplyAsync(() -> "c"),
                    l.sleep(Duration.ofMillis(20)).thenApply(x -> "d")));
            clock.advance(Duration.ofSeconds(1));
            return all;
        });

        assertThat(values).containsExactly("a", "b", "c", "d");
        loop.close();
    }

    @Test
    void gather_oneStageFails_failsWithThatFailureAndCancelsTheRest() {
        EventLoop loop = EventLoop.create();
        IllegalStateException boom = new IllegalStateException("boom");
        CompletableFuture<String> external = new CompletableFuture<>();
        AtomicReference<LoopFuture<Void>> sleep = new AtomicReference<>();

        Throwable failure = loop.runUntilComplete(l -> {
            LoopFuture<String> failing = l.createFuture();
            sleep.set(l.sleep(Duration.ofHours(1)));
            LoopFuture<List<Object>> all = l.gather(List.of(sleep.get(), failing, external));
            l.callSoon(() -> failing.completeExceptionally(boom));
            return all.handle((v, e) -> e);
        });

        assertThat(failure).isSameAs(boom);
        assertThat(sleep.get().isCancelled()).isTrue();
        assertThat(external.isCancelled()).isTrue();
        assertThat(Internals.pendingTimers(loop)).isZero();
        loop.close();
    }

    @Test
    void gather_twoStagesFail_failsWithTheFirstFailure() {
        EventLoop loop = EventLoop.create();
        IOException first = new IOException("first");
        IOException second = new IOException("second");

        Throwable failure = loop.runUntilComplete(l -> {
            LoopFuture<String> a = l.createFuture();
            LoopFuture<String> b = l.createFuture();
            LoopFuture<List<String>> all = l.gather(List.of(a, b));
            l.callSoon(() -> b.completeExceptionally(first));
            l.callSoon(() -> l.callSoon(() -> a.completeExceptionally(second)));
            return all.handle((v, e) -> e);
        });

        assertThat(failure).isSameAs(first);
        loop.close();
    }

    @Test
    void gather_emptyList_completesWithEmptyList() {
        EventLoop loop = EventLoop.create();

        List<Object> values = loop.runUntilComplete(l -> l.gather(List.of()));

        assertThat(values).isEmpty();
        loop.close();
    }

    @Test
    void gather_resultCancelled_cancelsEveryInput() {
        EventLoop loop = EventLoop.create();
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();

        loop.runUntilComplete(l -> {
            l.gather(List.of(a, b)).cancel(false);
            return CompletableFuture.completedFuture(null);
        });

        assertThat(a.isCancelled()).isTrue();
        assertThat(b.isCancelled()).isTrue();
        loop.close();
    }

    // ------------------------------------------------------------------ gatherSettled

    @Test
    void gatherSettled_mixedOutcomes_returnsEveryOutcomeInOrder() {
        EventLoop loop = EventLoop.create();
        IOException boom = new IOException("boom");

        List<Outcome<String>> outcomes = loop.runUntilComplete(l -> {
            LoopFuture<String> cancelled = l.createFuture();
            LoopFuture<List<Outcome<String>>> all = l.gatherSettled(List.of(
                    l.sleep(Duration.ofMillis(5)).thenApply(x -> "late"),
                    CompletableFuture.<String>failedFuture(boom),
                    cancelled,
                    CompletableFuture.completedFuture("early")));
            l.callSoon(() -> cancelled.cancel(false));
            return all;
        });

        assertThat(outcomes).hasSize(4);
        assertThat(outcomes.get(0)).isEqualTo(new Outcome.Success<>("late"));
        assertThat(outcomes.get(1)).isEqualTo(new Outcome.Failure<>(boom));
        assertThat(outcomes.get(2).isCancelled()).isTrue();
        assertThat(outcomes.get(3)).isEqualTo(new Outcome.Success<>("early"));
        loop.close();
    }

    @Test
    void gatherSettled_oneStageFails_othersAreNotCancelled() {
        EventLoop loop = EventLoop.create();
        CompletableFuture<String> slow = new CompletableFuture<>();

        List<Outcome<String>> outcomes = loop.runUntilComplete(l -> {
            LoopFuture<List<Outcome<String>>> all = l.gatherSettled(List.of(
                    CompletableFuture.failedFuture(new IllegalStateException("boom")), slow));
            l.callLater(Duration.ofMillis(5), () -> slow.complete("finished"));
            return all;
        });

        assertThat(slow.isCancelled()).isFalse();
        assertThat(outcomes.get(1).getOrThrow()).isEqualTo("finished");
        loop.close();
    }

    @Test
    void gatherSettled_emptyList_completesWithEmptyList() {
        EventLoop loop = EventLoop.create();

        List<Outcome<Object>> outcomes = loop.runUntilComplete(l -> l.gatherSettled(List.of()));

        assertThat(outcomes).isEmpty();
        loop.close();
    }

    // ------------------------------------------------------------------ runInExecutor

    @Test
    void runInExecutor_work_runsOffTheLoopAndResumesOnTheLoop() {
        EventLoop loop = EventLoop.create();
        Thread caller = Thread.currentThread();

        Thread[] threads = loop.runUntilComplete(l -> l.runInExecutor(Thread::currentThread)
                .thenApply(worker -> new Thread[] {worker, Thread.currentThread()}));

        assertThat(threads[0]).isNotSameAs(caller);
        assertThat(threads[0].getName()).startsWith("loopbridge-blocking-");
        assertThat(threads[0].isDaemon()).isTrue();
        assertThat(threads[1]).isSameAs(caller);
        loop.close();
    }

    @Test
    void runInExecutor_loopKeepsRunningWhileWorkBlocks() {
        EventLoop loop = EventLoop.create();
        CountDownLatch release = new CountDownLatch(1);

        String value = loop.runUntilComplete(l -> {
            LoopFuture<String> blocking = l.runInExecutor(() -> {
                release.await(5, TimeUnit.SECONDS);
                return "unblocked";
            });
            l.callLater(Duration.ofMillis(1), release::countDown); // only runs if the loop is free
            return blocking;
        });

        assertThat(value).isEqualTo("unblocked");
        loop.close();
    }

    @Test
    void runInExecutor_customExecutor_runsWorkOnIt() throws Exception {
        EventLoop loop = EventLoop.create();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "custom-worker"));
        try {
            String worker = loop.runUntilComplete(l -> l.runInExecutor(executor, () -> Thread.currentThread().getName()));

            assertThat(worker).isEqualTo("custom-worker");
        } finally {
            executor.shutdownNow();
            loop.close();
        }
    }

    @Test
    void runInExecutor_workThrowsCheckedException_failsWithThatException() {
        EventLoop loop = EventLoop.create();
        IOException boom = new IOException("boom");

        Throwable failure = loop.runUntilComplete(l -> l.runInExecutor(() -> {
            throw boom;
        }).handle((v, e) -> e));

        assertThat(failure).isSameAs(boom);
        loop.close();
    }

    @Test
    void runInExecutor_cancelled_interruptsTheWork() throws Exception {
        EventLoop loop = EventLoop.create();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        try (LoopThread lt = LoopThread.start(loop)) {
            LoopFuture<String> work = lt.call(() -> loop.runInExecutor(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await(10, TimeUnit.SECONDS);
                    interrupted.complete(false);
                } catch (InterruptedException e) {
                    interrupted.complete(true);
                }
                return "done";
            }));
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

            work.cancel(true);

            assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(work.isCancelled()).isTrue();
            assertThatThrownBy(() -> work.get(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        }
    }
}
