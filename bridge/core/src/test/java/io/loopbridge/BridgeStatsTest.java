package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Bridge: {@code stats()}: calls, failures, timeouts, rejections, nested refusals, in
 * flight, loops created/closed, loop lag. Every call ends as exactly one outcome, so calls =
 * successes + failures + timeouts + rejections + nestedRefusals + inFlight.
 */
class BridgeStatsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    private static long sumOfOutcomes(BridgeStats s) {
        return s.successes() + s.failures() + s.timeouts() + s.rejections() + s.nestedRefusals() + s.inFlight();
    }

    // ------------------------------------------------------------------ every call is one outcome

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void stats_mixedWorkload_countsEachOutcomeAndCallsEqualTheirSum(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.maxInFlight(2).timeout(TIMEOUT));
        for (int i = 0; i < 3; i++) {
            bridge.run(l -> l.sleep(Duration.ofMillis(1)));
        }
        for (int i = 0; i < 2; i++) {
            catchThrowable(() -> bridge.run(l -> CompletableFuture.failedFuture(new IllegalStateException("boom"))));
        }
        catchThrowable(() -> bridge.run(l -> l.createFuture(), Duration.ofMillis(50)));
        LoopManager.run(l -> {
            catchThrowable(() -> bridge.run(inner -> CompletableFuture.completedFuture("nested")));
            return l.sleep(Duration.ZERO);
        });
        CompletableFuture<Object> stillWaiting = bridge.submit(l -> l.await(fx.gate()));
        CompletableFuture<Object> gateB = new CompletableFuture<>();
        CompletableFuture<Object> released = bridge.submit(l -> l.await(gateB));
        catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture("rejected")));
        gateB.complete("open");
        assertThat(released).succeedsWithin(Duration.ofSeconds(5));

        BridgeStats stats = bridge.stats();

        assertThat(stats.calls()).isEqualTo(10);
        assertThat(stats.successes()).isEqualTo(4);
        assertThat(stats.failures()).isEqualTo(2);
        assertThat(stats.timeouts()).isEqualTo(1);
        assertThat(stats.rejections()).isEqualTo(1);
        assertThat(stats.nestedRefusals()).isEqualTo(1);
        assertThat(stats.inFlight()).isEqualTo(1);
        assertThat(stats.calls()).isEqualTo(sumOfOutcomes(stats));
        assertThat(stillWaiting).isNotDone();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void stats_afterWorkloadSettles_callsEqualSumOfOutcomesWithNothingInFlight(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));
        CompletableFuture<?>[] calls = new CompletableFuture<?>[40];
        for (int i = 0; i < calls.length; i++) {
            int n = i;
            calls[i] = bridge.submit(l -> n % 3 == 0
                    ? CompletableFuture.failedFuture(new IllegalStateException("fails"))
                    : l.sleep(Duration.ofMillis(n % 5)));
        }
        assertThat(CompletableFuture.allOf(calls).handle((v, e) -> null)).succeedsWithin(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            BridgeStats stats = bridge.stats();
            assertThat(stats.inFlight()).isZero();
            assertThat(stats.calls()).isEqualTo(40).isEqualTo(sumOfOutcomes(stats));
            assertThat(stats.failures()).isEqualTo(14);
        });
    }

    @Test
    void stats_newBridge_allZero() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED);

        BridgeStats stats = bridge.stats();

        assertThat(stats.calls()).isZero();
        assertThat(stats.loopsCreated()).isZero();
        assertThat(stats.loopLag()).isZero();
        assertThat(stats.name()).isEqualTo(bridge.name());
        assertThat(stats.mode()).isEqualTo(BridgeMode.SHARED);
    }

    // ------------------------------------------------------------------ loops created and closed, per mode

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"PER_CALL", "PER_CALL_POOLED"})
    void perCallModes_eachCallCreatesAndClosesOneLoop(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));

        for (int i = 0; i < 3; i++) {
            bridge.run(l -> l.sleep(Duration.ofMillis(1)));
        }
        bridge.submit(l -> l.sleep(Duration.ofMillis(1))).join();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            BridgeStats stats = bridge.stats();
            assertThat(stats.loopsCreated()).isEqualTo(4);
            assertThat(stats.loopsClosed()).isEqualTo(4);
        });
    }

    @Test
    void shared_manyCallsUseOneLoopClosedWithBridge() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
        for (int i = 0; i < 5; i++) {
            bridge.run(l -> l.sleep(Duration.ofMillis(1)));
        }
        BridgeStats open = bridge.stats();

        bridge.close();

        assertThat(open.loopsCreated()).isEqualTo(1);
        assertThat(open.loopsClosed()).isZero();
        assertThat(bridge.stats().loopsClosed()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ loop lag

    @Test
    void loopLag_perCallRun_isZeroAsTheBodyStartsOnTheCallersThread() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL, b -> b.timeout(TIMEOUT));
        for (int i = 0; i < 10; i++) {
            bridge.run(l -> CompletableFuture.completedFuture(null));
        }

        assertThat(bridge.stats().loopLag()).isZero();
        assertThat(bridge.stats().maxLoopLag()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"SHARED", "PER_CALL_POOLED"})
    void loopLag_afterCalls_isNonNegativeAndAtMostItsMax(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));
        for (int i = 0; i < 10; i++) {
            bridge.run(l -> CompletableFuture.completedFuture(null));
        }

        BridgeStats stats = bridge.stats();

        assertThat(stats.loopLag().isNegative()).isFalse();
        assertThat(stats.maxLoopLag()).isPositive().isGreaterThanOrEqualTo(stats.loopLag());
    }

    @Test
    void loopLag_sharedLoopHeldByCallback_maxLagCoversTheWait() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = fx.latch();
        bridge.submit(l -> {
            started.countDown();
            BridgeFixture.hold(release);
            return CompletableFuture.completedFuture(null);
        });
        BridgeFixture.awaitLatch(started);
        CompletableFuture<Object> queued = bridge.submit(l -> CompletableFuture.completedFuture(null));
        long queuedAt = System.nanoTime(); // after admission: the lag is at least the time from here to the release
        await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - queuedAt > 50_000_000L);

        release.countDown();

        assertThat(queued).succeedsWithin(Duration.ofSeconds(5));
        assertThat(bridge.stats().maxLoopLag()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }
}
