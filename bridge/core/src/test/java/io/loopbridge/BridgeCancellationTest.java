package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Bridge: an interrupt of the waiting caller cancels the task and keeps the thread's
 * interrupt status (in PER_CALL the caller's thread is the loop thread); cancelling the future of
 * {@code submit} cancels the task on its loop.
 */
class BridgeCancellationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    private LoopBridge bridge(BridgeMode mode) {
        return fx.bridge(mode, b -> b.timeout(TIMEOUT));
    }

    /** Starts {@code bridge.run(probe.body())} on a caller thread, waits for the body, interrupts the caller. */
    private static BridgeCaller<String> interruptedCaller(LoopBridge bridge, BridgeProbe<String> probe) {
        BridgeCaller<String> caller = BridgeCaller.start("servlet-" + bridge.name(), () -> bridge.run(probe.body()));
        probe.awaitStarted();
        caller.thread.interrupt();
        return caller;
    }

    // ------------------------------------------------------------------ interrupt of the waiting caller

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_callerInterrupted_throwsAsyncExecutionExceptionWithInterruptedCause(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        BridgeProbe<String> probe = new BridgeProbe<>();

        BridgeCaller<String> caller = interruptedCaller(bridge, probe);

        assertThat(caller.failure()).isInstanceOf(AsyncExecutionException.class)
                .hasCauseInstanceOf(InterruptedException.class)
                .hasMessageContaining(caller.thread.getName());
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_callerInterrupted_keepsInterruptStatus(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        BridgeProbe<String> probe = new BridgeProbe<>();

        BridgeCaller<String> caller = interruptedCaller(bridge, probe);
        caller.failure();

        assertThat(caller.interruptedAfter).isTrue();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_callerInterrupted_cancelsBodyStageOnLoop(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        BridgeProbe<String> probe = new BridgeProbe<>();

        BridgeCaller<String> caller = interruptedCaller(bridge, probe);
        caller.failure();

        assertThat(probe.handlerSawCancellationOnLoop()).isTrue();
        assertThat(probe.stageCancelled()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_callerInterrupted_countedAsFailureAndSlotReleased(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        BridgeProbe<String> probe = new BridgeProbe<>();

        interruptedCaller(bridge, probe).failure();

        BridgeStats stats = bridge.stats();
        assertThat(stats.failures()).isEqualTo(1);
        assertThat(stats.timeouts()).isZero();
        assertThat(stats.inFlight()).isZero();
    }

    @Test
    void run_perCallCallerInterrupted_loopOnCallerThreadEndsWithoutWaitingForTimeout() {
        LoopBridge bridge = bridge(BridgeMode.PER_CALL);
        BridgeProbe<String> probe = new BridgeProbe<>();
        long start = System.nanoTime();

        BridgeCaller<String> caller = interruptedCaller(bridge, probe);
        caller.failure();

        assertThat(probe.bodyThread).as("PER_CALL: the caller's thread is the loop thread").isSameAs(caller.thread);
        assertThat(BridgeFixture.since(start)).isLessThan(TIMEOUT.dividedBy(3));
        assertThat(caller.interruptedAfter).isTrue();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_afterInterruptedCall_bridgeServesNextCall(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        interruptedCaller(bridge, new BridgeProbe<>()).failure();

        String value = bridge.run(l -> l.sleep(Duration.ofMillis(1)).thenApply(x -> "next"));

        assertThat(value).isEqualTo("next");
    }

    // ------------------------------------------------------------------ cancelling a submit future

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submitCancel_futureIsCancelled(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        BridgeProbe<String> probe = new BridgeProbe<>();
        CompletableFuture<String> future = bridge.submit(probe.body());
        probe.awaitStarted();

        boolean cancelled = future.cancel(true);

        assertThat(cancelled).isTrue();
        assertThat(future).isCancelled();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submitCancel_cancelsBodyStageOnLoop(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        BridgeProbe<String> probe = new BridgeProbe<>();
        CompletableFuture<String> future = bridge.submit(probe.body());
        probe.awaitStarted();

        future.cancel(true);

        assertThat(probe.handlerSawCancellationOnLoop()).isTrue();
        assertThat(probe.stageCancelled()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submitCancel_releasesSlotAndCountsFailure(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        BridgeProbe<String> probe = new BridgeProbe<>();
        CompletableFuture<String> future = bridge.submit(probe.body());
        probe.awaitStarted();

        future.cancel(true);

        BridgeStats stats = bridge.stats();
        assertThat(stats.inFlight()).isZero();
        assertThat(stats.failures()).isEqualTo(1);
    }

    @Test
    void submitCancel_whileQueuedForWorker_bodyNeverRuns() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.poolSize(1).timeout(TIMEOUT));
        CountDownLatch release = fx.latch();
        CompletableFuture<Object> busy = bridge.submit(l -> l.runInExecutor(() -> {
            BridgeFixture.hold(release);
            return null;
        }));
        AtomicBoolean queuedRan = new AtomicBoolean();
        CompletableFuture<String> queued = bridge.submit(l -> {
            queuedRan.set(true);
            return CompletableFuture.completedFuture("ran");
        });

        queued.cancel(true);
        release.countDown();
        CompletableFuture<String> next = bridge.submit(l -> CompletableFuture.completedFuture("next"));

        assertThat(next).succeedsWithin(Duration.ofSeconds(5));
        assertThat(busy).isDone();
        assertThat(queued).isCancelled();
        assertThat(queuedRan).isFalse();
    }

    @Test
    void submitCancel_whileQueuedOnBusySharedLoop_bodyNeverRuns() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = fx.latch();
        bridge.submit(l -> {
            started.countDown();
            BridgeFixture.hold(release);
            return CompletableFuture.completedFuture(null);
        });
        BridgeFixture.awaitLatch(started);
        AtomicBoolean queuedRan = new AtomicBoolean();
        CompletableFuture<String> queued = bridge.submit(l -> {
            queuedRan.set(true);
            return CompletableFuture.completedFuture("ran");
        });

        queued.cancel(true);
        release.countDown();
        String next = bridge.run(l -> CompletableFuture.completedFuture("next"));

        assertThat(next).isEqualTo("next");
        assertThat(queuedRan).isFalse();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submitCancel_afterCompletion_keepsValue(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        CompletableFuture<String> future = bridge.submit(l -> CompletableFuture.completedFuture("done"));
        assertThat(future).succeedsWithin(Duration.ofSeconds(5));

        boolean cancelled = future.cancel(true);

        assertThat(cancelled).isFalse();
        assertThat(future.join()).isEqualTo("done");
        await().atMost(Duration.ofSeconds(5)).until(() -> bridge.stats().successes() == 1);
        assertThat(bridge.stats().failures()).isZero();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submitCancel_thenJoin_throwsCancellationNamingBridge(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        BridgeProbe<String> probe = new BridgeProbe<>();
        CompletableFuture<String> future = bridge.submit(probe.body());
        probe.awaitStarted();

        future.cancel(true);

        // since JDK 23 join() wraps the stored CancellationException in a new one ("join"): the
        // bridge's message may be in the cause
        assertThat(catchThrowable(future::join))
                .isInstanceOf(CancellationException.class)
                .hasStackTraceContaining(bridge.name());
    }
}
