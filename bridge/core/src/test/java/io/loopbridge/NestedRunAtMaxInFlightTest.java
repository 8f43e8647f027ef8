package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Regression (found by {@link NestedCallFuzzTest}): a nested {@code run} on a loop thread, made while
 * its bridge had {@code maxInFlight} calls in flight, threw {@link BridgeRejectedException} (a 503 over
 * HTTP, "retry later") instead of {@link NestedLoopException}: the guard took an in-flight slot before
 * refusing, so under load the deadlock-prone call was reported as overload and the bug stayed hidden.
 */
class NestedRunAtMaxInFlightTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    /** What a nested {@code run} of {@code target} throws in a callback of a loop, with {@code target} full. */
    private Throwable nestedRunWhileFull(LoopBridge target) {
        CompletableFuture<Object> gate = fx.gate();
        target.submit(l -> l.await(gate)); // the one slot
        return LoopManager.run(l -> CompletableFuture.completedFuture(
                catchThrowable(() -> target.run(inner -> CompletableFuture.completedFuture("never")))));
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_onLoopThreadWhileBridgeAtMaxInFlight_throwsNestedLoopException(BridgeMode mode) {
        LoopBridge target = fx.bridge(mode, b -> b.maxInFlight(1).timeout(TIMEOUT));

        Throwable thrown = nestedRunWhileFull(target);

        assertThat(thrown).isInstanceOf(NestedLoopException.class).hasMessageContaining(target.name());
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_onLoopThreadWhileBridgeAtMaxInFlight_countedAsNestedRefusalNotRejection(BridgeMode mode) {
        LoopBridge target = fx.bridge(mode, b -> b.maxInFlight(1).timeout(TIMEOUT));

        nestedRunWhileFull(target);

        BridgeStats stats = target.stats();
        assertThat(stats.nestedRefusals()).isEqualTo(1);
        assertThat(stats.rejections()).isZero();
        assertThat(stats.calls()).isEqualTo(2);
        assertThat(stats.inFlight()).isEqualTo(1);
    }
}
