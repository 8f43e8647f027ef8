package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11, item 9: {@code loop.wait(stages, mode[, timeout])} completes with the done and pending
 * stages as asyncio's {@code wait} does (cancelling none, never failing on their account; empty input
 * refused), and {@code loop.asCompleted(stages)} hands the outcomes out in completion order.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WaitTest {
    private static final Duration WITHIN = Duration.ofSeconds(5);

    private final FakeClock clock = new FakeClock();
    private final EventLoop loop = EventLoop.builder().name("wait-loop").clock(clock).build();

    /** Completes {@code f} with {@code value} in a later iteration of the loop (after the wait is set up). */
    private static <T> void completeSoon(EventLoop l, CompletableFuture<T> f, T value) {
        l.callSoon(() -> f.complete(value));
    }

    // ------------------------------------------------------------------ modes

    @Test
    void wait_firstCompleted_endsAtTheFirstCompletionAndCancelsNothing() {
        CompletableFuture<String> slow = new CompletableFuture<>();
        CompletableFuture<String> fast = new CompletableFuture<>();

        WaitResult<CompletableFuture<String>> r = loop.runUntilComplete(l -> {
            completeSoon(l, fast, "fast");
            return l.wait(List.of(slow, fast), WaitMode.FIRST_COMPLETED);
        });

        assertThat(r.done()).containsExactly(fast);
        assertThat(r.pending()).containsExactly(slow);
        assertThat(slow.isDone()).as("pending stage left running").isFalse();
        loop.close();
    }

    @Test
    void wait_firstCompleted_aFailureCountsAsACompletion() {
        CompletableFuture<String> pending = new CompletableFuture<>();

        WaitResult<CompletableFuture<String>> r = loop.runUntilComplete(l ->
                l.wait(List.of(pending, CompletableFuture.<String>failedFuture(new IOException("boom"))),
                        WaitMode.FIRST_COMPLETED));

        assertThat(r.done()).hasSize(1).allSatisfy(s -> assertThat(s.isCompletedExceptionally()).isTrue());
        assertThat(r.pending()).containsExactly(pending);
        loop.close();
    }

    @Test
    void wait_firstException_ignoresSuccessesAndEndsAtTheFirstFailure() {
        CompletableFuture<String> ok = new CompletableFuture<>();
        CompletableFuture<String> bad = new CompletableFuture<>();
        CompletableFuture<String> never = new CompletableFuture<>();
        List<String> order = new ArrayList<>();

        WaitResult<CompletableFuture<String>> r = loop.runUntilComplete(l -> {
            LoopFuture<WaitResult<CompletableFuture<String>>> w = l.wait(List.of(ok, bad, never), WaitMode.FIRST_EXCEPTION);
            l.callSoon(() -> {
                ok.complete("ok");
                l.callSoon(() -> {
                    order.add(w.isDone() ? "ended at a success" : "still waiting after a success");
                    bad.completeExceptionally(new IOException("bad"));
                });
            });
            return w;
        });

        assertThat(order).containsExactly("still waiting after a success");
        assertThat(r.done()).containsExactly(ok, bad);
        assertThat(r.pending()).containsExactly(never);
        loop.close();
    }

    @Test
    void wait_firstException_cancellationIsNotAFailure() {
        CompletableFuture<String> cancelled = new CompletableFuture<>();
        CompletableFuture<String> later = new CompletableFuture<>();

        WaitResult<CompletableFuture<String>> r = loop.runUntilComplete(l -> {
            l.callSoon(() -> {
                cancelled.cancel(false);
                l.callSoon(() -> later.complete("later"));
            });
            return l.wait(List.of(cancelled, later), WaitMode.FIRST_EXCEPTION);
        });

        assertThat(r.done()).as("ended only when every stage had completed").containsExactly(cancelled, later);
        assertThat(r.pending()).isEmpty();
        loop.close();
    }

    @Test
    void wait_allCompleted_endsWhenEveryStageHasIncludingFailures() {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();

        WaitResult<CompletableFuture<String>> r = loop.runUntilComplete(l -> {
            l.callSoon(() -> {
                a.completeExceptionally(new IOException("a"));
                l.callSoon(() -> b.complete("b"));
            });
            return l.wait(List.of(a, b), WaitMode.ALL_COMPLETED);
        });

        assertThat(r.done()).containsExactly(a, b);
        assertThat(r.pending()).isEmpty();
        loop.close();
    }

    @Test
    void wait_stagesAlreadyDone_endsAtOnce() {
        CompletableFuture<String> done = CompletableFuture.completedFuture("v");
        CompletableFuture<String> pending = new CompletableFuture<>();

        boolean endedAtOnce = loop.runUntilComplete(l ->
                CompletableFuture.completedFuture(l.wait(List.of(pending, done), WaitMode.FIRST_COMPLETED).isDone()));

        assertThat(endedAtOnce).isTrue();
        loop.close();
    }

    @Test
    void wait_tasks_returnsTheTasksThemselves() {
        WaitResult<Task<String>> r = loop.runUntilComplete(l -> {
            Task<String> quick = l.createTask("quick", in -> CompletableFuture.completedFuture("q"));
            Task<String> stuck = l.createTask("stuck", in -> in.createFuture());
            return l.wait(List.of(stuck, quick), WaitMode.FIRST_COMPLETED);
        });

        assertThat(r.done()).extracting(Task::name).containsExactly("quick");
        assertThat(r.done().iterator().next().resultNow()).isEqualTo("q");
        assertThat(r.pending()).extracting(Task::name).containsExactly("stuck");
        loop.close();
    }

    @Test
    void wait_duplicates_countOnceInInputOrder() {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();

        WaitResult<CompletableFuture<String>> r = loop.runUntilComplete(l -> {
            completeSoon(l, a, "a");
            completeSoon(l, b, "b");
            return l.wait(List.of(b, a, b, a), WaitMode.ALL_COMPLETED);
        });

        assertThat(r.done()).containsExactly(b, a);
        loop.close();
    }

    @Test
    void wait_stagesCompletedOnOtherThreads_endsOnTheLoopThread() {
        Thread loopThread = Thread.currentThread(); // runUntilComplete runs the loop here

        Object[] seen = loop.runUntilComplete(l -> {
            CompletableFuture<String> external = CompletableFuture.supplyAsync(() -> "elsewhere");
            return l.wait(List.of(external), WaitMode.ALL_COMPLETED)
                    .thenApply(r -> new Object[] {r.done().size(), Thread.currentThread()});
        });

        assertThat(seen).containsExactly(1, loopThread);
        loop.close();
    }

    @Test
    void wait_resultCancelled_cancelsNoneOfTheStages() {
        CompletableFuture<String> stage = new CompletableFuture<>();

        loop.runUntilComplete(l -> {
            l.wait(List.of(stage), WaitMode.ALL_COMPLETED, Duration.ofHours(1)).cancel(false);
            return CompletableFuture.completedFuture(null);
        });

        assertThat(stage.isCancelled()).isFalse();
        loop.close();
    }

    @Test
    void wait_emptyInput_throwsIllegalArgumentSayingWhy() {
        assertThatThrownBy(() -> loop.wait(List.<CompletionStage<?>>of(), WaitMode.ALL_COMPLETED))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stages: [] (expected at least one stage)");
        loop.close();
    }

    // ------------------------------------------------------------------ timeout

    @Test
    void wait_timeout_endsWithTheSplitSoFarCancellingNothing() throws Exception {
        try (LoopThread lt = LoopThread.start(loop)) {
            CompletableFuture<String> done = new CompletableFuture<>();
            CompletableFuture<String> pending = new CompletableFuture<>();
            LoopFuture<WaitResult<CompletableFuture<String>>> w = lt.call(() -> loop.wait(List.of(done, pending),
                    WaitMode.ALL_COMPLETED, Duration.ofMillis(100)));
            done.complete("d");

            lt.run(() -> clock.advance(Duration.ofMillis(99)));
            lt.run(() -> {});
            assertThat(w.isDone()).as("ended before its timeout").isFalse();
            lt.run(() -> clock.advance(Duration.ofMillis(1)));

            assertThat(w).succeedsWithin(WITHIN).satisfies(r -> {
                assertThat(r.done()).containsExactly(done);
                assertThat(r.pending()).containsExactly(pending);
            });
            assertThat(pending.isDone()).isFalse();
        }
    }

    @Test
    void wait_spentTimeout_endsInTheNextIterationWithTheStagesDoneSoFar() {
        CompletableFuture<String> done = CompletableFuture.completedFuture("d");
        CompletableFuture<String> pending = new CompletableFuture<>();

        WaitResult<CompletableFuture<String>> r = loop.runUntilComplete(l ->
                l.wait(List.of(done, pending), WaitMode.ALL_COMPLETED, Duration.ofSeconds(-1)));

        assertThat(r.done()).containsExactly(done);
        assertThat(r.pending()).containsExactly(pending);
        loop.close();
    }

    @Test
    void wait_endsBeforeItsTimeout_dropsTheTimer() {
        int timers = loop.runUntilComplete(l -> l.wait(List.of(CompletableFuture.completedFuture(1)),
                WaitMode.ALL_COMPLETED, Duration.ofHours(1)).thenApply(r -> Internals.pendingTimers(l)));

        assertThat(timers).isZero();
        loop.close();
    }

    // ------------------------------------------------------------------ asCompleted

    @Test
    void asCompleted_yieldsOutcomesInCompletionOrder() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        CompletableFuture<String> third = new CompletableFuture<>();
        IOException boom = new IOException("boom");

        List<Outcome<String>> outcomes = loop.runUntilComplete(l -> {
            l.callSoon(() -> {
                second.complete("second");
                l.callSoon(() -> {
                    third.completeExceptionally(boom);
                    l.callSoon(() -> first.complete("first"));
                });
            });
            List<LoopFuture<String>> slots = l.asCompleted(List.of(first, second, third));
            return l.gatherSettled(slots);
        });

        assertThat(outcomes).containsExactly(new Outcome.Success<>("second"), new Outcome.Failure<>(boom),
                new Outcome.Success<>("first"));
        loop.close();
    }

    @Test
    void asCompleted_hedged_firstSlotIsTheFastestAndTheRestRunOn() {
        CompletableFuture<String> primary = new CompletableFuture<>();
        CompletableFuture<String> backup = new CompletableFuture<>();

        String winner = loop.runUntilComplete(l -> {
            completeSoon(l, backup, "backup");
            return l.asCompleted(List.of(primary, backup)).get(0);
        });

        assertThat(winner).isEqualTo("backup");
        assertThat(primary.isDone()).as("the slower request is not cancelled for the caller").isFalse();
        loop.close();
    }

    @Test
    void asCompleted_slotCancelled_itsOutcomeGoesToTheNextSlotAndNoStageIsCancelled() {
        CompletableFuture<String> a = new CompletableFuture<>();

        Object[] seen = loop.runUntilComplete(l -> {
            List<LoopFuture<String>> slots = l.asCompleted(List.of(a, new CompletableFuture<String>()));
            slots.get(0).cancel(false);
            completeSoon(l, a, "a");
            return slots.get(1).thenApply(v -> new Object[] {v, a.isCancelled()});
        });

        assertThat(seen).containsExactly("a", false);
        loop.close();
    }

    @Test
    void asCompleted_completionsOnOtherThreads_allArrive() throws Exception {
        try (LoopThread lt = LoopThread.start(loop)) {
            List<CompletableFuture<Integer>> inputs = List.of(new CompletableFuture<>(), new CompletableFuture<>(),
                    new CompletableFuture<>());
            List<LoopFuture<Integer>> slots = lt.call(() -> loop.asCompleted(inputs));

            for (int i = 0; i < inputs.size(); i++) {
                int value = i;
                CompletableFuture.runAsync(() -> inputs.get(value).complete(value));
            }

            await().atMost(WITHIN).until(() -> slots.stream().allMatch(CompletableFuture::isDone));
            assertThat(slots).extracting(CompletableFuture::join).containsExactlyInAnyOrder(0, 1, 2);
        }
    }

    @Test
    void asCompleted_emptyInput_returnsNoSlots() {
        assertThat(loop.asCompleted(List.<CompletionStage<String>>of())).isEmpty();
        loop.close();
    }

    @Test
    void waitAndAsCompleted_toCompletableFuture_returnsTheStageItself() {
        List<CompletionStage<?>> stages = loop.runUntilComplete(l -> {
            CompletableFuture<String> ext = new CompletableFuture<>();
            List<CompletionStage<?>> all = new ArrayList<>();
            all.add(l.wait(List.of(ext), WaitMode.FIRST_COMPLETED));
            all.add(l.wait(List.of(ext), WaitMode.FIRST_COMPLETED, Duration.ofHours(1)));
            all.addAll(l.asCompleted(List.of(ext)));
            all.add(l.timeoutAt(ext, l.time() + 1_000_000));
            all.add(l.timeoutScope(Duration.ofHours(1)).run(in -> ext));
            return CompletableFuture.completedFuture(all);
        });

        assertThat(stages).hasSize(5).allSatisfy(s -> assertThat(s.toCompletableFuture()).isSameAs(s));
        loop.close();
    }
}
