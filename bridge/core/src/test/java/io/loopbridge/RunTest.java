package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Loop: runUntilComplete (value, exception rules, running/closed refusals), runForever
 * until stop() from any thread, close() idempotent and refused while running, scheduling after close
 * rejected.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunTest {

    // ------------------------------------------------------------------ runUntilComplete: value and thread

    @Test
    void runUntilComplete_body_runsOnCallingThread() {
        EventLoop loop = EventLoop.create();
        Thread caller = Thread.currentThread();

        Thread bodyThread = loop.runUntilComplete(l -> CompletableFuture.completedFuture(Thread.currentThread()));

        assertThat(bodyThread).isSameAs(caller);
        loop.close();
    }

    @Test
    void runUntilComplete_stageCompletesLater_returnsItsValue() {
        EventLoop loop = EventLoop.create();

        String value = loop.runUntilComplete(l -> l.sleep(Duration.ofMillis(5))
                .thenCompose(x -> l.sleep(Duration.ofMillis(5)))
                .thenApply(x -> "done"));

        assertThat(value).isEqualTo("done");
        loop.close();
    }

    @Test
    void runUntilComplete_stageCompletedByAnotherThread_returnsItsValue() {
        EventLoop loop = EventLoop.create();

        Integer value = loop.runUntilComplete(l -> CompletableFuture.supplyAsync(() -> 42));

        assertThat(value).isEqualTo(42);
        loop.close();
    }

    @Test
    void runUntilComplete_calledAgainAfterReturning_runsTheLoopAgain() {
        EventLoop loop = EventLoop.create();

        int first = loop.runUntilComplete(l -> CompletableFuture.completedFuture(1));
        int second = loop.runUntilComplete(l -> l.sleep(Duration.ofMillis(1)).thenApply(x -> 2));

        assertThat(first + second).isEqualTo(3);
        assertThat(loop.isRunning()).isFalse();
        loop.close();
    }

    @Test
    void runUntilComplete_whileRunning_reportsRunningAndLoopThread() {
        EventLoop loop = EventLoop.create();

        boolean[] seen = loop.runUntilComplete(l -> CompletableFuture.completedFuture(
                new boolean[] {l.isRunning(), l.inLoopThread()}));

        assertThat(seen).containsExactly(true, true);
        assertThat(loop.isRunning()).isFalse();
        assertThat(loop.inLoopThread()).isFalse();
        loop.close();
    }

    // ------------------------------------------------------------------ runUntilComplete: failures

    @Test
    void runUntilComplete_stageFailsWithRuntimeException_throwsSameInstance() {
        EventLoop loop = EventLoop.create();
        IllegalStateException boom = new IllegalStateException("boom");

        Throwable thrown = catchThrowable(() -> loop.runUntilComplete(l -> CompletableFuture.failedFuture(boom)));

        assertThat(thrown).isSameAs(boom);
        loop.close();
    }

    @Test
    void runUntilComplete_bodyThrowsRuntimeException_throwsSameInstance() {
        EventLoop loop = EventLoop.create();
        IllegalArgumentException boom = new IllegalArgumentException("boom");

        Throwable thrown = catchThrowable(() -> loop.runUntilComplete(l -> {
            throw boom;
        }));

        assertThat(thrown).isSameAs(boom);
        loop.close();
    }

    @Test
    void runUntilComplete_stageFailsWithError_throwsSameInstance() {
        EventLoop loop = EventLoop.create();
        AssertionError boom = new AssertionError("boom");

        Throwable thrown = catchThrowable(() -> loop.runUntilComplete(l -> CompletableFuture.failedFuture(boom)));

        assertThat(thrown).isSameAs(boom);
        loop.close();
    }

    @Test
    void runUntilComplete_stageFailsWithCheckedException_wrapsItInAsyncExecutionException() {
        EventLoop loop = EventLoop.create();
        IOException boom = new IOException("boom");

        Throwable thrown = catchThrowable(() -> loop.runUntilComplete(l -> l.sleep(Duration.ofMillis(1))
                .thenCompose(x -> CompletableFuture.failedFuture(boom))));

        assertThat(thrown).isExactlyInstanceOf(AsyncExecutionException.class).hasCauseReference(boom);
        loop.close();
    }

    @Test
    void runUntilComplete_bodyThrowsCheckedException_wrapsItInAsyncExecutionException() {
        EventLoop loop = EventLoop.create();
        Exception boom = new Exception("boom");

        Throwable thrown = catchThrowable(() -> loop.runUntilComplete(l -> {
            throw boom;
        }));

        assertThat(thrown).isExactlyInstanceOf(AsyncExecutionException.class).hasCauseReference(boom);
        loop.close();
    }

    @Test
    void runUntilComplete_completionExceptionAroundRuntimeException_throwsTheRuntimeException() {
        EventLoop loop = EventLoop.create();
        IllegalStateException boom = new IllegalStateException("boom");

        Throwable thrown = catchThrowable(() -> loop.runUntilComplete(
                l -> CompletableFuture.failedFuture(new CompletionException(boom))));

        assertThat(thrown).isSameAs(boom);
        loop.close();
    }

    @Test
    void runUntilComplete_executionExceptionAroundRuntimeException_throwsTheRuntimeException() {
        EventLoop loop = EventLoop.create();
        IllegalStateException boom = new IllegalStateException("boom");

        Throwable thrown = catchThrowable(() -> loop.runUntilComplete(
                l -> CompletableFuture.failedFuture(new ExecutionException(boom))));

        assertThat(thrown).isSameAs(boom);
        loop.close();
    }

    @Test
    void runUntilComplete_nestedWrappersAroundCheckedException_wrapsOnlyTheCheckedException() {
        EventLoop loop = EventLoop.create();
        IOException boom = new IOException("boom");

        Throwable thrown = catchThrowable(() -> loop.runUntilComplete(l -> CompletableFuture.failedFuture(
                new CompletionException(new ExecutionException(boom)))));

        assertThat(thrown).isExactlyInstanceOf(AsyncExecutionException.class).hasCauseReference(boom);
        loop.close();
    }

    @Test
    void runUntilComplete_bodyReturnsNull_throwsNullPointerExceptionSayingSo() {
        EventLoop loop = EventLoop.create();

        assertThatThrownBy(() -> loop.runUntilComplete(l -> null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("returned null instead of a stage");
        loop.close();
    }

    // ------------------------------------------------------------------ runUntilComplete: refusals

    @Test
    void runUntilComplete_fromCallbackOfSameLoop_throwsAlreadyRunning() {
        EventLoop loop = EventLoop.create();

        Throwable refused = loop.runUntilComplete(l -> CompletableFuture.completedFuture(
                catchThrowable(() -> l.runUntilComplete(inner -> CompletableFuture.completedFuture(1)))));

        assertThat(refused).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("event loop is already running");
        loop.close();
    }

    @Test
    void runUntilComplete_whileLoopRunsOnAnotherThread_throwsAlreadyRunning() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            await().atMost(Duration.ofSeconds(5)).until(loop::isRunning);

            assertThatThrownBy(() -> loop.runUntilComplete(l -> CompletableFuture.completedFuture(1)))
                    .isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("event loop is already running")
                    .hasMessageContaining(loop.name());
        }
    }

    @Test
    void runUntilComplete_onClosedLoop_throwsClosed() {
        EventLoop loop = EventLoop.create();
        loop.close();

        assertThatThrownBy(() -> loop.runUntilComplete(l -> CompletableFuture.completedFuture(1)))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("event loop is closed")
                .hasMessageContaining(loop.name());
    }

    @Test
    void runUntilComplete_stopBeforeBodyCompletes_throwsAndLeavesTheBodyPending() {
        EventLoop loop = EventLoop.create();
        AtomicReference<LoopFuture<Void>> pending = new AtomicReference<>();

        assertThatThrownBy(() -> loop.runUntilComplete(l -> {
            pending.set(l.createFuture());
            l.callSoon(l::stop);
            return pending.get();
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped before the body completed");

        assertThat(pending.get()).as("the stage the body returned").isNotDone();
        loop.close();
    }

    @Test
    void runUntilComplete_stopped_taskTheBodyAwaitedResumesOnTheNextRun() {
        EventLoop loop = EventLoop.create();
        CompletableFuture<String> gate = new CompletableFuture<>();
        AtomicReference<Task<String>> awaited = new AtomicReference<>();

        assertThatThrownBy(() -> loop.runUntilComplete(l -> {
            awaited.set(l.createTask("awaited", l2 -> l2.await(gate).thenApply(v -> v + "!")));
            l.callSoon(l::stop);
            return awaited.get().thenApply(v -> "body saw " + v);
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped before the body completed");
        assertThat(awaited.get()).as("the task the body awaited, after stop()").isNotDone();

        String next = loop.runUntilComplete(l -> {
            gate.complete("resumed");
            return awaited.get();
        });

        assertThat(next).isEqualTo("resumed!");
        loop.close();
    }

    @Test
    void runUntilComplete_stopped_closeCancelsTheTaskTheBodyAwaited() {
        EventLoop loop = EventLoop.create();
        AtomicReference<Task<Void>> awaited = new AtomicReference<>();
        assertThatThrownBy(() -> loop.runUntilComplete(l -> {
            awaited.set(l.createTask("awaited", l2 -> l2.createFuture()));
            l.callSoon(l::stop);
            return awaited.get();
        })).isInstanceOf(IllegalStateException.class);

        loop.close();

        assertThat(awaited.get().isCancelled()).isTrue();
    }

    @Test
    void runUntilComplete_callerInterruptedWhileWaiting_cancelsBodyAndKeepsInterruptStatus() throws Exception {
        EventLoop loop = EventLoop.create();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
        AtomicReference<CompletableFuture<Void>> external = new AtomicReference<>(new CompletableFuture<>());
        Thread caller = new Thread(() -> {
            thrown.complete(catchThrowable(() -> loop.runUntilComplete(l -> l.await(external.get()))));
            interruptKept.complete(Thread.currentThread().isInterrupted());
        });
        caller.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> caller.getState() == Thread.State.WAITING);

        caller.interrupt();

        assertThat(thrown.get(5, TimeUnit.SECONDS)).isInstanceOf(AsyncExecutionException.class)
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(interruptKept.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(external.get().isCancelled()).as("what the body awaited was cancelled").isTrue();
        loop.close();
    }

    // ------------------------------------------------------------------ runForever and stop

    @Test
    void runForever_stopFromAnotherThread_returns() throws Exception {
        EventLoop loop = EventLoop.create();
        LoopThread lt = LoopThread.start(loop);
        await().atMost(Duration.ofSeconds(5)).until(loop::isRunning);

        loop.stop();

        lt.ended().get(5, TimeUnit.SECONDS);
        assertThat(loop.isRunning()).isFalse();
        loop.close();
    }

    @Test
    void runForever_stopFromCallback_returnsAfterThatIteration() {
        EventLoop loop = EventLoop.create();
        StringBuilder ran = new StringBuilder();
        loop.callSoon(() -> ran.append("a"));
        loop.callSoon(loop::stop);
        loop.callSoon(() -> ran.append("b")); // same iteration as stop(): still runs
        loop.callSoon(() -> loop.callSoon(() -> ran.append("never")));

        loop.runForever();

        assertThat(ran).hasToString("ab");
        assertThat(loop.isRunning()).isFalse();
        loop.close();
    }

    @Test
    void runForever_stoppedLoop_canRunAgain() {
        EventLoop loop = EventLoop.create();
        loop.callSoon(loop::stop);
        loop.runForever();

        int value = loop.runUntilComplete(l -> CompletableFuture.completedFuture(7));

        assertThat(value).isEqualTo(7);
        loop.close();
    }

    @Test
    void runForever_whileRunningOnAnotherThread_throwsAlreadyRunning() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            await().atMost(Duration.ofSeconds(5)).until(loop::isRunning);

            assertThatThrownBy(loop::runForever).isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("event loop is already running");
        }
    }

    @Test
    void runForever_onClosedLoop_throwsClosed() {
        EventLoop loop = EventLoop.create();
        loop.close();

        assertThatThrownBy(loop::runForever).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("event loop is closed");
    }

    // ------------------------------------------------------------------ close

    @Test
    void close_calledTwice_isIdempotent() {
        EventLoop loop = EventLoop.create();

        loop.close();
        loop.close();

        assertThat(loop.isClosed()).isTrue();
    }

    @Test
    void close_whileRunningOnAnotherThread_isRefused() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            await().atMost(Duration.ofSeconds(5)).until(loop::isRunning);

            assertThatThrownBy(loop::close).isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(loop.name()).hasMessageContaining("running");
            assertThat(loop.isClosed()).isFalse();
            assertThat(lt.call(() -> "still alive")).isEqualTo("still alive");
        }
    }

    @Test
    void close_fromCallbackOfTheLoop_isRefused() {
        EventLoop loop = EventLoop.create();

        Throwable refused = loop.runUntilComplete(l -> CompletableFuture.completedFuture(catchThrowable(l::close)));

        assertThat(refused).isExactlyInstanceOf(IllegalStateException.class).hasMessageContaining("running");
        assertThat(loop.isClosed()).isFalse();
        loop.close();
    }

    @Test
    void close_pendingTask_isCancelled() {
        EventLoop loop = EventLoop.create();
        Task<Void> task = loop.runUntilComplete(l -> CompletableFuture.completedFuture(
                l.createTask("left-over", inner -> inner.createFuture())));

        loop.close();

        assertThat(task.isCancelled()).isTrue();
    }

    @Test
    void close_taskCreatedFromAnotherThreadNotYetStarted_isCancelled() throws Exception {
        EventLoop loop = EventLoop.create();
        CompletableFuture<Task<String>> created = CompletableFuture.supplyAsync(
                () -> loop.createTask("never-started", l -> CompletableFuture.completedFuture("x")));
        Task<String> task = created.get(5, TimeUnit.SECONDS);

        loop.close();

        assertThat(task.isCancelled()).as("a task the loop will never run must not stay pending forever").isTrue();
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void close_pendingTimers_areDropped() {
        EventLoop loop = EventLoop.create();
        loop.runUntilComplete(l -> {
            l.callLater(Duration.ofHours(1), () -> {});
            return CompletableFuture.completedFuture(null);
        });

        loop.close();

        assertThat(Internals.pendingTimers(loop)).isZero();
    }
}
