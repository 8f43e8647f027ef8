package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Bridge: a {@link CallListener} hears of every admitted call's end with its outcome and
 * duration; a body's own expired {@code loop.timeout} is a timeout (in the listener and the stats),
 * not a failure; closing the handle stops it; a throwing listener is logged and changes nothing; the
 * close of a bridge fails its calls in flight with {@link BridgeClosedException}.
 */
class CallListenerTest {
    private static final Duration SHORT = Duration.ofMillis(50);
    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();
    @RegisterExtension
    final LogCapture log = LogCapture.of(LoopBridge.class);

    record Heard(String bridge, CallOutcome outcome, long nanos, String thread) {}

    private static List<Heard> listen(LoopBridge bridge) {
        List<Heard> heard = new CopyOnWriteArrayList<>();
        bridge.addCallListener((b, outcome, nanos) -> heard.add(new Heard(b.name(), outcome, nanos,
                Thread.currentThread().getName())));
        return heard;
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void hearsEachOutcomeWithItsDuration(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(Duration.ofSeconds(10)));
        List<Heard> heard = listen(bridge);

        bridge.run(l -> l.sleep(Duration.ofMillis(20)));
        catchThrowable(() -> bridge.run(l -> CompletableFuture.failedFuture(new IllegalStateException("boom"))));
        catchThrowable(() -> bridge.run(l -> l.createFuture(), SHORT));

        assertThat(heard).extracting(Heard::outcome)
                .containsExactly(CallOutcome.SUCCESS, CallOutcome.FAILURE, CallOutcome.TIMEOUT);
        assertThat(heard).extracting(Heard::bridge).containsOnly(bridge.name());
        assertThat(heard.get(0).nanos()).isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
        assertThat(heard.get(2).nanos()).isGreaterThanOrEqualTo(SHORT.toNanos());
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void aBodysOwnLoopTimeoutIsCountedAsATimeout(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(Duration.ofSeconds(10)));
        List<Heard> heard = listen(bridge);

        Throwable thrown = catchThrowable(() -> bridge.run(l -> l.timeout(l.createFuture(), SHORT)));

        assertThat(thrown).isInstanceOf(AsyncExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        assertThat(heard).extracting(Heard::outcome).containsExactly(CallOutcome.TIMEOUT);
        assertThat(bridge.stats().timeouts()).isEqualTo(1);
        assertThat(bridge.stats().failures()).isZero();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void closingTheHandleStopsTheListener(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode);
        List<Heard> heard = new CopyOnWriteArrayList<>();
        CallListener.Registration handle = bridge.addCallListener((b, o, n) -> heard.add(new Heard(b.name(), o, n, "")));
        List<Heard> other = listen(bridge);
        bridge.run(l -> CompletableFuture.completedFuture(1));

        handle.close();
        handle.close(); // idempotent
        bridge.run(l -> CompletableFuture.completedFuture(2));

        assertThat(heard).hasSize(1);
        assertThat(other).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void aThrowingListenerIsLoggedAndTheOutcomeStands(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode);
        bridge.addCallListener((b, o, n) -> {
            throw new IllegalStateException("listener bug");
        });

        Integer value = bridge.run(l -> CompletableFuture.completedFuture(42));

        assertThat(value).isEqualTo(42);
        assertThat(log.messages(Level.WARN)).anySatisfy(m -> assertThat(m).contains("call listener").contains(bridge.name()));
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void refusedCallsAreNotHeard(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode);
        List<Heard> heard = listen(bridge);

        catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture(1), Duration.ZERO));
        catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture(bridge.run(inner -> inner.sleep(SHORT)))));

        assertThat(heard).extracting(Heard::outcome).containsExactly(CallOutcome.FAILURE); // the outer call only
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void closeFailsCallsInFlightWithBridgeClosed(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(Duration.ofSeconds(10)));
        BridgeProbe<Object> probe = new BridgeProbe<>();
        CompletableFuture<Object> call = bridge.submit(probe.body());
        probe.awaitStarted();

        bridge.close();

        Throwable thrown = catchThrowable(() -> call.get()); // get() throws a cancellation as it is
        assertThat(thrown).isInstanceOf(BridgeClosedException.class).hasMessageContaining("bridge '" + bridge.name() + "'").hasMessageContaining("retry");
    }
}
