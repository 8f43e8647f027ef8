package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Contract, Loop: callbacks of loop futures and tasks run on the loop thread, whichever thread completed them. */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopFutureCallbackTest {

    /** Every way of registering a callback on a stage, each reporting the thread it ran on. */
    private static List<CompletionStage<Thread>> registerAll(LoopFuture<String> f) {
        Function<Object, Thread> here = x -> Thread.currentThread();
        CompletableFuture<Thread> whenComplete = new CompletableFuture<>();
        f.whenComplete((v, e) -> whenComplete.complete(Thread.currentThread()));
        CompletableFuture<Thread> thenAccept = new CompletableFuture<>();
        f.thenAccept(v -> thenAccept.complete(Thread.currentThread()));
        CompletableFuture<Thread> thenRun = new CompletableFuture<>();
        f.thenRun(() -> thenRun.complete(Thread.currentThread()));
        return List.of(
                f.thenApply(here),
                f.thenApplyAsync(here),
                f.handle((v, e) -> Thread.currentThread()),
                f.thenCompose(v -> CompletableFuture.completedFuture(Thread.currentThread())),
                f.thenCombine(CompletableFuture.completedFuture(1), (a, b) -> Thread.currentThread()),
                f.applyToEither(new CompletableFuture<String>(), here),
                whenComplete, thenAccept, thenRun);
    }

    @Test
    void loopFuture_completedFromAnotherThread_everyCallbackRunsOnLoopThread() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            LoopFuture<String> f = loop.createFuture();
            List<CompletionStage<Thread>> threads = lt.call(() -> registerAll(f));

            Thread completer = new Thread(() -> f.complete("v"), "foreign-completer");
            completer.start();

            for (CompletionStage<Thread> t : threads) {
                assertThat(t.toCompletableFuture().get(5, TimeUnit.SECONDS)).isSameAs(lt.thread);
            }
        }
    }

    @Test
    void loopFuture_callbacksRegisteredFromAnotherThread_runOnLoopThread() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            LoopFuture<String> f = loop.createFuture();
            List<CompletionStage<Thread>> threads = registerAll(f); // registered on the test thread

            f.complete("v"); // and completed on it too

            for (CompletionStage<Thread> t : threads) {
                assertThat(t.toCompletableFuture().get(5, TimeUnit.SECONDS)).isSameAs(lt.thread);
            }
        }
    }

    @Test
    void loopFuture_failedFromAnotherThread_exceptionallyRunsOnLoopThread() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            LoopFuture<String> f = loop.createFuture();
            CompletableFuture<Thread> ranOn = new CompletableFuture<>();
            lt.run(() -> f.exceptionally(e -> {
                ranOn.complete(Thread.currentThread());
                return "recovered";
            }));

            CompletableFuture.runAsync(() -> f.completeExceptionally(new IllegalStateException("boom")));

            assertThat(ranOn.get(5, TimeUnit.SECONDS)).isSameAs(lt.thread);
        }
    }

    @Test
    void loopFuture_completedOnLoopThread_callbackRunsInLaterIterationNotInline() {
        EventLoop loop = EventLoop.create();
        AtomicBoolean ranInline = new AtomicBoolean(true);

        boolean ran = loop.runUntilComplete(l -> {
            LoopFuture<String> f = l.createFuture();
            AtomicBoolean callbackRan = new AtomicBoolean();
            CompletionStage<Void> after = f.thenRun(() -> callbackRan.set(true));
            f.complete("v");
            ranInline.set(callbackRan.get());
            return after.thenApply(x -> callbackRan.get());
        });

        assertThat(ranInline).as("callback ran inside complete()").isFalse();
        assertThat(ran).isTrue();
        loop.close();
    }

    @Test
    void task_completedByForeignFuture_callbacksRunOnLoopThread() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            CompletableFuture<String> external = new CompletableFuture<>();
            Task<String> task = loop.createTask(l -> external); // created on the test thread
            CompletableFuture<Thread> ranOn = new CompletableFuture<>();
            task.whenComplete((v, e) -> ranOn.complete(Thread.currentThread()));

            new Thread(() -> external.complete("v"), "foreign-completer").start();

            assertThat(ranOn.get(5, TimeUnit.SECONDS)).isSameAs(lt.thread);
            assertThat(task.get(5, TimeUnit.SECONDS)).isEqualTo("v");
        }
    }

    @Test
    void task_body_runsOnLoopThread() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            Task<Thread> task = loop.createTask(l -> CompletableFuture.completedFuture(Thread.currentThread()));

            assertThat(task.get(5, TimeUnit.SECONDS)).isSameAs(lt.thread);
        }
    }

    @Test
    void loopFuture_derivedStages_areLoopFuturesOfTheSameLoop() {
        EventLoop loop = EventLoop.create();
        LoopFuture<String> f = loop.createFuture();

        List<CompletionStage<?>> derived = List.of(f.thenApply(x -> x), f.thenCompose(CompletableFuture::completedFuture),
                f.whenComplete((v, e) -> {}), f.exceptionally(e -> "x"), f.handle((v, e) -> v));

        assertThat(derived).allSatisfy(d -> assertThat(d).isInstanceOfSatisfying(LoopFuture.class,
                lf -> assertThat(lf.loop()).isSameAs(loop)));
        loop.close();
    }

    /**
     * An async loop written as recursion ({@code sleep(0).thenCompose(v -> next step)}, as the demo's stream
     * does) completes however deep: the innermost stage's completion is relayed to the outer ones one after
     * the other, not nested. Nested, a few thousand steps overflowed the stack; CompletableFuture swallowed the
     * StackOverflowError and the outer stages stayed pending for ever (found through the demo's BadInputFuzzIT).
     */
    @Test
    void thenCompose_recursiveLoopOf100000Steps_completes() {
        int last = LoopManager.run(loop -> steps(loop, 0, 100_000, CompletableFuture.completedFuture(100_000)));

        assertThat(last).isEqualTo(100_000);
    }

    @Test
    void thenCompose_failureAfter100000Steps_reachesTheOutermostStage() {
        IllegalStateException last = new IllegalStateException("the last step failed");

        Throwable thrown = catchThrowable(() -> LoopManager.run(loop -> steps(loop, 0, 100_000,
                CompletableFuture.<Integer>failedFuture(last))));

        assertThat(thrown).isSameAs(last);
    }

    /** Steps {@code i} to {@code n}, one loop iteration each, each composed on the previous; then {@code end}. */
    private static CompletionStage<Integer> steps(EventLoop loop, int i, int n, CompletionStage<Integer> end) {
        if (i == n) {
            return end;
        }
        return loop.sleep(Duration.ZERO).thenCompose(v -> steps(loop, i + 1, n, end));
    }

    @Test
    void sleep_manyCallbacksFromManyThreads_allRunOnLoopThread() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            LoopFuture<Void> sleep = lt.call(() -> loop.sleep(Duration.ofMillis(20)));
            ConcurrentHashMap<Thread, Boolean> seen = new ConcurrentHashMap<>();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                done.add(CompletableFuture.supplyAsync(() -> sleep.thenRun(() -> seen.put(Thread.currentThread(), true)))
                        .thenCompose(s -> s));
            }

            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);

            assertThat(seen.keySet()).containsExactly(lt.thread);
        }
    }
}
