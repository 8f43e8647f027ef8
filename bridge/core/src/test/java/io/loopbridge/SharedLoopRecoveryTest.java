package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Contract, Bridge: in SHARED, if the loop thread dies (code on it stops the loop, or a callback
 * throws a fatal error, which the loop rethrows), calls in flight fail fast with
 * {@link LoopTerminatedException} and the next call runs on a new loop (a new thread when the old one
 * died).
 */
class SharedLoopRecoveryTest {
    /** Calls in flight must fail "fast": well before this. */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Duration FAST = Duration.ofSeconds(3);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();
    /** The death is logged as an error: kept off the console. */
    @RegisterExtension
    final LogCapture log = LogCapture.of(LoopBridge.class);
    @RegisterExtension
    final SimulatedOomHandler oom = new SimulatedOomHandler();
    private LoopBridge bridge;

    @BeforeEach
    void setUp() {
        bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
    }

    /** The name of the thread and of the loop a body runs on. */
    private String[] where() {
        return bridge.run(l -> CompletableFuture.completedFuture(new String[] {Thread.currentThread().getName(), l.name()}));
    }

    private static AsyncCallable<Object> stopsItsLoop() {
        return l -> {
            LoopManager.running().stop();
            return l.createFuture();
        };
    }

    private static AsyncCallable<Object> throwsFatalError(OutOfMemoryError error) {
        return l -> {
            l.callSoon(() -> {
                throw error;
            });
            return l.createFuture();
        };
    }

    // ------------------------------------------------------------------ what a health check sees

    @Test
    void deadLoopCause_presentFromTheDeathUntilTheNextCallReplacesTheLoop() {
        assertThat(bridge.deadLoopCause()).as("before the first call").isEmpty();
        where();
        assertThat(bridge.deadLoopCause()).as("alive").isEmpty();

        catchThrowable(() -> bridge.run(stopsItsLoop()));

        await().atMost(FAST).until(() -> bridge.deadLoopCause().isPresent());
        assertThat(bridge.deadLoopCause().orElseThrow()).hasMessageContaining("runForever()");
        where();
        assertThat(bridge.deadLoopCause()).as("replaced").isEmpty();
    }

    // ------------------------------------------------------------------ the loop is stopped by code on it

    @Test
    void loopStoppedByCodeOnIt_callStoppingItFailsFastWithLoopTerminated() {
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(stopsItsLoop()));

        assertThat(thrown).isInstanceOf(LoopTerminatedException.class)
                .hasMessageContaining(bridge.name() + "-shared-1")
                .hasMessageContaining("new loop thread");
        assertThat(BridgeFixture.since(start)).isLessThan(FAST);
    }

    @Test
    void loopStoppedByCodeOnIt_otherCallsInFlightFailFastWithLoopTerminated() {
        BridgeProbe<Object> inFlight = new BridgeProbe<>();
        CompletableFuture<Object> other = bridge.submit(inFlight.body());
        inFlight.awaitStarted();
        long start = System.nanoTime();

        catchThrowable(() -> bridge.run(stopsItsLoop()));

        assertThat(other).failsWithin(FAST).withThrowableThat().havingCause().isInstanceOf(LoopTerminatedException.class);
        assertThat(BridgeFixture.since(start)).isLessThan(FAST);
        assertThat(inFlight.stageCancelled()).isTrue();
    }

    @Test
    void loopStoppedByCodeOnIt_nextCallRunsOnNewLoop() {
        String[] before = where();

        catchThrowable(() -> bridge.run(stopsItsLoop()));
        String[] after = where();

        assertThat(before[1]).isEqualTo(bridge.name() + "-shared-1");
        assertThat(after[1]).isEqualTo(bridge.name() + "-shared-2");
        assertThat(after[0]).startsWith(BridgeFixture.threadPrefix(bridge) + "loop-");
    }

    @Test
    void loopStoppedByCodeOnIt_statsCountNewLoopAndClosedOne() {
        where();

        catchThrowable(() -> bridge.run(stopsItsLoop()));
        where();

        BridgeStats stats = bridge.stats();
        assertThat(stats.loopsCreated()).isEqualTo(2);
        assertThat(stats.loopsClosed()).isEqualTo(1);
        assertThat(stats.failures()).isEqualTo(1);
        assertThat(stats.inFlight()).isZero();
    }

    @Test
    void loopStoppedByCodeOnIt_deathLoggedAsErrorNamingLoop() {
        catchThrowable(() -> bridge.run(stopsItsLoop()));

        assertThat(log.messages(Level.ERROR)).anySatisfy(m -> assertThat(m)
                .contains(bridge.name()).contains(bridge.name() + "-shared-1").contains("died"));
    }

    // ------------------------------------------------------------------ a fatal error kills the loop thread

    @Test
    void fatalErrorInCallback_callsInFlightFailFastWithLoopTerminatedCarryingCause() {
        OutOfMemoryError simulated = new OutOfMemoryError("simulated");
        BridgeProbe<Object> inFlight = new BridgeProbe<>();
        CompletableFuture<Object> other = bridge.submit(inFlight.body());
        inFlight.awaitStarted();
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(throwsFatalError(simulated)));

        assertThat(thrown).isInstanceOf(LoopTerminatedException.class).hasCauseReference(simulated);
        assertThat(other).failsWithin(FAST).withThrowableThat().havingCause()
                .isInstanceOf(LoopTerminatedException.class).havingCause().isSameAs(simulated);
        assertThat(BridgeFixture.since(start)).isLessThan(FAST);
    }

    @Test
    void fatalErrorInCallback_nextCallRunsOnNewThreadAndLoop() {
        String[] before = where();

        catchThrowable(() -> bridge.run(throwsFatalError(new OutOfMemoryError("simulated"))));
        String[] after = where();

        assertThat(after[0]).startsWith(BridgeFixture.threadPrefix(bridge) + "loop-").isNotEqualTo(before[0]);
        assertThat(after[1]).isNotEqualTo(before[1]);
        assertThat(bridge.stats().loopsCreated()).isEqualTo(2);
    }

    @Test
    void fatalErrorInCallback_deadThreadEnds() {
        String[] before = where();

        catchThrowable(() -> bridge.run(throwsFatalError(new OutOfMemoryError("simulated"))));
        where();

        await().atMost(Duration.ofSeconds(5))
                .until(() -> !BridgeFixture.threadsNamed(BridgeFixture.threadPrefix(bridge)).contains(before[0]));
    }

    // ------------------------------------------------------------------ what does not kill it

    @Test
    void callbackThrowsRuntimeException_loopSurvives() {
        String[] before = where();

        String value = bridge.run(l -> {
            l.callSoon(() -> {
                throw new IllegalStateException("a bug in a callback");
            });
            return l.sleep(Duration.ofMillis(5)).thenApply(x -> "still running");
        });
        String[] after = where();

        assertThat(value).isEqualTo("still running");
        assertThat(after).containsExactly(before);
        assertThat(bridge.stats().loopsCreated()).isEqualTo(1);
    }

    @Test
    void bodyFails_loopSurvives() {
        String[] before = where();

        catchThrowable(() -> bridge.run(l -> {
            throw new IllegalStateException("body failed");
        }));
        String[] after = where();

        assertThat(after).containsExactly(before);
    }
}
