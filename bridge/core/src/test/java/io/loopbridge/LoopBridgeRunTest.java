package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Bridge: {@code run(body)} and {@code submit(body)} in each mode: values, where the body
 * runs, the exception rules of {@code runUntilComplete} (same instance, checked wrapped, wrappers
 * stripped, the caller's stack added when the failure crossed threads); {@code submit} never blocks
 * the caller (in PER_CALL it runs the call on a fresh loop in a worker) and may be called from a
 * loop thread.
 */
class LoopBridgeRunTest {
    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    private LoopBridge bridge(BridgeMode mode) {
        return fx.bridge(mode, b -> b.timeout(Duration.ofSeconds(10)));
    }

    /** A body-made exception that is easy to tell apart. */
    static final class BodyError extends Error {
        BodyError(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ values

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_stageCompletesLater_returnsItsValue(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);

        String value = bridge.run(l -> l.sleep(Duration.ofMillis(5))
                .thenCompose(x -> l.sleep(Duration.ofMillis(5)))
                .thenApply(x -> "done"));

        assertThat(value).isEqualTo("done");
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_stageCompletedOnAnotherThread_returnsItsValue(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);

        Integer value = bridge.run(l -> l.await(CompletableFuture.supplyAsync(() -> 42)));

        assertThat(value).isEqualTo(42);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_stageCompletesWithNull_returnsNull(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);

        Object value = bridge.run(l -> l.sleep(Duration.ofMillis(1)));

        assertThat(value).isNull();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_stageCompletesLater_futureCompletesWithValue(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);

        CompletableFuture<String> future = bridge.submit(l -> l.sleep(Duration.ofMillis(5)).thenApply(x -> "done"));

        assertThat(future).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("done");
    }

    // ------------------------------------------------------------------ where the body runs

    @Test
    void run_perCall_bodyRunsOnCallingThread() {
        LoopBridge bridge = bridge(BridgeMode.PER_CALL);

        Thread bodyThread = bridge.run(l -> CompletableFuture.completedFuture(Thread.currentThread()));

        assertThat(bodyThread).isSameAs(Thread.currentThread());
    }

    @Test
    void run_pooled_bodyRunsOnBridgeWorker() {
        LoopBridge bridge = bridge(BridgeMode.PER_CALL_POOLED);

        String bodyThread = bridge.run(l -> CompletableFuture.completedFuture(Thread.currentThread().getName()));

        assertThat(bodyThread).startsWith(BridgeFixture.threadPrefix(bridge) + "worker-");
    }

    @Test
    void run_shared_bodyRunsOnBridgeLoopThread() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);

        String bodyThread = bridge.run(l -> CompletableFuture.completedFuture(Thread.currentThread().getName()));

        assertThat(bodyThread).startsWith(BridgeFixture.threadPrefix(bridge) + "loop-");
    }

    @Test
    void submit_perCall_runsOnWorkerWithFreshLoop() {
        LoopBridge bridge = bridge(BridgeMode.PER_CALL);
        AtomicReference<EventLoop> loop = new AtomicReference<>();

        CompletableFuture<String> future = bridge.submit(l -> {
            loop.set(l);
            return CompletableFuture.completedFuture(Thread.currentThread().getName());
        });

        assertThat(future).succeedsWithin(Duration.ofSeconds(5)).asString()
                .startsWith(BridgeFixture.threadPrefix(bridge) + "worker-");
        assertThat(loop.get().isClosed()).as("the call's loop is closed after the call").isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"PER_CALL", "PER_CALL_POOLED"})
    void run_perCallModes_eachCallGetsFreshLoopClosedAfterwards(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);

        EventLoop first = bridge.run(l -> CompletableFuture.completedFuture(l));
        EventLoop second = bridge.run(l -> CompletableFuture.completedFuture(l));

        assertThat(second).isNotSameAs(first);
        assertThat(first.isClosed()).isTrue();
        assertThat(second.isClosed()).isTrue();
    }

    @Test
    void run_shared_consecutiveCallsShareOneLoop() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);

        EventLoop first = bridge.run(l -> CompletableFuture.completedFuture(l));
        EventLoop second = bridge.run(l -> CompletableFuture.completedFuture(l));

        assertThat(second).isSameAs(first);
        assertThat(first.isClosed()).isFalse();
    }

    @Test
    void run_shared_taskCreatedInBodyOutlivesTheCall() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);
        CompletableFuture<Void> gate = fx.gate();
        CompletableFuture<String> background = new CompletableFuture<>();

        String value = bridge.run(l -> {
            l.createTask("background", t -> t.await(gate).thenApply(x -> background.complete("ran after the call")));
            return CompletableFuture.completedFuture("returned");
        });
        gate.complete(null);

        assertThat(value).isEqualTo("returned");
        assertThat(background).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("ran after the call");
    }

    // ------------------------------------------------------------------ exceptions of the body

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_stageFailsWithRuntimeException_throwsSameInstance(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        IllegalStateException failure = new IllegalStateException("boom");

        Throwable thrown = catchThrowable(() -> bridge.run(l -> l.sleep(Duration.ofMillis(1)).thenApply(x -> {
            throw failure;
        })));

        assertThat(thrown).isSameAs(failure);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_bodyThrowsRuntimeException_throwsSameInstance(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        IllegalArgumentException failure = new IllegalArgumentException("thrown by the body itself");

        Throwable thrown = catchThrowable(() -> bridge.run(l -> {
            throw failure;
        }));

        assertThat(thrown).isSameAs(failure);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_stageFailsWithError_throwsSameInstance(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        BodyError failure = new BodyError("an error of the body");

        Throwable thrown = catchThrowable(() -> bridge.run(l -> CompletableFuture.failedFuture(failure)));

        assertThat(thrown).isSameAs(failure);
    }

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"SHARED", "PER_CALL_POOLED"})
    void run_failureCrossedThreads_carriesCallerStackAsSuppressed(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        IllegalStateException failure = new IllegalStateException("boom");

        Throwable thrown = catchThrowable(() -> bridge.run(l -> CompletableFuture.failedFuture(failure)));

        assertThat(thrown).isSameAs(failure);
        assertThat(thrown.getSuppressed()).hasSize(1);
        Throwable callerStack = thrown.getSuppressed()[0];
        assertThat(callerStack).hasMessageContaining(bridge.name()).hasMessageContaining(Thread.currentThread().getName());
        assertThat(Arrays.stream(callerStack.getStackTrace()).map(StackTraceElement::getMethodName))
                .contains("run_failureCrossedThreads_carriesCallerStackAsSuppressed");
    }

    @Test
    void run_sameFailureInstanceThrownTwice_carriesOneCallerStack() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);
        IllegalStateException reused = new IllegalStateException("a cached exception");

        catchThrowable(() -> bridge.run(l -> CompletableFuture.failedFuture(reused)));
        Throwable thrown = catchThrowable(() -> bridge.run(l -> CompletableFuture.failedFuture(reused)));

        assertThat(thrown).isSameAs(reused);
        assertThat(thrown.getSuppressed()).hasSize(1);
    }

    @Test
    void run_perCallFailure_staysOnCallerThreadWithoutAddedStack() {
        LoopBridge bridge = bridge(BridgeMode.PER_CALL);
        IllegalStateException failure = new IllegalStateException("boom");

        Throwable thrown = catchThrowable(() -> bridge.run(l -> CompletableFuture.failedFuture(failure)));

        assertThat(thrown).isSameAs(failure);
        assertThat(thrown.getSuppressed()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_stageFailsWithCheckedException_throwsAsyncExecutionExceptionWithCause(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        IOException failure = new IOException("disk on fire");

        Throwable thrown = catchThrowable(() -> bridge.run(l -> l.sleep(Duration.ofMillis(1))
                .thenCompose(x -> CompletableFuture.failedFuture(failure))));

        assertThat(thrown).isInstanceOf(AsyncExecutionException.class).hasCauseReference(failure);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_bodyThrowsCheckedException_throwsAsyncExecutionExceptionWithCause(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        Exception failure = new Exception("checked, thrown by the body itself");

        Throwable thrown = catchThrowable(() -> bridge.run(l -> {
            throw failure;
        }));

        assertThat(thrown).isInstanceOf(AsyncExecutionException.class).hasCauseReference(failure);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_stageFailsWithCompletionExceptionWrapper_throwsWrappedCause(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        IllegalStateException failure = new IllegalStateException("inner");

        Throwable thrown = catchThrowable(() -> bridge.run(
                l -> CompletableFuture.failedFuture(new CompletionException(new CompletionException(failure)))));

        assertThat(thrown).isSameAs(failure);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_stageFailsWithExecutionExceptionWrapper_throwsWrappedCause(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        IOException failure = new IOException("inner, checked");

        Throwable thrown = catchThrowable(() -> bridge.run(
                l -> CompletableFuture.failedFuture(new ExecutionException(failure))));

        assertThat(thrown).isInstanceOf(AsyncExecutionException.class).hasCauseReference(failure);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_stageFailsWithRuntimeException_futureFailsWithSameInstance(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        IllegalStateException failure = new IllegalStateException("boom");

        CompletableFuture<Object> future = bridge.submit(l -> CompletableFuture.failedFuture(failure));

        assertThat(future).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause().isSameAs(failure);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_stageFailsWithCompletionExceptionWrapper_futureFailsWithWrappedCause(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        IOException failure = new IOException("inner, checked");

        CompletableFuture<Object> future = bridge.submit(
                l -> CompletableFuture.failedFuture(new CompletionException(failure)));

        assertThat(future).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause().isSameAs(failure);
    }

    // ------------------------------------------------------------------ submit never blocks

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_bodyBlocksOnLatch_returnsToCallerAtOnce(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        CountDownLatch release = fx.latch();
        CountDownLatch started = new CountDownLatch(1);

        BridgeCaller<CompletableFuture<String>> caller = BridgeCaller.start("servlet-thread", () -> bridge.submit(l -> {
            started.countDown();
            BridgeFixture.hold(release); // a body that blocks: a blocking submit would block the caller too
            return CompletableFuture.completedFuture("released");
        }));

        assertThat(caller.outcome).as("submit returned while the body is blocked").succeedsWithin(Duration.ofSeconds(5));
        CompletableFuture<String> future = caller.outcome.join();
        BridgeFixture.awaitLatch(started);
        assertThat(future).isNotDone();
        release.countDown();
        assertThat(future).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("released");
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_fromLoopThread_returnsFutureTheLoopCanCompose(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);

        String value = LoopManager.run(l -> l.await(bridge.submit(inner -> inner.sleep(Duration.ofMillis(1))
                .thenApply(x -> "from " + inner.name()))).thenApply(v -> v + ", composed on " + l.name()));

        assertThat(value).startsWith("from ").contains(", composed on ");
    }

    @Test
    void submit_fromSharedLoopToSameBridge_composesWithoutDeadlock() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);

        String value = bridge.run(l -> l.await(bridge.submit(inner -> inner.sleep(Duration.ofMillis(1))
                .thenApply(x -> "inner"))).thenApply(v -> v + "+outer"));

        assertThat(value).isEqualTo("inner+outer");
    }
}
