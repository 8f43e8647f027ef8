package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Bridge: {@code close()} cancels pending work, stops the threads the bridge started within
 * a grace period, is idempotent; later calls throw {@link IllegalStateException}. The library-wide
 * default executor of {@code runInExecutor} uses daemon threads that end after an idle timeout.
 */
class BridgeCloseTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** "Promptly": well before the calls' timeout. */
    private static final Duration PROMPTLY = Duration.ofSeconds(3);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    private LoopBridge bridge(BridgeMode mode) {
        return fx.bridge(mode, b -> b.timeout(TIMEOUT));
    }

    // ------------------------------------------------------------------ pending work is cancelled

    /** In PER_CALL the loop runs on the caller's own thread: close() cancels it there too. */
    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_runInFlight_callerGetsCancellationPromptly_andItsStageIsCancelledOnItsLoop(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        BridgeProbe<String> probe = new BridgeProbe<>();
        BridgeCaller<String> caller = BridgeCaller.start("servlet-" + bridge.name(), () -> bridge.run(probe.body()));
        probe.awaitStarted();
        long start = System.nanoTime();

        bridge.close();

        assertThat(BridgeFixture.failureOf(caller.outcome, PROMPTLY)).isInstanceOf(CancellationException.class)
                .hasMessageContaining(bridge.name()).hasMessageContaining("closed while the call was in flight");
        assertThat(BridgeFixture.since(start)).isLessThan(PROMPTLY);
        assertThat(probe.handlerSawCancellationOnLoop()).isTrue();
        BridgeStats stats = bridge.stats();
        assertThat(stats.inFlight()).isZero();
        assertThat(stats.failures()).isEqualTo(1);
        assertThat(stats.loopsClosed()).isEqualTo(stats.loopsCreated());
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_submitInFlight_futureFailsWithCancellationPromptly(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        BridgeProbe<String> probe = new BridgeProbe<>();
        CompletableFuture<String> future = bridge.submit(probe.body());
        probe.awaitStarted();

        bridge.close();

        assertThat(BridgeFixture.failureOf(future, PROMPTLY)).isInstanceOf(CancellationException.class)
                .hasMessageContaining(bridge.name()).hasMessageContaining("closed");
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_submitInFlight_bodyStageCancelled(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        BridgeProbe<String> probe = new BridgeProbe<>();
        bridge.submit(probe.body());
        probe.awaitStarted();

        bridge.close();

        assertThat(probe.stageCancelled()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"PER_CALL", "PER_CALL_POOLED"})
    void close_callsQueuedForWorker_failWithCancellationAndNeverRun(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.poolSize(1).timeout(TIMEOUT));
        BridgeProbe<String> busy = new BridgeProbe<>();
        bridge.submit(busy.body());
        busy.awaitStarted();
        List<String> ran = new CopyOnWriteArrayList<>();
        List<CompletableFuture<String>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(bridge.submit(l -> {
                ran.add("ran");
                return CompletableFuture.completedFuture("ran");
            }));
        }

        bridge.close();

        for (CompletableFuture<String> f : queued) {
            assertThat(BridgeFixture.failureOf(f, PROMPTLY)).isInstanceOf(CancellationException.class)
                    .hasMessageContaining("closed");
        }
        assertThat(ran).isEmpty();
    }

    /**
     * A call handed to the shared loop while it was busy, still queued when the bridge closes, is cancelled
     * without its body ever running (regression: the handlers' grace once started it). The busy call closes
     * the bridge itself, on the loop thread, once the other call is queued.
     */
    @Test
    void close_callStillQueuedOnSharedLoop_isCancelledAndNeverStarts() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch queued = fx.latch();
        CompletableFuture<Object> busy = bridge.submit(l -> {
            started.countDown();
            BridgeFixture.hold(queued); // keeps the loop thread until the second call is in its inbox
            bridge.close();
            return CompletableFuture.completedFuture("closed it");
        });
        BridgeFixture.awaitLatch(started); // the second call is not in the loop iteration that runs this one
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Object> waiting = bridge.submit(l -> {
            ran.set(true);
            return l.createFuture();
        });
        queued.countDown();

        assertThat(busy).succeedsWithin(PROMPTLY);
        assertThat(BridgeFixture.failureOf(waiting, PROMPTLY)).isInstanceOf(CancellationException.class)
                .hasMessageContaining("closed");
        assertThat(ran).as("the queued call's body ran").isFalse();
    }

    @Test
    void close_sharedTaskLeftByCall_isCancelled() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);
        AtomicReference<Task<Object>> background = new AtomicReference<>();
        bridge.run(l -> {
            background.set(l.createTask("background", t -> t.createFuture()));
            return CompletableFuture.completedFuture(null);
        });

        bridge.close();

        assertThat(background.get()).isCancelled();
    }

    /** Regression: close() called by code on the shared loop waited its whole grace for its own thread. */
    @Test
    void close_fromCallbackOnSharedLoop_returnsWithoutWaitingForItself() throws Exception {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT).closeGrace(Duration.ofSeconds(10)));

        CompletableFuture<Long> closeTook = bridge.submit(l -> {
            long start = System.nanoTime();
            bridge.close();
            return CompletableFuture.completedStage(System.nanoTime() - start);
        });

        assertThat(Duration.ofNanos(closeTook.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))).isLessThan(PROMPTLY);
        assertThat(bridge.isClosed()).isTrue();
    }

    // ------------------------------------------------------------------ threads stop within the grace

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_stopsEveryThreadBridgeStarted(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, BridgeFixture.workers(mode, 3).andThen(b -> b.timeout(TIMEOUT)));
        String prefix = BridgeFixture.threadPrefix(bridge);
        CompletableFuture<Object> gate = new CompletableFuture<>();
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(bridge.submit(l -> l.await(gate)));
        }
        gate.complete("open");
        assertThat(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))).succeedsWithin(Duration.ofSeconds(5));
        assertThat(BridgeFixture.threadsNamed(prefix)).as("threads before close").isNotEmpty();

        bridge.close();

        await().atMost(Duration.ofSeconds(2).plus(Duration.ofSeconds(1)))
                .untilAsserted(() -> assertThat(BridgeFixture.threadsNamed(prefix)).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"SHARED", "PER_CALL_POOLED"})
    void close_loopThreadStuck_returnsAfterGraceAndWarns(BridgeMode mode) {
        Duration grace = Duration.ofMillis(200);
        LoopBridge bridge = fx.bridge(mode, b -> b.closeGrace(grace).timeout(TIMEOUT));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = fx.latch();
        bridge.submit(l -> {
            started.countDown();
            BridgeFixture.holdUninterruptibly(release);
            return CompletableFuture.completedFuture(null);
        });
        BridgeFixture.awaitLatch(started);
        long start = System.nanoTime();

        try (LogCapture log = LogCapture.of(LoopBridge.class)) {
            bridge.close();

            assertThat(BridgeFixture.since(start)).isLessThan(grace.plus(PROMPTLY));
            assertThat(log.messages(Level.WARN)).anySatisfy(m -> assertThat(m)
                    .contains(bridge.name()).contains("did not stop within " + grace));
        }
    }

    @Test
    void close_beforeAnyCall_startsAndLeavesNoThread() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);

        bridge.close();

        assertThat(BridgeFixture.threadsNamed(BridgeFixture.threadPrefix(bridge))).isEmpty();
        assertThat(bridge.isClosed()).isTrue();
    }

    // ------------------------------------------------------------------ idempotent, and later calls refused

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_twice_secondIsNoOp(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        bridge.run(l -> CompletableFuture.completedFuture(null));
        bridge.close();
        BridgeStats afterFirst = bridge.stats();

        bridge.close();

        assertThat(bridge.isClosed()).isTrue();
        assertThat(bridge.stats()).isEqualTo(afterFirst);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_afterClose_throwsIllegalStateNamingBridge(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        bridge.close();

        assertThatThrownBy(() -> bridge.run(l -> CompletableFuture.completedFuture("x")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'" + bridge.name() + "'")
                .hasMessageContaining("closed");
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_afterClose_throwsIllegalStateNamingBridge(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        bridge.run(l -> CompletableFuture.completedFuture(null));
        bridge.close();

        assertThatThrownBy(() -> bridge.submit(l -> CompletableFuture.completedFuture("x")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'" + bridge.name() + "'")
                .hasMessageContaining("closed");
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_whileCallsKeepArriving_everyCallEndsPromptly(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        List<CompletableFuture<Void>> futures = new CopyOnWriteArrayList<>();
        List<BridgeCaller<Integer>> callers = new ArrayList<>();
        CountDownLatch busy = new CountDownLatch(4 * 20);
        for (int c = 0; c < 4; c++) {
            callers.add(BridgeCaller.start("caller-" + c, () -> {
                int calls = 0;
                while (true) {
                    try {
                        futures.add(bridge.submit(l -> l.sleep(Duration.ofMillis(1))));
                    } catch (BridgeRejectedException busyNow) {
                        continue; // a refusal ends that call at once, too
                    } catch (IllegalStateException closed) {
                        return calls;
                    }
                    calls++;
                    busy.countDown();
                }
            }));
        }
        BridgeFixture.awaitLatch(busy);

        bridge.close();

        for (BridgeCaller<Integer> caller : callers) {
            assertThat(caller.outcome).succeedsWithin(PROMPTLY);
        }
        assertThat(CompletableFuture.allOf(futures.stream().map(f -> f.handle((v, e) -> null))
                .toArray(CompletableFuture[]::new))).succeedsWithin(PROMPTLY);
    }

    /**
     * What lets close() find PER_CALL runs lasts as long as each run, not as its thread: nothing is kept
     * per thread (a container's threads come and go, virtual ones one per request).
     */
    @Test
    void perCallRuns_areHeldWhileTheyRunOnly_notByTheirThreads() {
        LoopBridge bridge = bridge(BridgeMode.PER_CALL);
        CompletableFuture<Void> gate = fx.gate();
        CountDownLatch ran = new CountDownLatch(20);
        CountDownLatch end = fx.latch();
        List<BridgeCaller<Void>> callers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            callers.add(BridgeCaller.start("caller-" + i, () -> {
                bridge.run(l -> l.await(gate));
                ran.countDown();
                BridgeFixture.hold(end);
                return null;
            }));
        }
        await().atMost(TIMEOUT).until(() -> bridge.stats().inFlight() == 20);
        assertThat(Internals.runsInProgress(bridge)).as("runs in progress").isEqualTo(20);

        gate.complete(null);
        BridgeFixture.awaitLatch(ran);

        assertThat(Internals.runsInProgress(bridge)).as("their threads live on, their runs ended").isZero();
        end.countDown();
        for (BridgeCaller<Void> caller : callers) {
            assertThat(caller.outcome).succeedsWithin(PROMPTLY);
        }
    }

    /**
     * Callers keep calling {@code run} while the bridge closes; some bodies never complete, so that a call
     * that close() failed to cancel would hold its caller for the whole timeout. Every caller ends promptly
     * (in PER_CALL, a run that registered as close() swept past it sees the bridge closed itself).
     */
    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void close_whileRunCallsKeepArriving_everyRunEndsPromptly(BridgeMode mode) {
        for (int round = 0; round < 10; round++) {
            LoopBridge bridge = bridge(mode);
            List<BridgeCaller<Integer>> callers = new ArrayList<>();
            CountDownLatch busy = new CountDownLatch(4 * 20);
            for (int c = 0; c < 4; c++) {
                boolean firstEndless = c == 0; // one run surely in flight at the close
                callers.add(BridgeCaller.start("caller-" + c, () -> {
                    for (int calls = 0; ; calls++) {
                        // the others make 30 quick runs (enough for the latch), then an endless one in 1,000
                        boolean endless = firstEndless ? calls == 0
                                : calls >= 30 && ThreadLocalRandom.current().nextInt(1000) == 0;
                        busy.countDown();
                        try {
                            bridge.run(l -> endless ? l.createFuture() : l.sleep(Duration.ZERO));
                        } catch (CancellationException | BridgeRejectedException endedByCloseOrBusy) {
                            // the next call finds the bridge closed, or goes on
                        } catch (IllegalStateException closed) {
                            return calls;
                        }
                    }
                }));
            }
            BridgeFixture.awaitLatch(busy);
            long start = System.nanoTime();

            bridge.close();

            for (BridgeCaller<Integer> caller : callers) {
                assertThat(caller.outcome).succeedsWithin(PROMPTLY);
            }
            assertThat(BridgeFixture.since(start)).isLessThan(PROMPTLY);
            assertThat(bridge.stats().inFlight()).isZero();
        }
    }

    // ------------------------------------------------------------------ the default executor of runInExecutor

    @Test
    void runInExecutor_defaultExecutor_usesNamedDaemonThreads() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);

        Thread worker = bridge.run(l -> l.runInExecutor(Thread::currentThread));

        assertThat(worker.isDaemon()).isTrue();
        assertThat(worker.getName()).startsWith(BlockingExecutor.THREAD_PREFIX);
    }

    @Test
    void runInExecutor_defaultExecutor_threadsEndAfterIdleTimeout() {
        assertThat(BlockingExecutor.get().allowsCoreThreadTimeOut()).isTrue();
        assertThat(BlockingExecutor.get().getKeepAliveTime(TimeUnit.SECONDS)).isPositive().isLessThanOrEqualTo(60);
    }
}
