package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Bridge: every mode, the nested guard and close() work for callers on virtual threads, one
 * new thread per call, as a servlet container on virtual threads makes them. These need JDK 21+ and
 * skip on an older one; the README's test command runs them on Temurin 25 (the core's
 * {@code virtual-threads} surefire execution, active when that JDK is installed).
 */
class VirtualThreadTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CALLS = 512;
    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();
    private ExecutorService virtualThreads;

    @BeforeEach
    void virtualThreadPerTask() throws ReflectiveOperationException {
        Method factory = null;
        try {
            factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        } catch (NoSuchMethodException olderJdk) {
            // assumed below, with the reason
        }
        assumeThat(factory).as("virtual threads need JDK 21+, this is " + Runtime.version()
                + "; the README's test command runs this class on Temurin 25").isNotNull();
        virtualThreads = (ExecutorService) factory.invoke(null);
    }

    @AfterEach
    void shutDown() {
        if (virtualThreads != null) {
            virtualThreads.shutdownNow();
        }
    }

    private static boolean isVirtual(Thread thread) {
        try {
            return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void manyCallsEachOnANewVirtualThread_allAnswer(BridgeMode mode) throws Exception {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(WAIT));
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            int n = i;
            answers.add(virtualThreads.submit(() -> {
                boolean virtualCaller = isVirtual(Thread.currentThread());
                return bridge.run(l -> l.sleep(Duration.ofMillis(1)).thenApply(v -> n + (virtualCaller ? " v" : " p")));
            }));
        }
        for (int i = 0; i < CALLS; i++) {
            assertThat(answers.get(i).get()).isEqualTo(i + " v");
        }
        assertThat(bridge.stats().successes()).isEqualTo(CALLS);
        assertThat(bridge.stats().inFlight()).isZero();
    }

    @Test
    void perCall_runsTheBodyOnTheVirtualCallerItself() throws Exception {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL);

        Boolean virtualLoopThread = virtualThreads.submit(() -> bridge.run(l ->
                CompletableFuture.completedFuture(isVirtual(Thread.currentThread())))).get();

        assertThat(virtualLoopThread).isTrue();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void theNestedGuardRefusesOnAVirtualLoopThread(BridgeMode mode) throws Exception {
        LoopBridge bridge = fx.bridge(mode);

        Throwable nested = virtualThreads.submit(() -> bridge.run(l -> CompletableFuture.completedFuture(
                catchThrowable(() -> LoopManager.run(inner -> inner.sleep(Duration.ZERO)))))).get();

        assertThat(nested).isInstanceOf(NestedLoopException.class).hasMessageContaining("LoopManager.run");
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void closeCancelsTheRunsInFlightOnVirtualThreads(BridgeMode mode) {
        int inFlight = 64;
        LoopBridge bridge = fx.bridge(mode, BridgeFixture.workers(mode, inFlight).andThen(b -> b.timeout(WAIT)));
        CompletableFuture<Object> gate = fx.gate();
        List<CompletableFuture<Throwable>> ends = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            ends.add(CompletableFuture.supplyAsync(() -> catchThrowable(() -> bridge.run(l -> l.await(gate))), virtualThreads));
        }
        await().atMost(WAIT).until(() -> bridge.stats().inFlight() == inFlight);

        bridge.close();

        assertThat(CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
        assertThat(ends).allSatisfy(end -> assertThat(end.join()).isInstanceOf(BridgeClosedException.class));
    }

    @Test
    void loopManagerRunOnVirtualThreads() throws Exception {
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            int n = i;
            answers.add(virtualThreads.submit(() -> LoopManager.run(l -> l.sleep(Duration.ofMillis(1)).thenApply(v -> n))));
        }
        for (int i = 0; i < CALLS; i++) {
            assertThat(answers.get(i).get()).isEqualTo(i);
        }
    }
}
