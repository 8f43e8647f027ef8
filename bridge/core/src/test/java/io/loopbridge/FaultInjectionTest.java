package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ThrowableProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 6, reliability: faults injected into the loops of a bridge. Each test names the fault, what
 * the caller sees, and (in a test of its own) that the next call is served:
 * <ul>
 *   <li>a callback or body that throws an {@link Error} on the shared loop: a
 *   {@link StackOverflowError} (real recursion) is that call's failure and the loop goes on; a
 *   (simulated, explicitly thrown) {@link OutOfMemoryError} kills the loop thread, the caller gets
 *   {@link LoopTerminatedException} carrying it, and the next call runs on a new loop thread;</li>
 *   <li>a callback stuck forever (held on a latch released after the test): the caller gets
 *   {@link LoopTimeoutException} at its timeout;</li>
 *   <li>an external future that never completes: {@link LoopTimeoutException} at the timeout, and the
 *   future is cancelled;</li>
 *   <li>the loop thread interrupted: the shared loop is replaced, a per-call loop cancels its body;</li>
 *   <li>{@code close()} racing with calls: every call ends at once, as a success, a cancellation or
 *   an {@link IllegalStateException} naming the closed bridge.</li>
 * </ul>
 */
class FaultInjectionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Duration SHORT = Duration.ofMillis(300);
    /** Workers of the per-call modes in a close race: more than the gate-waiting calls it makes, so none queues. */
    private static final int RACE_WORKERS = 32;
    /** Generous: "at once" and "on time" on a noisy shared machine. */
    private static final Duration FAST = Duration.ofSeconds(3);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();
    /** Loop deaths and stuck callbacks are logged: kept off the console. */
    @RegisterExtension
    final LogCapture bridgeLog = LogCapture.of(LoopBridge.class);
    @RegisterExtension
    final LogCapture loopLog = LogCapture.of(EventLoop.class);
    @RegisterExtension
    final SimulatedOomHandler oom = new SimulatedOomHandler();

    /** The thread and the loop a quick body runs on. */
    private static String[] where(LoopBridge bridge) {
        return bridge.run(l -> CompletableFuture.completedFuture(new String[] {Thread.currentThread().getName(), l.name()}));
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    /** A body that recurses until the stack overflows, on the loop thread. */
    private static AsyncCallable<Object> overflowingBody() {
        return l -> CompletableFuture.completedFuture(recurse(0));
    }

    // ------------------------------------------------------------------ Errors on the shared loop

    @Test
    void shared_bodyOverflowsStack_callerGetsStackOverflowError() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));

        Throwable thrown = catchThrowable(() -> bridge.run(overflowingBody()));

        assertThat(thrown).isInstanceOf(StackOverflowError.class);
    }

    @Test
    void shared_bodyOverflowsStack_nextCallServedOnSameLoopThread() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
        String[] before = where(bridge);

        catchThrowable(() -> bridge.run(overflowingBody()));

        assertThat(where(bridge)).containsExactly(before);
    }

    @Test
    void shared_callbackOverflowsStack_callerStillGetsItsValue() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));

        String value = bridge.run(l -> {
            l.callSoon(() -> recurse(0));
            return l.sleep(Duration.ofMillis(5)).thenApply(x -> "served");
        });

        assertThat(value).isEqualTo("served");
    }

    @Test
    void shared_callbackOverflowsStack_reportedToLoopsExceptionHandler() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));

        bridge.run(l -> {
            l.callSoon(() -> recurse(0));
            return l.sleep(Duration.ofMillis(5));
        });

        assertThat(loopLog.events(Level.ERROR)).anySatisfy(e -> assertThat(((ThrowableProxy) e.getThrowableProxy())
                .getThrowable()).isInstanceOf(StackOverflowError.class));
    }

    @Test
    void shared_bodyThrowsSimulatedOutOfMemoryError_callerGetsLoopTerminatedCarryingIt() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
        OutOfMemoryError simulated = new OutOfMemoryError("simulated");
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(l -> {
            throw simulated;
        }));

        assertThat(thrown).isInstanceOf(LoopTerminatedException.class).hasCauseReference(simulated);
        assertThat(BridgeFixture.since(start)).isLessThan(FAST);
    }

    @Test
    void shared_bodyThrowsSimulatedOutOfMemoryError_nextCallServedOnNewLoopThread() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
        String[] before = where(bridge);

        catchThrowable(() -> bridge.run(l -> {
            throw new OutOfMemoryError("simulated");
        }));
        String[] after = where(bridge);

        assertThat(after[0]).isNotEqualTo(before[0]).startsWith(BridgeFixture.threadPrefix(bridge) + "loop-");
        assertThat(after[1]).isEqualTo(bridge.name() + "-shared-2");
    }

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"PER_CALL", "PER_CALL_POOLED"})
    void perCallModes_bodyThrowsSimulatedOutOfMemoryError_callerGetsThatError(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));
        OutOfMemoryError simulated = new OutOfMemoryError("simulated");

        Throwable thrown = catchThrowable(() -> bridge.run(l -> {
            throw simulated;
        }));

        assertThat(thrown).isSameAs(simulated);
    }

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"PER_CALL", "PER_CALL_POOLED"})
    void perCallModes_bodyThrowsSimulatedOutOfMemoryError_nextCallServedAndStatsAddUp(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));

        catchThrowable(() -> bridge.run(l -> {
            throw new OutOfMemoryError("simulated");
        }));
        String value = bridge.run(l -> CompletableFuture.completedFuture("served"));

        assertThat(value).isEqualTo("served");
        BridgeStats stats = bridge.stats();
        assertThat(stats.failures()).isEqualTo(1);
        assertThat(stats.successes()).isEqualTo(1);
        assertThat(stats.inFlight()).isZero();
        assertThat(stats.loopsClosed()).isEqualTo(stats.loopsCreated()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ a callback stuck forever (released after the test)

    /** A body whose first callback blocks until {@code release} opens; signals {@code started} first. */
    private static AsyncCallable<Object> stuckBody(CountDownLatch started, CountDownLatch release) {
        return l -> {
            started.countDown();
            BridgeFixture.holdUninterruptibly(release);
            return CompletableFuture.completedFuture("released");
        };
    }

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"SHARED", "PER_CALL_POOLED"})
    void callbackStuckForever_callerGetsLoopTimeoutAtItsTimeout(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(SHORT));
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(stuckBody(new CountDownLatch(1), fx.latch())));

        assertThat(thrown).isInstanceOf(LoopTimeoutException.class);
        assertThat(BridgeFixture.since(start)).isBetween(SHORT, SHORT.plus(FAST));
    }

    @Test
    void shared_callbackStuckForever_otherCallersTimeOutMeanwhile() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(SHORT));
        CountDownLatch started = new CountDownLatch(1);
        bridge.submit(stuckBody(started, fx.latch()));
        BridgeFixture.awaitLatch(started);

        Throwable thrown = catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture("quick")));

        assertThat(thrown).as("one stuck callback stalls every call of a shared loop").isInstanceOf(LoopTimeoutException.class);
    }

    @Test
    void shared_callbackStuckThenReleased_nextCallServedOnSameLoopThread() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(SHORT));
        String[] before = where(bridge);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = fx.latch();
        catchThrowable(() -> bridge.run(stuckBody(started, release)));

        release.countDown();

        assertThat(where(bridge)).containsExactly(before);
    }

    @Test
    void pooled_callbackStuckForever_nextCallServedByAnotherWorker() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.timeout(SHORT).poolSize(2));
        CountDownLatch started = new CountDownLatch(1);
        catchThrowable(() -> bridge.run(stuckBody(started, fx.latch())));

        String value = bridge.run(l -> CompletableFuture.completedFuture("served"), TIMEOUT);

        assertThat(value).isEqualTo("served");
    }

    @Test
    void perCall_callbackStuckForever_callerHeldPastItsTimeoutUntilReleased() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL, b -> b.timeout(SHORT));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = fx.latch();
        BridgeCaller<Object> caller = BridgeCaller.start("servlet-per-call-stuck", () -> bridge.run(stuckBody(started, release)));
        BridgeFixture.awaitLatch(started);

        // the documented sharp edge of PER_CALL: the caller's own thread is the stuck loop thread
        await().during(SHORT.multipliedBy(3)).atMost(SHORT.multipliedBy(3).plus(FAST)).until(() -> !caller.outcome.isDone());
        release.countDown();

        // then it gets the body's own outcome, late: the timeout timer could not fire on the stuck thread,
        // and the body completed in the very callback that was stuck
        assertThat(caller.outcome).succeedsWithin(FAST).isEqualTo("released");
    }

    // ------------------------------------------------------------------ an external future that never completes

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void externalFutureNeverCompletes_callerGetsLoopTimeoutAtItsTimeout(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(SHORT));
        CompletableFuture<String> never = new CompletableFuture<>();
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> bridge.run(l -> l.await(never)));

        assertThat(thrown).isInstanceOf(LoopTimeoutException.class);
        assertThat(BridgeFixture.since(start)).isBetween(SHORT, SHORT.plus(FAST));
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void externalFutureNeverCompletes_isCancelledWhenCallTimesOut(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(SHORT));
        CompletableFuture<String> never = new CompletableFuture<>();

        catchThrowable(() -> bridge.run(l -> l.await(never)));

        await().atMost(FAST).until(never::isCancelled); // on the loop, maybe just after the caller returned
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void externalFutureNeverCompletes_otherCallsServedMeanwhile(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));
        CompletableFuture<String> never = fx.gate();
        CompletableFuture<String> waiting = bridge.submit(l -> l.await(never));

        String value = bridge.run(l -> l.sleep(Duration.ofMillis(1)).thenApply(x -> "served"));

        assertThat(value).isEqualTo("served");
        assertThat(waiting).isNotDone();
    }

    // ------------------------------------------------------------------ the loop thread interrupted

    /** The shared loop's thread, as a body sees it. */
    private static Thread loopThreadOf(LoopBridge bridge) {
        return bridge.run(l -> CompletableFuture.completedFuture(Thread.currentThread()));
    }

    @Test
    void shared_loopThreadInterruptedWhileIdle_nextCallServedOnNewLoop() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
        Thread loopThread = loopThreadOf(bridge);

        loopThread.interrupt();
        await().atMost(FAST).until(() -> bridge.stats().loopsClosed() == 1); // it died of the interrupt
        String[] after = where(bridge);

        assertThat(after[1]).isEqualTo(bridge.name() + "-shared-2");
    }

    @Test
    void shared_loopThreadInterruptedWithCallInFlight_callerGetsLoopTerminatedFast() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
        Thread loopThread = loopThreadOf(bridge);
        BridgeProbe<Object> inFlight = new BridgeProbe<>();
        BridgeCaller<Object> caller = BridgeCaller.start("servlet-in-flight", () -> bridge.run(inFlight.body()));
        inFlight.awaitStarted();
        long start = System.nanoTime();

        loopThread.interrupt();

        assertThat(caller.failure()).isInstanceOf(LoopTerminatedException.class).hasMessageContaining("died");
        assertThat(BridgeFixture.since(start)).isLessThan(FAST);
    }

    @Test
    void shared_loopThreadInterruptedWithCallInFlight_bodyStageCancelledOnLoop() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
        Thread loopThread = loopThreadOf(bridge);
        BridgeProbe<Object> inFlight = new BridgeProbe<>();
        bridge.submit(inFlight.body());
        inFlight.awaitStarted();

        loopThread.interrupt();

        await().atMost(FAST).until(inFlight::stageCancelled);
    }

    /** A PER_CALL_POOLED worker running {@code probe}'s body. */
    private static Thread workerRunning(BridgeProbe<?> probe) {
        probe.awaitStarted();
        return probe.bodyThread;
    }

    @Test
    void pooled_workerInterrupted_callerGetsAsyncExecutionExceptionWithInterruptedCause() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.timeout(TIMEOUT));
        BridgeProbe<Object> inFlight = new BridgeProbe<>();
        BridgeCaller<Object> caller = BridgeCaller.start("servlet-pooled", () -> bridge.run(inFlight.body()));
        Thread worker = workerRunning(inFlight);
        long start = System.nanoTime();

        worker.interrupt();

        assertThat(caller.failure()).isInstanceOf(AsyncExecutionException.class)
                .hasCauseInstanceOf(InterruptedException.class).hasMessageContaining(worker.getName());
        assertThat(BridgeFixture.since(start)).isLessThan(FAST);
    }

    @Test
    void pooled_workerInterrupted_nextCallServed() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.timeout(TIMEOUT).poolSize(1));
        BridgeProbe<Object> inFlight = new BridgeProbe<>();
        CompletableFuture<Object> interrupted = bridge.submit(inFlight.body());
        workerRunning(inFlight).interrupt();
        assertThat(interrupted).failsWithin(FAST);

        String value = bridge.run(l -> l.sleep(Duration.ofMillis(1)).thenApply(x -> "served"));

        assertThat(value).isEqualTo("served");
    }

    // ------------------------------------------------------------------ close() racing with calls

    /**
     * Callers make calls in a loop (blocking runs, and submits they do not wait for; quick, sleeping,
     * offloading and gate-waiting bodies) until the bridge, closed once they made a few, refuses them.
     * The bridge needs {@link #RACE_WORKERS} workers: a gate-waiting call holds one until the close.
     * Returns what ended the calls: "value", or the exception's simple name ("(closed)" added when an
     * IllegalStateException names the close), and under "slowest call ms" the longest a call took.
     */
    private static Map<String, Integer> closeRace(LoopBridge bridge, int callers, CompletableFuture<Object> gate) {
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        CountDownLatch busy = new CountDownLatch(callers * 10);
        AtomicReference<Duration> slowest = new AtomicReference<>(Duration.ZERO);
        List<CompletableFuture<Object>> submitted = new CopyOnWriteArrayList<>();
        BiConsumer<Long, Throwable> ended = (start, thrown) -> {
            Throwable t = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
            slowest.accumulateAndGet(BridgeFixture.since(start), (a, b) -> a.compareTo(b) >= 0 ? a : b);
            String key = t == null ? "value"
                    : t instanceof IllegalStateException && !(t instanceof CancellationException)
                    && String.valueOf(t.getMessage()).contains("closed")
                    ? t.getClass().getSimpleName() + " (closed)"
                    : t.getClass().getSimpleName();
            outcomes.merge(key, 1, Integer::sum);
        };
        List<BridgeCaller<Void>> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int me = c;
            threads.add(BridgeCaller.start("close-race-" + c, () -> {
                for (int i = me; ; i++) {
                    int kind = i % 4;
                    AsyncCallable<Object> body = switch (kind) {
                        case 0 -> l -> CompletableFuture.completedFuture("quick");
                        case 1 -> l -> l.sleep(Duration.ofMillis(1)).thenApply(x -> "slept");
                        case 2 -> l -> l.runInExecutor(() -> "offloaded");
                        default -> l -> l.await(gate); // ends with the close (submitted: the caller goes on)
                    };
                    long start = System.nanoTime();
                    Throwable thrown = null;
                    if (kind != 3 && (i / 4) % 2 == 0) {
                        thrown = catchThrowable(() -> bridge.run(body));
                        ended.accept(start, thrown);
                    } else {
                        try {
                            CompletableFuture<Object> future = bridge.submit(body);
                            submitted.add(future);
                            future.whenComplete((v, e) -> ended.accept(start, e));
                        } catch (RuntimeException refused) {
                            thrown = refused;
                            ended.accept(start, thrown);
                        }
                    }
                    busy.countDown();
                    if (thrown instanceof IllegalStateException && bridge.isClosed()) {
                        return null; // refused: the bridge is closed
                    }
                }
            }));
        }
        BridgeFixture.awaitLatch(busy);
        bridge.close();
        for (BridgeCaller<Void> thread : threads) {
            assertThat(thread.outcome).as("caller ended after the close").succeedsWithin(FAST);
        }
        assertThat(CompletableFuture.allOf(submitted.stream().map(f -> f.handle((v, e) -> null))
                .toArray(CompletableFuture[]::new))).as("every submitted call ended").succeedsWithin(FAST);
        outcomes.put("slowest call ms", (int) slowest.get().toMillis());
        return outcomes;
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_racingWithCalls_everyCallEndsAsValueCancellationOrClosedBridge(BridgeMode mode) {
        for (int round = 0; round < 10; round++) {
            LoopBridge bridge = fx.bridge(mode, BridgeFixture.workers(mode, RACE_WORKERS).andThen(b -> b.timeout(TIMEOUT).closeGrace(FAST)));

            Map<String, Integer> outcomes = closeRace(bridge, 4, fx.gate());

            assertThat(outcomes.keySet()).as("round " + round + ": " + outcomes)
                    .isSubsetOf("value", "BridgeClosedException", "IllegalStateException (closed)", "slowest call ms");
        }
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_racingWithCalls_everyCallEndsAtOnce(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, BridgeFixture.workers(mode, RACE_WORKERS).andThen(b -> b.timeout(TIMEOUT).closeGrace(FAST)));

        Map<String, Integer> outcomes = closeRace(bridge, 4, fx.gate());

        assertThat(Duration.ofMillis(outcomes.get("slowest call ms"))).as(outcomes.toString()).isLessThan(FAST);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_racingWithCalls_statsAddUpWithNothingInFlight(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, BridgeFixture.workers(mode, RACE_WORKERS).andThen(b -> b.timeout(TIMEOUT).closeGrace(FAST)));

        closeRace(bridge, 4, fx.gate());

        BridgeStats stats = bridge.stats();
        assertThat(stats.calls()).as(stats.toString())
                .isEqualTo(stats.successes() + stats.failures() + stats.timeouts() + stats.rejections() + stats.nestedRefusals());
        assertThat(stats.inFlight()).as(stats.toString()).isZero();
        assertThat(stats.loopsClosed()).as(stats.toString()).isEqualTo(stats.loopsCreated());
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_racingWithCalls_leavesNoThreadOfTheBridge(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, BridgeFixture.workers(mode, RACE_WORKERS).andThen(b -> b.timeout(TIMEOUT).closeGrace(FAST)));

        closeRace(bridge, 4, fx.gate());

        await().atMost(FAST).until(() -> BridgeFixture.threadsNamed(BridgeFixture.threadPrefix(bridge)).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_racingWithCalls_newBridgeServesNextCallIncludingDefaultExecutor(BridgeMode mode) {
        closeRace(fx.bridge(mode, BridgeFixture.workers(mode, RACE_WORKERS).andThen(b -> b.timeout(TIMEOUT).closeGrace(FAST))), 4, fx.gate());
        LoopBridge next = fx.bridge(mode, b -> b.timeout(TIMEOUT));

        String value = next.run(l -> l.runInExecutor(() -> "served"));

        assertThat(value).isEqualTo("served");
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_racingWithCalls_callAfterCloseRefusedAtOnceNamingBridge(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, BridgeFixture.workers(mode, RACE_WORKERS).andThen(b -> b.timeout(TIMEOUT).closeGrace(FAST)));
        closeRace(bridge, 4, fx.gate());

        Throwable thrown = catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture("late")));

        assertThat(thrown).isInstanceOf(IllegalStateException.class).isNotInstanceOf(CancellationException.class)
                .hasMessageContaining(bridge.name()).hasMessageContaining("closed");
    }
}
