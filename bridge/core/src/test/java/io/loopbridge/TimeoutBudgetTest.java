package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11, item 2: a timeout is a budget; zero or negative means already expired. {@code loop.timeout}
 * with a spent budget cancels the inner stage and fails with {@link TimeoutException} at once (an
 * unstarted task never starts; a stage already complete keeps its outcome), and {@code bridge.run} with a
 * spent budget fails with {@link LoopTimeoutException} without starting the body, in every mode, counted
 * as a timeout. Configuration values stay strictly positive ({@code LoopBridgeBuilderTest}).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimeoutBudgetTest {
    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    // ------------------------------------------------------------------ loop.timeout

    @ParameterizedTest
    @ValueSource(longs = {0, -1, -60_000})
    void timeout_spentBudget_failsWithTimeoutAndCancelsInner(long millis) {
        EventLoop loop = EventLoop.create();
        CompletableFuture<String> inner = new CompletableFuture<>();

        Throwable failure = loop.runUntilComplete(l -> l.timeout(inner, Duration.ofMillis(millis)).handle((v, e) -> e));

        assertThat(failure).isInstanceOf(TimeoutException.class).hasMessageContaining(loop.name());
        assertThat(inner.isCancelled()).isTrue();
        loop.close();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1})
    void timeout_spentBudgetOnUnstartedTask_taskNeverStarts(long millis) {
        EventLoop loop = EventLoop.create();
        AtomicBoolean started = new AtomicBoolean();

        Object[] seen = loop.runUntilComplete(l -> {
            Task<String> task = l.createTask("late", in -> {
                started.set(true);
                return CompletableFuture.completedFuture("ran");
            });
            return l.timeout(task, Duration.ofMillis(millis)).handle((v, e) -> new Object[] {e, task.isCancelled()});
        });

        assertThat(seen[0]).isInstanceOf(TimeoutException.class);
        assertThat(seen[1]).as("task cancelled").isEqualTo(true);
        assertThat(started).as("the task's body ran although its budget was spent").isFalse();
        loop.close();
    }

    @Test
    void timeout_spentBudgetOnCompletedStage_keepsItsOutcome() {
        EventLoop loop = EventLoop.create();
        IOException boom = new IOException("boom");

        Object[] outcomes = loop.runUntilComplete(l -> l.timeout(CompletableFuture.completedFuture("v"), Duration.ofSeconds(-1))
                .thenCombine(l.timeout(CompletableFuture.failedFuture(boom), Duration.ZERO).handle((v, e) -> e),
                        (v, e) -> new Object[] {v, e}));

        assertThat(outcomes).containsExactly("v", boom);
        loop.close();
    }

    @Test
    void timeout_spentBudget_leavesNoTimer() {
        EventLoop loop = EventLoop.create();

        int timers = loop.runUntilComplete(l -> {
            l.timeout(new CompletableFuture<>(), Duration.ZERO);
            return CompletableFuture.completedFuture(Internals.pendingTimers(l));
        });

        assertThat(timers).isZero();
        loop.close();
    }

    // ------------------------------------------------------------------ bridge.run

    static Stream<Arguments> modesAndSpentBudgets() {
        return Stream.of(BridgeMode.values()).flatMap(mode -> Stream.of(Duration.ZERO, Duration.ofMillis(-1),
                Duration.ofSeconds(-30)).map(budget -> Arguments.of(mode, budget)));
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("modesAndSpentBudgets")
    void run_spentBudget_failsWithLoopTimeoutWithoutStartingTheBody(BridgeMode mode, Duration budget) {
        LoopBridge bridge = fx.bridge(mode);
        AtomicBoolean started = new AtomicBoolean();

        Throwable thrown = catchThrowable(() -> bridge.run(l -> {
            started.set(true);
            return CompletableFuture.completedFuture("ran");
        }, budget));

        assertThat(thrown).isExactlyInstanceOf(LoopTimeoutException.class)
                .hasMessageContaining(bridge.name())
                .hasMessageContaining(budget.toString());
        assertThat(((LoopTimeoutException) thrown).timeout()).isEqualTo(budget);
        assertThat(started).as("body started").isFalse();
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("modesAndSpentBudgets")
    void run_spentBudget_countedAsCallAndTimeoutTakingNoSlot(BridgeMode mode, Duration budget) {
        LoopBridge bridge = fx.bridge(mode);

        catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture(1), budget));

        BridgeStats stats = bridge.stats();
        assertThat(stats.calls()).isEqualTo(1);
        assertThat(stats.timeouts()).isEqualTo(1);
        assertThat(stats.failures()).isZero();
        assertThat(stats.inFlight()).isZero();
        assertThat(stats.loopsCreated()).as("no loop made for a call that cannot start").isZero();
    }

    @Test
    void run_spentBudgetOnALoopThread_isStillRefusedAsNested() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED);

        Throwable thrown = catchThrowable(() -> LoopManager.run(l -> CompletableFuture.completedFuture(
                bridge.run(in -> CompletableFuture.completedFuture(1), Duration.ZERO))));

        assertThat(thrown).isInstanceOf(NestedLoopException.class);
        assertThat(bridge.stats().timeouts()).isZero();
    }

    @Test
    void run_nullBudget_throwsNpeNamingIt() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL);

        assertThatThrownBy(() -> bridge.run(l -> CompletableFuture.completedFuture(1), null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("timeout must not be null");
        assertThat(bridge.stats().calls()).isZero();
    }
}
