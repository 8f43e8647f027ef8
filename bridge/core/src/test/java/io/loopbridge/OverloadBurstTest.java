package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6, reliability: bursts of 10 x {@code maxInFlight} concurrent calls, for each mode and for
 * {@code run} (one blocked caller thread per call, as servlet threads) and {@code submit}. While the
 * admitted calls are held (their bodies wait on a gate), exactly {@code maxInFlight} calls are admitted
 * and every other one is rejected at once with {@link BridgeRejectedException}; once the gate opens
 * every admitted call completes. Nothing queues beyond the bound, and the heap after many bursts
 * (whose calls each carry a sizeable payload) returns near its baseline.
 */
class OverloadBurstTest {
    private static final int MAX_IN_FLIGHT = 16;
    private static final int BURST = 10 * MAX_IN_FLIGHT;
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** Generous: "at once" on a noisy shared 2-core machine. */
    private static final Duration AT_ONCE = Duration.ofSeconds(2);
    private static final Duration FAST = Duration.ofSeconds(10);

    /** How the burst calls. */
    enum How { RUN, SUBMIT }

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();
    /** One thread per call of a burst, as a servlet container's request threads. */
    private ExecutorService callers;

    @BeforeEach
    void startCallers() {
        AtomicInteger ids = new AtomicInteger();
        callers = Executors.newFixedThreadPool(BURST, r -> {
            Thread thread = new Thread(r, "burst-caller-" + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @AfterEach
    void stopCallers() throws InterruptedException {
        callers.shutdownNow();
        assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).as("burst callers ended").isTrue();
    }

    static List<Arguments> everyModeAndHow() {
        List<Arguments> all = new ArrayList<>();
        for (BridgeMode mode : BridgeMode.values()) {
            for (How how : How.values()) {
                all.add(Arguments.of(mode, how));
            }
        }
        return all;
    }

    /** What one burst did. */
    record BurstResult(int completed, int rejected, Map<String, Integer> others, long slowestRejectionNanos,
            int rejectedAfterRelease, int bodiesStartedBeforeRelease, BridgeStats statsBeforeRelease) {}

    /**
     * Fires {@link #BURST} calls at once, {@code how}, each carrying a payload of {@code payloadBytes}
     * that its body keeps until it completes. Bodies wait on a gate, opened once every call was admitted
     * or rejected and every rejected caller had its answer; then waits for every admitted call.
     */
    private BurstResult burst(LoopBridge bridge, How how, int payloadBytes) throws Exception {
        long callsBefore = bridge.stats().calls();
        CompletableFuture<Object> gate = new CompletableFuture<>();
        CountDownLatch ready = new CountDownLatch(BURST);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger rejected = new AtomicInteger();
        AtomicInteger rejectedAfterRelease = new AtomicInteger();
        AtomicInteger bodiesStarted = new AtomicInteger();
        AtomicLong slowestRejection = new AtomicLong();
        List<Future<CompletableFuture<Integer>>> calls = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            calls.add(callers.submit(() -> {
                byte[] payload = new byte[payloadBytes];
                AsyncCallable<Integer> body = l -> {
                    bodiesStarted.incrementAndGet();
                    return l.await(gate).thenApply(x -> payload.length);
                };
                ready.countDown();
                go.await();
                long start = System.nanoTime();
                try {
                    return how == How.RUN ? CompletableFuture.completedFuture(bridge.run(body)) : bridge.submit(body);
                } catch (BridgeRejectedException refused) {
                    slowestRejection.accumulateAndGet(System.nanoTime() - start, Math::max);
                    if (gate.isDone()) {
                        rejectedAfterRelease.incrementAndGet();
                    }
                    rejected.incrementAndGet();
                    return CompletableFuture.failedFuture(refused);
                }
            }));
        }
        BridgeFixture.awaitLatch(ready);
        go.countDown();
        // every call admitted or rejected, and every rejected caller answered; admitted ones are held
        await().atMost(FAST).until(() -> bridge.stats().calls() - callsBefore == BURST
                && rejected.get() >= BURST - MAX_IN_FLIGHT);
        BridgeStats held = bridge.stats();
        int startedBeforeRelease = bodiesStarted.get();
        gate.complete("open");

        int completed = 0;
        Map<String, Integer> others = new ConcurrentHashMap<>();
        for (Future<CompletableFuture<Integer>> call : calls) {
            CompletableFuture<Integer> outcome = call.get(FAST.toMillis(), TimeUnit.MILLISECONDS);
            try {
                assertThat(outcome.get(FAST.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(payloadBytes);
                completed++;
            } catch (java.util.concurrent.ExecutionException failed) {
                if (!(failed.getCause() instanceof BridgeRejectedException)) {
                    others.merge(String.valueOf(failed.getCause()), 1, Integer::sum);
                }
            }
        }
        return new BurstResult(completed, rejected.get(), others, slowestRejection.get(), rejectedAfterRelease.get(),
                startedBeforeRelease, held);
    }

    private LoopBridge bridge(BridgeMode mode) {
        return fx.bridge(mode, b -> b.maxInFlight(MAX_IN_FLIGHT).timeout(TIMEOUT));
    }

    // ------------------------------------------------------------------ one burst

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyModeAndHow")
    void burst_everyCallCompletesOrIsRejected(BridgeMode mode, How how) throws Exception {
        BurstResult result = burst(bridge(mode), how, 16);

        assertThat(result.others()).as(result.toString()).isEmpty();
        assertThat(result.completed() + result.rejected()).as(result.toString()).isEqualTo(BURST);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyModeAndHow")
    void burst_whileAdmittedCallsAreHeld_exactlyMaxInFlightAdmitted(BridgeMode mode, How how) throws Exception {
        BurstResult result = burst(bridge(mode), how, 16);

        assertThat(result.statsBeforeRelease().inFlight()).as(result.toString()).isEqualTo(MAX_IN_FLIGHT);
        assertThat(result.statsBeforeRelease().rejections()).as(result.toString()).isEqualTo(BURST - MAX_IN_FLIGHT);
        assertThat(result.completed()).as(result.toString()).isEqualTo(MAX_IN_FLIGHT);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyModeAndHow")
    void burst_rejectedCalls_answeredAtOnceWhileAdmittedOnesStillWait(BridgeMode mode, How how) throws Exception {
        BurstResult result = burst(bridge(mode), how, 16);

        assertThat(result.rejectedAfterRelease()).as(result.toString()).isZero();
        assertThat(Duration.ofNanos(result.slowestRejectionNanos())).as(result.toString()).isLessThan(AT_ONCE);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyModeAndHow")
    void burst_noBodyBeyondMaxInFlightEverStarts(BridgeMode mode, How how) throws Exception {
        BurstResult result = burst(bridge(mode), how, 16);

        assertThat(result.bodiesStartedBeforeRelease()).as(result.toString()).isLessThanOrEqualTo(MAX_IN_FLIGHT);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyModeAndHow")
    void burst_afterwards_statsAddUpAndNothingInFlight(BridgeMode mode, How how) throws Exception {
        LoopBridge bridge = bridge(mode);

        burst(bridge, how, 16);

        BridgeStats stats = bridge.stats();
        assertThat(stats.calls()).as(stats.toString()).isEqualTo(BURST)
                .isEqualTo(stats.successes() + stats.failures() + stats.timeouts() + stats.rejections() + stats.nestedRefusals());
        assertThat(stats.successes()).as(stats.toString()).isEqualTo(MAX_IN_FLIGHT);
        assertThat(stats.inFlight()).as(stats.toString()).isZero();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyModeAndHow")
    void burst_afterwards_nextCallServed(BridgeMode mode, How how) throws Exception {
        LoopBridge bridge = bridge(mode);
        burst(bridge, how, 16);

        String value = bridge.run(l -> l.sleep(Duration.ofMillis(1)).thenApply(x -> "served"));

        assertThat(value).isEqualTo("served");
    }

    // ------------------------------------------------------------------ free-running bursts

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void freeRunningBursts_bodiesRunningAtOnceNeverExceedMaxInFlight(BridgeMode mode) throws Exception {
        LoopBridge bridge = bridge(mode);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AsyncCallable<Object> body = l -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            return l.sleep(Duration.ofMillis(1)).handle((v, e) -> (Object) running.decrementAndGet());
        };
        List<Future<?>> bursts = new ArrayList<>();

        for (int i = 0; i < 5 * BURST; i++) {
            bursts.add(callers.submit(() -> {
                try {
                    return bridge.run(body);
                } catch (BridgeRejectedException refused) {
                    return null;
                }
            }));
        }
        for (Future<?> call : bursts) {
            call.get(FAST.toMillis(), TimeUnit.MILLISECONDS);
        }

        assertThat(mostAtOnce.get()).as(bridge.stats().toString()).isBetween(1, MAX_IN_FLIGHT);
        assertThat(bridge.stats().inFlight()).isZero();
    }

    // ------------------------------------------------------------------ the heap after many bursts

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void manyBursts_heapReturnsNearBaseline(BridgeMode mode) throws Exception {
        int payload = 64 * 1024; // 20 bursts x 160 calls x 64 KiB = 200 MiB, should calls or their bodies be kept
        long bound = 32L * 1024 * 1024;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        LoopBridge bridge = bridge(mode);
        burst(bridge, How.RUN, payload); // threads, classes and pools exist before the baseline
        burst(bridge, How.SUBMIT, payload);
        long baseline = usedHeapAfterGc(memory);

        for (int i = 0; i < 20; i++) {
            burst(bridge, i % 2 == 0 ? How.RUN : How.SUBMIT, payload);
        }

        AtomicLong last = new AtomicLong();
        await().atMost(FAST).pollInSameThread().pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    last.set(usedHeapAfterGc(memory));
                    return last.get() - baseline < bound;
                });
        assertThat(last.get() - baseline).as("heap growth after 20 bursts, baseline " + baseline / 1024 + " KiB")
                .isLessThan(bound);
    }
}
