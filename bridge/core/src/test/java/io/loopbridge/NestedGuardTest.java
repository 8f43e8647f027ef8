package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract, Bridge, nested guard: {@code run} (any bridge, any mode) or {@code LoopManager.run} on a
 * thread that is running a loop, or on the shared loop thread, throws {@link NestedLoopException}
 * immediately and never deadlocks; so does a blocking {@code get}/{@code join} of an unfinished loop
 * future or {@code submit} future. The message names the thread, the loop and the fix. Every pair of
 * outer context (a callback of a loop of each mode, of {@code LoopManager.run}) and inner blocking
 * entry is tried.
 */
class NestedGuardTest {
    /** Far beyond how long a refusal may take: a refusal must come "immediately", well before this. */
    private static final Duration INNER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration IMMEDIATELY = Duration.ofSeconds(2);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    /** Where the blocking entry is attempted: a callback (a sleep continuation) of a loop run so. */
    enum Outer {
        PER_CALL_CALLBACK, PER_CALL_POOLED_CALLBACK, SHARED_CALLBACK, LOOP_MANAGER_RUN_CALLBACK
    }

    /** The blocking entry attempted in the callback. */
    enum Inner {
        RUN_PER_CALL_BRIDGE, RUN_PER_CALL_POOLED_BRIDGE, RUN_SHARED_BRIDGE, RUN_WITH_TIMEOUT_SHARED_BRIDGE,
        LOOP_MANAGER_RUN,
        LOOP_FUTURE_GET, LOOP_FUTURE_GET_WITH_TIMEOUT, LOOP_FUTURE_JOIN,
        SUBMIT_FUTURE_GET, SUBMIT_FUTURE_GET_WITH_TIMEOUT, SUBMIT_FUTURE_JOIN
    }

    /** What happened in the callback: what the entry threw, how long it took, where. */
    record Attempt(Throwable thrown, Duration took, String thread, String loop) {}

    static Stream<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (Outer outer : Outer.values()) {
            for (Inner inner : Inner.values()) {
                pairs.add(Arguments.of(outer, inner));
            }
        }
        return pairs.stream();
    }

    // ------------------------------------------------------------------ every pair

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void blockingEntry_inLoopCallback_throwsNestedLoopExceptionAtOnce(Outer outer, Inner inner) {
        Map<BridgeMode, LoopBridge> targets = innerBridges();
        LoopBridge submitTarget = fx.bridge(BridgeMode.SHARED, b -> b.timeout(INNER_TIMEOUT));

        Attempt attempt = inCallback(outer, l -> enter(inner, l, targets, submitTarget));

        assertThat(attempt.thrown()).isInstanceOf(NestedLoopException.class);
        assertThat(attempt.took()).isLessThan(IMMEDIATELY);
        assertThat(attempt.thrown().getMessage())
                .contains("'" + attempt.thread() + "'")
                .contains("'" + attempt.loop() + "'")
                .contains("submit")
                .contains("CompletionStage");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void blockingEntry_refused_countedOnlyAsNestedRefusalOfItsBridge(Outer outer, Inner inner) {
        Map<BridgeMode, LoopBridge> targets = innerBridges();
        LoopBridge submitTarget = fx.bridge(BridgeMode.SHARED, b -> b.timeout(INNER_TIMEOUT));

        inCallback(outer, l -> enter(inner, l, targets, submitTarget));

        BridgeMode refusing = switch (inner) {
            case RUN_PER_CALL_BRIDGE -> BridgeMode.PER_CALL;
            case RUN_PER_CALL_POOLED_BRIDGE -> BridgeMode.PER_CALL_POOLED;
            case RUN_SHARED_BRIDGE, RUN_WITH_TIMEOUT_SHARED_BRIDGE -> BridgeMode.SHARED;
            default -> null;
        };
        for (Map.Entry<BridgeMode, LoopBridge> target : targets.entrySet()) {
            BridgeStats stats = target.getValue().stats();
            long expected = target.getKey() == refusing ? 1 : 0;
            assertThat(stats.nestedRefusals()).as(target.getKey() + " refusals").isEqualTo(expected);
            assertThat(stats.calls()).as(target.getKey() + " calls").isEqualTo(expected);
            assertThat(stats.inFlight()).as(target.getKey() + " in flight").isZero();
            assertThat(stats.loopsCreated()).as(target.getKey() + " loops created").isZero();
        }
    }

    /** A fresh bridge of each mode, with a timeout the refusal must beat by far. */
    private Map<BridgeMode, LoopBridge> innerBridges() {
        Map<BridgeMode, LoopBridge> bridges = new EnumMap<>(BridgeMode.class);
        for (BridgeMode mode : BridgeMode.values()) {
            bridges.put(mode, fx.bridge(mode, b -> b.timeout(INNER_TIMEOUT)));
        }
        return bridges;
    }

    @FunctionalInterface
    interface Entry {
        void enter(EventLoop loop) throws Exception;
    }

    private void enter(Inner inner, EventLoop loop, Map<BridgeMode, LoopBridge> bridges, LoopBridge submitTarget)
            throws Exception {
        AsyncCallable<String> quick = l -> CompletableFuture.completedFuture("should not run");
        switch (inner) {
            case RUN_PER_CALL_BRIDGE -> bridges.get(BridgeMode.PER_CALL).run(quick);
            case RUN_PER_CALL_POOLED_BRIDGE -> bridges.get(BridgeMode.PER_CALL_POOLED).run(quick);
            case RUN_SHARED_BRIDGE -> bridges.get(BridgeMode.SHARED).run(quick);
            case RUN_WITH_TIMEOUT_SHARED_BRIDGE -> bridges.get(BridgeMode.SHARED).run(quick, INNER_TIMEOUT);
            case LOOP_MANAGER_RUN -> LoopManager.run(quick);
            case LOOP_FUTURE_GET -> loop.createFuture().get();
            case LOOP_FUTURE_GET_WITH_TIMEOUT -> loop.createFuture().get(INNER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            case LOOP_FUTURE_JOIN -> loop.sleep(Duration.ofHours(1)).join();
            case SUBMIT_FUTURE_GET -> blockOnPendingSubmit(submitTarget, f -> f.get());
            case SUBMIT_FUTURE_GET_WITH_TIMEOUT ->
                    blockOnPendingSubmit(submitTarget, f -> f.get(INNER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            case SUBMIT_FUTURE_JOIN -> blockOnPendingSubmit(submitTarget, CompletableFuture::join);
            default -> throw new AssertionError(inner);
        }
    }

    @FunctionalInterface
    interface Wait {
        Object on(CompletableFuture<Object> future) throws Exception;
    }

    private void blockOnPendingSubmit(LoopBridge target, Wait wait) throws Exception {
        CompletableFuture<Object> gate = fx.gate();
        CompletableFuture<Object> pending = target.submit(l -> l.await(gate));
        try {
            wait.on(pending);
        } finally {
            pending.cancel(true);
        }
    }

    /** Runs {@code entry} in a loop callback of {@code outer}; the loop goes on afterwards and returns the attempt. */
    private Attempt inCallback(Outer outer, Entry entry) {
        AsyncCallable<Attempt> body = l -> l.sleep(Duration.ofMillis(1))
                .thenApply(x -> attempt(l, entry))
                .thenCompose(a -> l.sleep(Duration.ofMillis(1)).thenApply(x -> a)); // the loop still works
        return switch (outer) {
            case PER_CALL_CALLBACK -> fx.bridge(BridgeMode.PER_CALL, b -> b.timeout(Duration.ofSeconds(15))).run(body);
            case PER_CALL_POOLED_CALLBACK ->
                    fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.timeout(Duration.ofSeconds(15))).run(body);
            case SHARED_CALLBACK -> fx.bridge(BridgeMode.SHARED, b -> b.timeout(Duration.ofSeconds(15))).run(body);
            case LOOP_MANAGER_RUN_CALLBACK -> LoopManager.run(body);
        };
    }

    private static Attempt attempt(EventLoop loop, Entry entry) {
        String thread = Thread.currentThread().getName();
        String loopName = LoopManager.running().name();
        assertThat(loopName).isEqualTo(loop.name());
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> entry.enter(loop));
        return new Attempt(thrown, BridgeFixture.since(start), thread, loopName);
    }

    // ------------------------------------------------------------------ the classic deadlocks

    @Test
    void sharedBridge_runFromItsOwnLoop_refusedAtOnceAndBridgeKeepsWorking() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(INNER_TIMEOUT));
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture(
                bridge.run(inner -> CompletableFuture.completedFuture("never")))));
        Duration took = BridgeFixture.since(start);
        String after = bridge.run(l -> CompletableFuture.completedFuture("still serving"));

        assertThat(thrown).isInstanceOf(NestedLoopException.class).hasMessageContaining(bridge.name());
        assertThat(took).isLessThan(IMMEDIATELY);
        assertThat(after).isEqualTo("still serving");
        assertThat(bridge.stats().nestedRefusals()).isEqualTo(1);
    }

    @Test
    void pooledWorker_reentryWithPoolSaturated_refusedWithoutHang() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.poolSize(1).timeout(INNER_TIMEOUT));
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture(
                bridge.run(inner -> CompletableFuture.completedFuture("never")))));
        Duration took = BridgeFixture.since(start);

        assertThat(thrown).isInstanceOf(NestedLoopException.class);
        assertThat(took).isLessThan(IMMEDIATELY);
        assertThat(bridge.stats().nestedRefusals()).isEqualTo(1);
    }

    @Test
    void pooledWorker_joinOfOwnQueuedSubmitWithPoolSaturated_refusedWithoutHang() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.poolSize(1).timeout(INNER_TIMEOUT));
        List<CompletableFuture<String>> queued = new ArrayList<>();
        fx.onTeardown(() -> queued.forEach(f -> f.cancel(true)));
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(l -> {
            CompletableFuture<String> inner = bridge.submit(i -> CompletableFuture.completedFuture("queued"));
            queued.add(inner);
            return CompletableFuture.completedFuture(inner.join()); // the only worker is this one
        }));
        Duration took = BridgeFixture.since(start);

        assertThat(thrown).isInstanceOf(NestedLoopException.class);
        assertThat(took).isLessThan(IMMEDIATELY);
        assertThat(queued.get(0)).as("the queued call still runs once the worker is free")
                .succeedsWithin(Duration.ofSeconds(5)).isEqualTo("queued");
    }

    @Test
    void nestedRefusals_eachRefusedRunCounted() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(INNER_TIMEOUT));
        AsyncCallable<String> quick = l -> CompletableFuture.completedFuture("x");

        LoopManager.run(l -> {
            for (int i = 0; i < 3; i++) {
                catchThrowable(() -> bridge.run(quick));
            }
            return l.sleep(Duration.ofMillis(1));
        });

        BridgeStats stats = bridge.stats();
        assertThat(stats.nestedRefusals()).isEqualTo(3);
        assertThat(stats.calls()).isEqualTo(3);
        assertThat(stats.failures()).isZero();
        assertThat(stats.inFlight()).isZero();
    }

    // ------------------------------------------------------------------ what is not refused

    @Test
    void joinOfFinishedSubmitFuture_inLoopCallback_returnsValue() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(INNER_TIMEOUT));
        CompletableFuture<String> done = bridge.submit(l -> CompletableFuture.completedFuture("finished"));
        assertThat(done).succeedsWithin(Duration.ofSeconds(5));

        String value = LoopManager.run(l -> CompletableFuture.completedFuture(done.join()));

        assertThat(value).isEqualTo("finished");
    }

    @Test
    void run_afterThreadsLoopReturned_isAllowedAgain() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL, b -> b.timeout(INNER_TIMEOUT));
        LoopManager.run(l -> l.sleep(Duration.ofMillis(1)));

        String value = bridge.run(l -> CompletableFuture.completedFuture("ok"));

        assertThat(value).isEqualTo("ok");
        assertThat(LoopManager.current()).isEmpty();
    }

    @Test
    void submit_inLoopCallback_isNotRefused() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.timeout(INNER_TIMEOUT));

        String value = LoopManager.run(l -> l.await(bridge.submit(i -> CompletableFuture.completedFuture("composed"))));

        assertThat(value).isEqualTo("composed");
        assertThat(bridge.stats().nestedRefusals()).isZero();
    }
}
