package io.loopbridge.bench;

import io.loopbridge.BridgeMode;
import io.loopbridge.LoopBridge;
import io.loopbridge.LoopManager;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlinx.coroutines.BuildersKt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-call latency of {@link LoopBridge#run} in each {@link BridgeMode}, one caller thread, with the
 * baselines of issue 3 in the same run: a raw single-thread executor round trip (the floor of
 * SHARED), a 4-thread pool round trip (the floor of PER_CALL_POOLED, whose bridge here also has 4
 * workers) and kotlinx {@code runBlocking {}} (the yardstick of PER_CALL).
 *
 * <p>Targets (issue 3): PER_CALL &le; 1.5&times; {@code kotlinxRunBlocking}; SHARED &le;
 * {@code rawSingleThreadSubmitGet}; PER_CALL_POOLED &le; 1.2&times; {@code rawPool4SubmitGet}.
 * Not part of the test run: built only with {@code -Pjmh} (see src/docs/benchmarks.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BridgeLatencyBenchmark {

    static final Integer ONE = 1;
    /** Workers of the PER_CALL_POOLED bridge, and threads of the pool baseline. */
    static final int POOL_SIZE = 4;

    /** One bridge per trial, in the mode under test. */
    @State(Scope.Benchmark)
    public static class Bridge {
        @Param({"PER_CALL", "PER_CALL_POOLED", "SHARED"})
        BridgeMode mode;

        LoopBridge bridge;

        @Setup(Level.Trial)
        public void open() {
            bridge = newBridge(mode, "bench-latency", POOL_SIZE);
        }

        @TearDown(Level.Trial)
        public void close() {
            closeAndCheck(bridge);
        }
    }

    /** The baselines' executors, started before the trial. */
    @State(Scope.Benchmark)
    public static class Baselines {
        ExecutorService single;
        ExecutorService pool;

        @Setup(Level.Trial)
        public void start() throws Exception {
            single = Executors.newSingleThreadExecutor(daemonThreads("bench-raw-single-"));
            pool = Executors.newFixedThreadPool(POOL_SIZE, daemonThreads("bench-raw-pool-"));
            prestart(single, 1);
            prestart(pool, POOL_SIZE);
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            shutdown(single);
            shutdown(pool);
        }
    }

    // ------------------------------------------------------------------ the bridge

    /** {@code bridge.run(loop -> completedStage(1))}: the bridge's fixed cost. */
    @Benchmark
    public Integer trivial(Bridge b) {
        return b.bridge.run(loop -> CompletableFuture.completedStage(1));
    }

    /** {@code bridge.run(loop -> loop.sleep(0).thenApply(v -> 1))}: one trip through the loop's timer heap. */
    @Benchmark
    public Integer sleepZero(Bridge b) {
        return b.bridge.run(loop -> loop.sleep(Duration.ZERO).thenApply(v -> ONE));
    }

    // ------------------------------------------------------------------ baselines

    /** Baseline (SHARED's floor): {@code submit(() -> 1).get()} on a single-thread executor. */
    @Benchmark
    public Integer rawSingleThreadSubmitGet(Baselines e) throws InterruptedException, ExecutionException {
        return e.single.submit(() -> ONE).get();
    }

    /**
     * Baseline: as {@link #rawSingleThreadSubmitGet}, the caller waiting with a timeout, as a bridge's
     * {@code run} caller must (it returns on time even if the loop is stuck): a timed park is the
     * waiting a SHARED call cannot avoid.
     */
    @Benchmark
    public Integer rawSingleThreadSubmitTimedGet(Baselines e)
            throws InterruptedException, ExecutionException, TimeoutException {
        return e.single.submit(() -> ONE).get(LoopBridge.DEFAULT_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Baseline (PER_CALL_POOLED's floor): {@code submit(() -> 1).get()} on a 4-thread fixed pool. */
    @Benchmark
    public Integer rawPool4SubmitGet(Baselines e) throws InterruptedException, ExecutionException {
        return e.pool.submit(() -> ONE).get();
    }

    /** Baseline (PER_CALL's yardstick): kotlinx.coroutines {@code runBlocking { 1 }} on the caller thread. */
    @Benchmark
    public Object kotlinxRunBlocking() throws InterruptedException {
        return BuildersKt.runBlocking(EmptyCoroutineContext.INSTANCE, (scope, continuation) -> ONE);
    }

    /** Reference: {@code LoopManager.run(loop -> completedStage(1))}, the loop alone without the bridge. */
    @Benchmark
    public Integer loopManagerRun() {
        return LoopManager.run(loop -> CompletableFuture.completedStage(1));
    }

    // ------------------------------------------------------------------ helpers shared by the bridge benchmarks

    /**
     * A bridge for benchmarks: room for 1,024 calls in flight, a 30 s timeout, {@code poolSize} workers
     * (per-call modes; SHARED has its one loop thread and refuses the option).
     */
    static LoopBridge newBridge(BridgeMode mode, String name, int poolSize) {
        LoopBridge.Builder builder = LoopBridge.builder()
                .mode(mode)
                .name(name + "-" + mode)
                .timeout(Duration.ofSeconds(30))
                .maxInFlight(1024);
        if (mode != BridgeMode.SHARED) {
            builder.poolSize(poolSize);
        }
        LoopBridge bridge = builder.build();
        // start the loop thread / the workers before measuring
        for (int i = 0; i < poolSize; i++) {
            bridge.run(loop -> CompletableFuture.completedStage(1));
        }
        return bridge;
    }

    /**
     * Prints the bridge's stats (calls, loop lag) into the fork's output, closes the bridge, and fails
     * the trial if calls failed or were refused (a broken setup, not a number).
     */
    static void closeAndCheck(LoopBridge bridge) {
        var stats = bridge.stats();
        System.out.println("bridge stats: " + stats);
        bridge.close();
        if (stats.failures() + stats.timeouts() + stats.rejections() + stats.nestedRefusals() > 0) {
            throw new IllegalStateException("benchmark calls failed: " + stats);
        }
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger ids = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static void prestart(ExecutorService executor, int threads) throws Exception {
        for (int i = 0; i < threads * 4; i++) {
            executor.submit(() -> ONE).get();
        }
        if (executor instanceof ThreadPoolExecutor tpe) {
            tpe.prestartAllCoreThreads();
        }
    }

    static void shutdown(ExecutorService executor) throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
