package io.loopbridge.micrometer;

import io.loopbridge.BridgeFixture;
import io.loopbridge.BridgeStats;
import io.loopbridge.LogCapture;
import io.loopbridge.LoopFuture;
import io.loopbridge.BridgeMode;
import io.loopbridge.LoopBridge;
import io.loopbridge.LoopManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Bridge: a Micrometer binder exposes the same numbers as {@code stats()}, tagged
 * {@code bridge} and {@code mode}.
 */
class LoopBridgeMetricsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    private final MeterRegistry registry = new SimpleMeterRegistry();

    private double calls(LoopBridge bridge, String outcome) {
        return registry.get("loopbridge.calls").tags("bridge", bridge.name(), "mode", bridge.mode().name(),
                "outcome", outcome).functionCounter().count();
    }

    private double counter(LoopBridge bridge, String name) {
        return registry.get(name).tags("bridge", bridge.name(), "mode", bridge.mode().name()).functionCounter().count();
    }

    private double gauge(LoopBridge bridge, String name) {
        return registry.get(name).tags("bridge", bridge.name(), "mode", bridge.mode().name()).gauge().value();
    }

    /** A success, a failure, a timeout, a rejection and a nested refusal; one call left in flight. */
    private static void mixedWorkload(LoopBridge bridge, CompletableFuture<Object> gate) {
        bridge.run(l -> l.sleep(Duration.ofMillis(1)));
        catchThrowable(() -> bridge.run(l -> CompletableFuture.failedFuture(new IllegalStateException("boom"))));
        catchThrowable(() -> bridge.run(l -> l.createFuture(), Duration.ofMillis(50)));
        LoopManager.run(l -> {
            catchThrowable(() -> bridge.run(inner -> CompletableFuture.completedFuture("nested")));
            return l.sleep(Duration.ZERO);
        });
        bridge.submit(l -> l.await(gate));
        catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture("over the bound")));
    }

    // ------------------------------------------------------------------ the latency timer

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void latencyTimer_perOutcome_untilClosed(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.maxInFlight(1).timeout(TIMEOUT));
        LoopBridgeMetrics metrics = new LoopBridgeMetrics(bridge);
        metrics.bindTo(registry);

        CompletableFuture<Object> gate = fx.gate();
        mixedWorkload(bridge, gate);
        metrics.close();
        gate.complete("done"); // the call left in flight now succeeds, after close: not recorded
        await().atMost(TIMEOUT).until(() -> bridge.stats().inFlight() == 0);

        assertThat(latency(bridge, "success").count()).isEqualTo(1);
        assertThat(latency(bridge, "failure").count()).isEqualTo(1);
        assertThat(latency(bridge, "timeout").count()).isEqualTo(1);
        assertThat(latency(bridge, "timeout").totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(50);
        assertThat(latency(bridge, "success").totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(1);
    }

    private io.micrometer.core.instrument.Timer latency(LoopBridge bridge, String outcome) {
        return registry.get(LoopBridgeMetrics.LATENCY).tags("bridge", bridge.name(), "mode", bridge.mode().name(),
                "outcome", outcome).timer();
    }

    // ------------------------------------------------------------------ the same numbers as stats()

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void bindTo_callOutcomes_matchStats(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.maxInFlight(1).timeout(TIMEOUT));
        new LoopBridgeMetrics(bridge).bindTo(registry);

        mixedWorkload(bridge, fx.gate());

        BridgeStats stats = bridge.stats();
        assertThat(calls(bridge, "success")).isEqualTo(stats.successes()).isEqualTo(1);
        assertThat(calls(bridge, "failure")).isEqualTo(stats.failures()).isEqualTo(1);
        assertThat(calls(bridge, "timeout")).isEqualTo(stats.timeouts()).isEqualTo(1);
        assertThat(calls(bridge, "rejected")).isEqualTo(stats.rejections()).isEqualTo(1);
        assertThat(calls(bridge, "nested")).isEqualTo(stats.nestedRefusals()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void bindTo_inFlightGauge_tracksCallsInFlight(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));
        new LoopBridgeMetrics(bridge).bindTo(registry);
        CompletableFuture<Object> gate = new CompletableFuture<>();
        CompletableFuture<Object> call = bridge.submit(l -> l.await(gate));

        double during = gauge(bridge, "loopbridge.calls.inflight");
        gate.complete("open");
        assertThat(call).succeedsWithin(Duration.ofSeconds(5));

        assertThat(during).isEqualTo(1);
        assertThat(gauge(bridge, "loopbridge.calls.inflight")).isZero().isEqualTo(bridge.stats().inFlight());
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void bindTo_loopCounters_matchStats(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));
        new LoopBridgeMetrics(bridge).bindTo(registry);
        try (LogCapture quiet = LogCapture.of(LoopBridge.class)) { // the leftover warning
            for (int i = 0; i < 3; i++) {
                bridge.run(l -> {
                    l.createTask("left-behind", t -> t.createFuture());
                    return l.sleep(Duration.ofMillis(1));
                });
            }
        }

        BridgeStats stats = bridge.stats();
        assertThat(counter(bridge, "loopbridge.loops.created")).isEqualTo(stats.loopsCreated()).isPositive();
        assertThat(counter(bridge, "loopbridge.loops.closed")).isEqualTo(stats.loopsClosed());
        assertThat(counter(bridge, "loopbridge.tasks.leftover")).isEqualTo(stats.leftoverTasksCancelled());
    }

    @Test
    void bindTo_perCallLeftovers_exposed() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL, b -> b.timeout(TIMEOUT));
        new LoopBridgeMetrics(bridge).bindTo(registry);
        try (LogCapture quiet = LogCapture.of(LoopBridge.class)) {
            bridge.run(l -> {
                LoopFuture<Void> started = l.createFuture();
                l.createTask("left-behind", t -> {
                    started.complete(null);
                    return t.createFuture();
                });
                return started;
            });
        }

        assertThat(counter(bridge, "loopbridge.tasks.leftover")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"SHARED", "PER_CALL_POOLED"}) // PER_CALL run has no lag
    void bindTo_loopLagGauges_matchStatsInSeconds(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));
        new LoopBridgeMetrics(bridge).bindTo(registry);
        bridge.run(l -> CompletableFuture.completedFuture(null));

        BridgeStats stats = bridge.stats();
        double lag = gauge(bridge, "loopbridge.loop.lag");
        double maxLag = gauge(bridge, "loopbridge.loop.lag.max");

        assertThat(lag).isNotNegative().isEqualTo(stats.loopLag().toNanos() / 1e9);
        assertThat(maxLag).isPositive().isEqualTo(stats.maxLoopLag().toNanos() / 1e9);
        assertThat(registry.get("loopbridge.loop.lag").gauge().getId().getBaseUnit()).isEqualTo("seconds");
    }

    // ------------------------------------------------------------------ tags

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void bindTo_everyMeter_taggedBridgeAndMode(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode);

        new LoopBridgeMetrics(bridge).bindTo(registry);

        assertThat(registry.getMeters()).hasSizeGreaterThanOrEqualTo(11).allSatisfy(meter -> {
            assertThat(meter.getId().getName()).startsWith("loopbridge.");
            assertThat(meter.getId().getTag("bridge")).isEqualTo(bridge.name());
            assertThat(meter.getId().getTag("mode")).isEqualTo(mode.name());
        });
    }

    @Test
    void bindTo_twoBridges_keptApartByTags() {
        LoopBridge first = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
        LoopBridge second = fx.bridge(BridgeMode.PER_CALL, b -> b.timeout(TIMEOUT));
        new LoopBridgeMetrics(first).bindTo(registry);
        new LoopBridgeMetrics(second).bindTo(registry);

        first.run(l -> CompletableFuture.completedFuture(null));
        first.run(l -> CompletableFuture.completedFuture(null));
        second.run(l -> CompletableFuture.completedFuture(null));

        assertThat(calls(first, "success")).isEqualTo(2);
        assertThat(calls(second, "success")).isEqualTo(1);
    }

    @Test
    void bindTo_freshBridge_everyMeterReadsZeroAndStartsNoLoop() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
        new LoopBridgeMetrics(bridge).bindTo(registry);
        CopyOnWriteArrayList<Double> values = new CopyOnWriteArrayList<>();

        for (Meter meter : registry.getMeters()) {
            meter.measure().forEach(m -> values.add(m.getValue()));
        }

        assertThat(values).isNotEmpty().allSatisfy(v -> assertThat(v).isZero());
        assertThat(bridge.stats().loopsCreated()).as("reading the metrics starts no loop").isZero();
    }

    @Test
    void constructor_nullBridge_throwsNullPointerNamingIt() {
        assertThatThrownBy(() -> new LoopBridgeMetrics(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("bridge");
    }

    @Test
    void inFlightGauge_sampledRepeatedly_followsStats() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.timeout(TIMEOUT));
        new LoopBridgeMetrics(bridge).bindTo(registry);
        CompletableFuture<Object> gate = new CompletableFuture<>();
        for (int i = 0; i < 3; i++) {
            bridge.submit(l -> l.await(gate));
        }
        assertThat(gauge(bridge, "loopbridge.calls.inflight")).isEqualTo(3);

        gate.complete("open");

        await().atMost(Duration.ofSeconds(5)).until(() -> gauge(bridge, "loopbridge.calls.inflight") == 0);
    }
}
