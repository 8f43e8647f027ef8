package io.loopbridge.bench;

import static io.loopbridge.bench.BridgeLatencyBenchmark.ONE;
import static io.loopbridge.bench.BridgeLatencyBenchmark.POOL_SIZE;

import io.loopbridge.BridgeMode;
import io.loopbridge.LoopBridge;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of {@link LoopBridge#run} in each {@link BridgeMode} with many caller threads sharing one
 * bridge (as servlet threads do):
 * <ul>
 *   <li>{@code trivial_t8} / {@code trivial_t64}: body {@code loop -> completedStage(1)} with 8 and 64
 *   caller threads, and the same baselines as {@link BridgeLatencyBenchmark} at 8 and 64 threads;</li>
 *   <li>{@code timer10ms_t256}: body {@code loop -> loop.sleep(10 ms)} with 256 caller threads. The
 *   ideal is 256 / 10 ms = 25,600 calls/s; SHARED and PER_CALL should reach 90% of it.
 *   PER_CALL_POOLED is capped at poolSize / 10 ms (4 workers here: 400 calls/s), as the Python
 *   thread-pool pattern is. {@code threadSleep10ms_t256} is the same wait without any loop: what
 *   this machine's timers allow.</li>
 * </ul>
 * Each bridge has maxInFlight 1,024 (above 256 callers) and the 4 workers of the latency benchmark.
 * Not part of the test run: built only with {@code -Pjmh} (see src/docs/benchmarks.md).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BridgeThroughputBenchmark {

    static final Duration TEN_MS = Duration.ofMillis(10);

    /** One bridge per trial, in the mode under test, shared by all caller threads. */
    @State(Scope.Benchmark)
    public static class Bridge {
        @Param({"PER_CALL", "PER_CALL_POOLED", "SHARED"})
        BridgeMode mode;

        LoopBridge bridge;

        @Setup(Level.Trial)
        public void open() {
            bridge = BridgeLatencyBenchmark.newBridge(mode, "bench-throughput", POOL_SIZE);
        }

        @TearDown(Level.Trial)
        public void close() {
            BridgeLatencyBenchmark.closeAndCheck(bridge);
        }
    }

    // ------------------------------------------------------------------ trivial body, 8 and 64 callers

    @Benchmark
    @Threads(8)
    public Integer trivial_t8(Bridge b) {
        return b.bridge.run(loop -> CompletableFuture.completedStage(1));
    }

    @Benchmark
    @Threads(64)
    public Integer trivial_t64(Bridge b) {
        return b.bridge.run(loop -> CompletableFuture.completedStage(1));
    }

    /** Baseline: 8 callers sharing one single-thread executor (submit().get()). */
    @Benchmark
    @Threads(8)
    public Integer rawSingleThreadSubmitGet_t8(BridgeLatencyBenchmark.Baselines e)
            throws InterruptedException, ExecutionException {
        return e.single.submit(() -> ONE).get();
    }

    @Benchmark
    @Threads(64)
    public Integer rawSingleThreadSubmitGet_t64(BridgeLatencyBenchmark.Baselines e)
            throws InterruptedException, ExecutionException {
        return e.single.submit(() -> ONE).get();
    }

    /** Baseline: 8 callers sharing one 4-thread fixed pool (submit().get()). */
    @Benchmark
    @Threads(8)
    public Integer rawPool4SubmitGet_t8(BridgeLatencyBenchmark.Baselines e)
            throws InterruptedException, ExecutionException {
        return e.pool.submit(() -> ONE).get();
    }

    @Benchmark
    @Threads(64)
    public Integer rawPool4SubmitGet_t64(BridgeLatencyBenchmark.Baselines e)
            throws InterruptedException, ExecutionException {
        return e.pool.submit(() -> ONE).get();
    }

    /** Baseline: kotlinx {@code runBlocking { 1 }} on each of 8 caller threads. */
    @Benchmark
    @Threads(8)
    public Object kotlinxRunBlocking_t8() throws InterruptedException {
        return BuildersKt.runBlocking(EmptyCoroutineContext.INSTANCE, (scope, continuation) -> ONE);
    }

    @Benchmark
    @Threads(64)
    public Object kotlinxRunBlocking_t64() throws InterruptedException {
        return BuildersKt.runBlocking(EmptyCoroutineContext.INSTANCE, (scope, continuation) -> ONE);
    }

    // ------------------------------------------------------------------ a 10 ms loop timer, 256 callers

    /** {@code bridge.run(loop -> loop.sleep(10 ms).thenApply(v -> 1))} from 256 caller threads. Ideal: 25,600 ops/s. */
    @Benchmark
    @Threads(256)
    public Integer timer10ms_t256(Bridge b) {
        return b.bridge.run(loop -> loop.sleep(TEN_MS).thenApply(v -> ONE));
    }

    /** Reference: {@code Thread.sleep(10)} on 256 threads, no loop: the ceiling this machine's timers allow. */
    @Benchmark
    @Threads(256)
    public Integer threadSleep10ms_t256() throws InterruptedException {
        Thread.sleep(10);
        return ONE;
    }
}
