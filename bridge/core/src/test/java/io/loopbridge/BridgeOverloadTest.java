package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Bridge: {@code maxInFlight} refuses a call beyond the bound at once with
 * {@link BridgeRejectedException}; in PER_CALL_POOLED calls wait for a busy worker in FIFO order and
 * only {@code maxInFlight} refuses; a call's in-flight slot is released before its caller sees the
 * outcome.
 */
class BridgeOverloadTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    /** Fills {@code n} in-flight slots with calls that wait (without blocking a thread) for {@code gate}. */
    private static List<CompletableFuture<Object>> occupy(LoopBridge bridge, int n, CompletableFuture<Object> gate) {
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(bridge.submit(l -> l.await(gate)));
        }
        return calls;
    }

    // ------------------------------------------------------------------ maxInFlight

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_beyondMaxInFlight_failsAtOnceWithBridgeRejected(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.maxInFlight(2).timeout(TIMEOUT));
        occupy(bridge, 2, fx.gate());
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture("x")));

        assertThat(thrown).isInstanceOf(BridgeRejectedException.class)
                .hasMessageContaining(bridge.name())
                .hasMessageContaining("maxInFlight");
        assertThat(((BridgeRejectedException) thrown).maxInFlight()).isEqualTo(2);
        assertThat(BridgeFixture.since(start)).isLessThan(TIMEOUT.dividedBy(5));
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_beyondMaxInFlight_throwsAtOnceWithBridgeRejected(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.maxInFlight(1).timeout(TIMEOUT));
        occupy(bridge, 1, fx.gate());

        Throwable thrown = catchThrowable(() -> bridge.submit(l -> CompletableFuture.completedFuture("x")));

        assertThat(thrown).isInstanceOf(BridgeRejectedException.class);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void rejection_countedInStats(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.maxInFlight(1).timeout(TIMEOUT));
        occupy(bridge, 1, fx.gate());

        catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture("x")));
        catchThrowable(() -> bridge.submit(l -> CompletableFuture.completedFuture("x")));

        BridgeStats stats = bridge.stats();
        assertThat(stats.rejections()).isEqualTo(2);
        assertThat(stats.calls()).isEqualTo(3);
        assertThat(stats.inFlight()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void rejectedCall_bodyNeverRuns(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.maxInFlight(1).timeout(TIMEOUT));
        occupy(bridge, 1, fx.gate());
        AtomicLong ran = new AtomicLong();

        catchThrowable(() -> bridge.run(l -> {
            ran.incrementAndGet();
            return CompletableFuture.completedFuture("x");
        }));

        assertThat(ran).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void slotsFreed_afterCallsFinish_callsAdmittedAgain(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.maxInFlight(2).timeout(TIMEOUT));
        CompletableFuture<Object> gate = new CompletableFuture<>();
        List<CompletableFuture<Object>> calls = occupy(bridge, 2, gate);
        gate.complete("open");
        assertThat(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))).succeedsWithin(Duration.ofSeconds(5));

        String value = bridge.run(l -> CompletableFuture.completedFuture("admitted"));

        assertThat(value).isEqualTo("admitted");
        assertThat(bridge.stats().rejections()).isZero();
    }

    // ------------------------------------------------------------------ PER_CALL_POOLED: waiting for a worker

    @Test
    void pooled_allWorkersBusy_callsStartInFifoOrder() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.poolSize(1).timeout(TIMEOUT));
        CountDownLatch release = fx.latch();
        CountDownLatch busy = new CountDownLatch(1);
        bridge.submit(l -> {
            busy.countDown();
            return l.runInExecutor(() -> {
                BridgeFixture.hold(release);
                return null;
            });
        });
        BridgeFixture.awaitLatch(busy);
        List<Integer> startOrder = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            int n = i;
            queued.add(bridge.submit(l -> {
                startOrder.add(n);
                return CompletableFuture.completedFuture(n);
            }));
        }

        release.countDown();

        assertThat(CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new))).succeedsWithin(Duration.ofSeconds(5));
        assertThat(startOrder).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void pooled_allWorkersBusy_queuedCallsAreNotRefused() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.poolSize(1).maxInFlight(100).timeout(TIMEOUT));
        CompletableFuture<Object> gate = new CompletableFuture<>();
        List<CompletableFuture<Object>> calls = occupy(bridge, 50, gate);

        gate.complete("open");

        assertThat(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))).succeedsWithin(Duration.ofSeconds(10));
        BridgeStats stats = bridge.stats();
        assertThat(stats.rejections()).isZero();
        assertThat(stats.successes()).isEqualTo(50);
    }

    @Test
    void pooled_runCallerWaitsForBusyWorkerInsteadOfFailing() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.poolSize(1).timeout(TIMEOUT));
        CompletableFuture<Object> gate = fx.gate();
        occupy(bridge, 1, gate);
        BridgeCaller<String> caller = BridgeCaller.start("servlet-waiting",
                () -> bridge.run(l -> CompletableFuture.completedFuture("served")));

        gate.complete("open");

        assertThat(caller.outcome).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("served");
    }

    // ------------------------------------------------------------------ the slot is released before the outcome is seen

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_returns_slotAlreadyReleased(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));

        bridge.run(l -> l.sleep(Duration.ofMillis(1)));

        assertThat(bridge.stats().inFlight()).isZero();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_throws_slotAlreadyReleased(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));

        catchThrowable(() -> bridge.run(l -> CompletableFuture.failedFuture(new IllegalStateException("boom"))));

        assertThat(bridge.stats().inFlight()).isZero();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_returns_callerMayRunAgainAtOnceWithMaxInFlightOne(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.maxInFlight(1).timeout(TIMEOUT));

        for (int i = 0; i < 50; i++) {
            bridge.run(l -> CompletableFuture.completedFuture(null));
        }

        assertThat(bridge.stats().rejections()).isZero();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_futureCompletes_slotAlreadyReleasedInItsCallbacks(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));
        CompletableFuture<Object> gate = new CompletableFuture<>();
        CompletableFuture<Object> future = bridge.submit(l -> l.await(gate));
        AtomicLong seenInThenRun = new AtomicLong(-1);
        CompletableFuture<Void> observed = future.thenRun(() -> seenInThenRun.set(bridge.stats().inFlight()));

        gate.complete("open");

        assertThat(observed).succeedsWithin(Duration.ofSeconds(5));
        assertThat(seenInThenRun).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_futureFails_slotAlreadyReleasedInItsCallbacks(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));
        CompletableFuture<Object> gate = new CompletableFuture<>();
        CompletableFuture<Object> future = bridge.submit(l -> l.await(gate));
        AtomicLong seenInHandler = new AtomicLong(-1);
        CompletableFuture<Object> observed = future.whenComplete((v, e) -> seenInHandler.set(bridge.stats().inFlight()));

        gate.completeExceptionally(new IllegalStateException("failed"));

        assertThat(observed).failsWithin(Duration.ofSeconds(5));
        assertThat(seenInHandler).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_futureCompletes_nextCallAdmittedFromItsCallbackWithMaxInFlightOne(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.maxInFlight(1).timeout(TIMEOUT));
        CompletableFuture<Object> gate = new CompletableFuture<>();
        CompletableFuture<Object> future = bridge.submit(l -> l.await(gate));
        CompletableFuture<String> chained = future.thenCompose(
                v -> bridge.submit(l -> CompletableFuture.completedFuture("chained")));

        gate.complete("open");

        assertThat(chained).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("chained");
    }
}
