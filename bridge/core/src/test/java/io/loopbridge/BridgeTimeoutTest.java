package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Bridge: a timeout fails the call with {@link LoopTimeoutException} (unchecked, carrying
 * the timeout) and cancels the task on the loop; in SHARED and PER_CALL_POOLED the caller returns on
 * time even if the loop thread is stuck; {@code run(body, timeout)} overrides the bridge's timeout
 * for one call. Timing is asserted only as an upper bound with a generous margin.
 */
class BridgeTimeoutTest {
    private static final Duration SHORT = Duration.ofMillis(200);
    /** Slack for a noisy machine: "on time" means within the timeout plus this. */
    private static final Duration MARGIN = Duration.ofSeconds(3);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    private LoopBridge bridge(BridgeMode mode, Duration timeout) {
        return fx.bridge(mode, b -> b.timeout(timeout));
    }

    /** A body whose only callback blocks its loop thread until {@code release} opens. */
    private static AsyncCallable<String> stuckBody(CountDownLatch started, CountDownLatch release) {
        return l -> {
            started.countDown();
            BridgeFixture.hold(release);
            return CompletableFuture.completedFuture("unstuck");
        };
    }

    // ------------------------------------------------------------------ the exception

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_bodyOutlivesTimeout_throwsLoopTimeoutExceptionCarryingTimeout(BridgeMode mode) {
        LoopBridge bridge = bridge(mode, SHORT);

        Throwable thrown = catchThrowable(() -> bridge.run(l -> l.sleep(Duration.ofSeconds(30))));

        assertThat(thrown).isInstanceOf(LoopTimeoutException.class)
                .isInstanceOf(RuntimeException.class)
                .hasMessageContaining(bridge.name())
                .hasMessageContaining(SHORT.toString());
        assertThat(((LoopTimeoutException) thrown).timeout()).isEqualTo(SHORT);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_bodyOutlivesTimeout_futureFailsWithLoopTimeoutException(BridgeMode mode) {
        LoopBridge bridge = bridge(mode, SHORT);

        CompletableFuture<Void> future = bridge.submit(l -> l.sleep(Duration.ofSeconds(30)));

        assertThat(future).failsWithin(SHORT.plus(MARGIN)).withThrowableThat().havingCause()
                .isInstanceOf(LoopTimeoutException.class);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_timeout_countedAsTimeoutAndSlotReleased(BridgeMode mode) {
        LoopBridge bridge = bridge(mode, SHORT);

        catchThrowable(() -> bridge.run(l -> l.createFuture()));

        BridgeStats stats = bridge.stats();
        assertThat(stats.timeouts()).isEqualTo(1);
        assertThat(stats.failures()).isZero();
        assertThat(stats.inFlight()).isZero();
    }

    // ------------------------------------------------------------------ the task is cancelled on the loop

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_timeout_cancelsBodyStage(BridgeMode mode) {
        LoopBridge bridge = bridge(mode, SHORT);
        BridgeProbe<String> probe = new BridgeProbe<>();

        Throwable thrown = catchThrowable(() -> bridge.run(probe.body()));

        assertThat(thrown).isInstanceOf(LoopTimeoutException.class);
        await().atMost(Duration.ofSeconds(5)).until(probe::stageCancelled); // on the loop, maybe just after the caller returned
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_timeout_bodyStageHandlerSeesCancellationOnLoop(BridgeMode mode) {
        LoopBridge bridge = bridge(mode, SHORT);
        BridgeProbe<String> probe = new BridgeProbe<>();

        catchThrowable(() -> bridge.run(probe.body()));

        assertThat(probe.handlerSawCancellationOnLoop()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_timeout_cancelsBodyStage(BridgeMode mode) {
        LoopBridge bridge = bridge(mode, SHORT);
        BridgeProbe<String> probe = new BridgeProbe<>();

        CompletableFuture<String> future = bridge.submit(probe.body());

        assertThat(future).failsWithin(SHORT.plus(MARGIN));
        assertThat(probe.handlerSawCancellationOnLoop()).isTrue();
        assertThat(probe.stageCancelled()).isTrue();
    }

    // ------------------------------------------------------------------ per-call override

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void runWithTimeout_shorterThanBridgeTimeout_appliesToThatCall(BridgeMode mode) {
        LoopBridge bridge = bridge(mode, Duration.ofSeconds(15));
        Duration override = Duration.ofMillis(150);
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(l -> l.createFuture(), override));

        assertThat(thrown).isInstanceOf(LoopTimeoutException.class);
        assertThat(((LoopTimeoutException) thrown).timeout()).isEqualTo(override);
        assertThat(BridgeFixture.since(start)).isLessThan(override.plus(MARGIN));
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void runWithTimeout_longerThanBridgeTimeout_letsSlowerBodyFinish(BridgeMode mode) {
        LoopBridge bridge = bridge(mode, Duration.ofMillis(50));

        String value = bridge.run(l -> l.sleep(Duration.ofMillis(250)).thenApply(x -> "in time"), Duration.ofSeconds(15));

        assertThat(value).isEqualTo("in time");
    }

    @Test
    void runWithTimeout_doesNotChangeBridgeTimeout() {
        LoopBridge bridge = bridge(BridgeMode.SHARED, SHORT);

        catchThrowable(() -> bridge.run(l -> l.createFuture(), Duration.ofMillis(20)));
        Throwable thrown = catchThrowable(() -> bridge.run(l -> l.createFuture()));

        assertThat(bridge.timeout()).isEqualTo(SHORT);
        assertThat(((LoopTimeoutException) thrown).timeout()).isEqualTo(SHORT);
    }

    // ------------------------------------------------------------------ a stuck loop thread

    @Test
    void run_sharedLoopStuckInAnotherCallsCallback_callerReturnsAtItsTimeout() {
        LoopBridge bridge = bridge(BridgeMode.SHARED, Duration.ofMillis(300));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = fx.latch();
        bridge.submit(stuckBody(started, release));
        BridgeFixture.awaitLatch(started);
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture("quick")));

        assertThat(thrown).isInstanceOf(LoopTimeoutException.class);
        assertThat(BridgeFixture.since(start)).isLessThan(Duration.ofMillis(300).plus(MARGIN));
    }

    @Test
    void run_sharedOwnCallbackStuck_callerReturnsAtItsTimeout() {
        LoopBridge bridge = bridge(BridgeMode.SHARED, Duration.ofMillis(300));
        CountDownLatch release = fx.latch();
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(stuckBody(new CountDownLatch(1), release)));

        assertThat(thrown).isInstanceOf(LoopTimeoutException.class);
        assertThat(BridgeFixture.since(start)).isLessThan(Duration.ofMillis(300).plus(MARGIN));
    }

    @Test
    void run_pooledOwnCallbackStuck_callerReturnsAtItsTimeout() {
        LoopBridge bridge = bridge(BridgeMode.PER_CALL_POOLED, Duration.ofMillis(300));
        CountDownLatch release = fx.latch();
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(stuckBody(new CountDownLatch(1), release)));

        assertThat(thrown).isInstanceOf(LoopTimeoutException.class);
        assertThat(BridgeFixture.since(start)).isLessThan(Duration.ofMillis(300).plus(MARGIN));
    }

    @Test
    void run_pooledAllWorkersStuck_queuedCallerReturnsAtItsTimeoutAndItsBodyNeverRuns() {
        LoopBridge pooled = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.poolSize(1).timeout(Duration.ofMillis(300)));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = fx.latch();
        CompletableFuture<String> stuck = pooled.submit(stuckBody(started, release));
        BridgeFixture.awaitLatch(started);
        AtomicBoolean queuedBodyRan = new AtomicBoolean();
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> pooled.run(l -> {
            queuedBodyRan.set(true);
            return CompletableFuture.completedFuture("late");
        }));
        Duration took = BridgeFixture.since(start);
        release.countDown();
        CompletableFuture<String> after = pooled.submit(l -> CompletableFuture.completedFuture("after"));

        assertThat(thrown).isInstanceOf(LoopTimeoutException.class);
        assertThat(took).isLessThan(Duration.ofMillis(300).plus(MARGIN));
        assertThat(after).succeedsWithin(Duration.ofSeconds(5));
        assertThat(queuedBodyRan).as("the timed-out call, dequeued later, did not run").isFalse();
        assertThat(stuck).isDone();
    }

    @Test
    void submit_sharedLoopStuck_futureFailsAtItsTimeout() {
        LoopBridge bridge = bridge(BridgeMode.SHARED, Duration.ofMillis(300));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = fx.latch();
        bridge.submit(stuckBody(started, release));
        BridgeFixture.awaitLatch(started);

        CompletableFuture<String> future = bridge.submit(l -> CompletableFuture.completedFuture("quick"));

        assertThat(future).failsWithin(Duration.ofMillis(300).plus(MARGIN)).withThrowableThat().havingCause()
                .isInstanceOf(LoopTimeoutException.class);
    }

    @Test
    void submit_pooledAllWorkersStuck_queuedFutureFailsAtItsTimeout() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.poolSize(1).timeout(Duration.ofMillis(300)));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = fx.latch();
        bridge.submit(stuckBody(started, release));
        BridgeFixture.awaitLatch(started);

        CompletableFuture<String> future = bridge.submit(l -> CompletableFuture.completedFuture("queued"));

        assertThat(future).failsWithin(Duration.ofMillis(300).plus(MARGIN)).withThrowableThat().havingCause()
                .isInstanceOf(LoopTimeoutException.class);
    }
}
