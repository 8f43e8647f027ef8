package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Loop: tasks; task.cancel() completes the task with CancellationException and cancels what
 * it awaits; shield(stage) stops that propagation.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskTest {

    // ------------------------------------------------------------------ running

    @Test
    void createTask_body_startsInALaterIterationNotInline() {
        EventLoop loop = EventLoop.create();
        AtomicBoolean startedInline = new AtomicBoolean(true);

        loop.runUntilComplete(l -> {
            AtomicBoolean started = new AtomicBoolean();
            Task<Void> t = l.createTask(inner -> {
                started.set(true);
                return CompletableFuture.completedFuture(null);
            });
            startedInline.set(started.get());
            return t;
        });

        assertThat(startedInline).isFalse();
        loop.close();
    }

    @Test
    void createTask_bodyStageCompletes_taskCompletesWithItsValue() {
        EventLoop loop = EventLoop.create();

        String value = loop.runUntilComplete(l -> l.createTask(inner -> inner.sleep(Duration.ofMillis(2))
                .thenApply(x -> "slept")));

        assertThat(value).isEqualTo("slept");
        loop.close();
    }

    @Test
    void createTask_bodyThrows_taskFailsWithThatException() {
        EventLoop loop = EventLoop.create();
        IllegalStateException boom = new IllegalStateException("boom");

        Throwable failure = loop.runUntilComplete(l -> {
            Task<Object> t = l.createTask(inner -> {
                throw boom;
            });
            return t.handle((v, e) -> e);
        });

        assertThat(failure).isSameAs(boom);
        loop.close();
    }

    @Test
    void createTask_named_keepsNameAndUnnamedGetsAGeneratedOne() {
        EventLoop loop = EventLoop.create();

        Task<Void> named = loop.createTask("fetch-user", l -> CompletableFuture.completedFuture(null));
        Task<Void> unnamed = loop.createTask(l -> CompletableFuture.completedFuture(null));

        assertThat(named.name()).isEqualTo("fetch-user");
        assertThat(unnamed.name()).isNotBlank().isNotEqualTo("fetch-user");
        loop.close();
    }

    @Test
    void createTask_fromAnotherThread_runsOnTheLoop() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            Task<Thread> task = CompletableFuture.supplyAsync(() -> loop.createTask(
                    l -> CompletableFuture.completedFuture(Thread.currentThread()))).get(5, TimeUnit.SECONDS);

            assertThat(task.get(5, TimeUnit.SECONDS)).isSameAs(lt.thread);
        }
    }

    @Test
    void complete_onTask_isUnsupported() {
        EventLoop loop = EventLoop.create();
        Task<String> task = loop.createTask("t", l -> l.createFuture());

        assertThatThrownBy(() -> task.complete("x")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("'t'");
        loop.close();
    }

    // ------------------------------------------------------------------ cancel

    @Test
    void cancel_pendingTask_completesItWithCancellationException() {
        EventLoop loop = EventLoop.create();

        Task<Void> task = loop.runUntilComplete(l -> {
            Task<Void> t = l.createTask(inner -> inner.sleep(Duration.ofHours(1)));
            return l.sleep(Duration.ofMillis(1)).thenApply(x -> {
                assertThat(t.cancel(false)).isTrue();
                return t;
            });
        });

        assertThat(task.isCancelled()).isTrue();
        assertThat(task.isDone()).isTrue();
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class);
        loop.close();
    }

    @Test
    void cancel_taskAwaitingSleep_cancelsTheSleepAndRemovesItsTimer() {
        EventLoop loop = EventLoop.create();
        AtomicReference<LoopFuture<Void>> sleep = new AtomicReference<>();

        int timersLeft = loop.runUntilComplete(l -> {
            Task<Void> t = l.createTask(inner -> {
                sleep.set(inner.sleep(Duration.ofHours(1)));
                return sleep.get();
            });
            return l.sleep(Duration.ofMillis(1)).thenApply(x -> {
                t.cancel(false);
                return Internals.pendingTimers(l);
            });
        });

        assertThat(sleep.get().isCancelled()).isTrue();
        assertThat(timersLeft).isZero();
        loop.close();
    }

    @Test
    void cancel_taskAwaitingExternalFuture_cancelsTheExternalFuture() {
        EventLoop loop = EventLoop.create();
        CompletableFuture<String> external = new CompletableFuture<>();

        loop.runUntilComplete(l -> {
            Task<String> t = l.createTask(inner -> inner.await(external));
            return l.sleep(Duration.ofMillis(1)).thenApply(x -> t.cancel(false));
        });

        assertThat(external.isCancelled()).isTrue();
        loop.close();
    }

    @Test
    void cancel_taskAwaitingComposedChain_cancelsThePendingStep() {
        EventLoop loop = EventLoop.create();
        CompletableFuture<String> secondStep = new CompletableFuture<>();
        AtomicReference<LoopFuture<Void>> firstStep = new AtomicReference<>();

        loop.runUntilComplete(l -> {
            Task<String> t = l.createTask(inner -> {
                firstStep.set(inner.sleep(Duration.ofMillis(1)));
                return firstStep.get().thenCompose(x -> secondStep);
            });
            return l.sleep(Duration.ofMillis(20)).thenApply(x -> t.cancel(false));
        });

        assertThat(firstStep.get().isDone()).isTrue();
        assertThat(firstStep.get().isCancelled()).isFalse();
        assertThat(secondStep.isCancelled()).as("the step pending at cancellation").isTrue();
        loop.close();
    }

    @Test
    void cancel_fromAnotherThread_completesTaskAndCancelsWhatItAwaits() throws Exception {
        EventLoop loop = EventLoop.create();
        CompletableFuture<String> external = new CompletableFuture<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        try (LoopThread lt = LoopThread.start(loop)) {
            Task<String> task = loop.createTask(l -> {
                started.complete(null);
                return l.await(external);
            });
            started.get(5, TimeUnit.SECONDS);

            assertThat(task.cancel(true)).isTrue();

            assertThat(task.isCancelled()).isTrue();
            // the body may not have returned its stage yet when cancel() runs (started fires inside
            // the body): the task then passes the cancellation on, on the loop, as it wires the stage
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(external::isCancelled);
            assertThat(lt.call(() -> loop.allTasks())).doesNotContain(task);
        }
    }

    @Test
    void cancel_taskAwaitingUncancellableStage_completesTaskWithoutThrowing() {
        // A minimal stage refuses cancel() with UnsupportedOperationException; task.cancel() must still work.
        EventLoop loop = EventLoop.create();
        CompletableFuture<String> source = new CompletableFuture<>();

        Object[] outcome = loop.runUntilComplete(l -> {
            Task<String> t = l.createTask(in -> source.minimalCompletionStage());
            return l.sleep(Duration.ofMillis(1)).thenApply(x -> new Object[] {t.cancel(false), t.isCancelled()});
        });

        assertThat(outcome).containsExactly(true, true);
        assertThat(source.isDone()).isFalse();
        loop.close();
    }

    @Test
    void cancel_beforeTaskStarted_bodyNeverRuns() {
        EventLoop loop = EventLoop.create();
        AtomicBoolean bodyRan = new AtomicBoolean();

        Task<Void> task = loop.runUntilComplete(l -> {
            Task<Void> t = l.createTask(inner -> {
                bodyRan.set(true);
                return CompletableFuture.completedFuture(null);
            });
            t.cancel(false);
            return l.sleep(Duration.ofMillis(1)).thenApply(x -> t);
        });

        assertThat(task.isCancelled()).isTrue();
        assertThat(bodyRan).isFalse();
        loop.close();
    }

    @Test
    void cancel_completedTask_returnsFalseAndKeepsValue() {
        EventLoop loop = EventLoop.create();
        Task<String> task = loop.runUntilComplete(l -> {
            Task<String> t = l.createTask(inner -> CompletableFuture.completedFuture("v"));
            return t.thenApply(x -> t);
        });

        assertThat(task.cancel(false)).isFalse();
        assertThat(task.join()).isEqualTo("v");
        loop.close();
    }

    @Test
    void cancel_taskAwaitingShieldedStage_innerIsNotCancelled() {
        EventLoop loop = EventLoop.create();
        CompletableFuture<String> inner = new CompletableFuture<>();

        Task<String> task = loop.runUntilComplete(l -> {
            Task<String> t = l.createTask(in -> in.shield(inner));
            return l.sleep(Duration.ofMillis(1)).thenApply(x -> {
                t.cancel(false);
                return t;
            });
        });

        assertThat(task.isCancelled()).isTrue();
        assertThat(inner.isCancelled()).isFalse();
        assertThat(inner.complete("still wanted")).isTrue();
        loop.close();
    }

    @Test
    void cancel_taskAwaitingShieldedSleep_sleepStillCompletes() {
        EventLoop loop = EventLoop.create();

        LoopFuture<Void> sleep = loop.runUntilComplete(l -> {
            LoopFuture<Void> s = l.sleep(Duration.ofMillis(5));
            Task<Void> t = l.createTask(in -> in.shield(s));
            return l.sleep(Duration.ofMillis(1)).thenCompose(x -> {
                t.cancel(false);
                return s.thenApply(y -> s);
            });
        });

        assertThat(sleep.isDone()).isTrue();
        assertThat(sleep.isCancelled()).isFalse();
        loop.close();
    }

    @Test
    void cancel_task_failureSeenByAwaitersIsCancellationException() {
        EventLoop loop = EventLoop.create();

        Throwable seen = loop.runUntilComplete(l -> {
            Task<Void> t = l.createTask("doomed", inner -> inner.sleep(Duration.ofHours(1)));
            CompletionStage<Throwable> observed = t.handle((v, e) -> e);
            l.callSoon(() -> t.cancel(false));
            return observed;
        });

        assertThat(seen).isInstanceOf(CancellationException.class).hasMessageContaining("doomed");
        loop.close();
    }
}
