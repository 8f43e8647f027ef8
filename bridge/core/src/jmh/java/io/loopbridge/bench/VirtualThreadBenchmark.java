package io.loopbridge.bench;

import io.loopbridge.AsyncCallable;
import io.loopbridge.BridgeMode;
import io.loopbridge.LoopBridge;
import io.loopbridge.LoopManager;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Callers on virtual threads, one new thread per call, {@value #CALLERS} at once, as a servlet container
 * on virtual threads makes them (issue 14): the per-call cost of a PER_CALL {@code bridge.run}, of a bare
 * {@code LoopManager.run} (PER_CALL's floor) and of a virtual thread that does nothing (the floor of
 * both). Needs JDK 21+: run the benchmarks jar with Temurin 25.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class VirtualThreadBenchmark {
    static final int CALLERS = 64;
    private static final Integer ONE = 1;
    private static final AsyncCallable<Integer> TRIVIAL = loop -> CompletableFuture.completedFuture(ONE);
    private ExecutorService virtualThreads;
    private LoopBridge perCall;

    @Setup
    public void setUp() throws ReflectiveOperationException {
        try {
            virtualThreads = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (NoSuchMethodException olderJdk) {
            throw new IllegalStateException("VirtualThreadBenchmark needs JDK 21+, this is " + Runtime.version()
                    + ": run the jar with /usr/lib/jvm/temurin-25-jdk-amd64/bin/java", olderJdk);
        }
        perCall = LoopBridge.builder().name("bench-vt").mode(BridgeMode.PER_CALL).timeout(Duration.ofSeconds(10))
                .maxInFlight(4 * CALLERS).build();
    }

    @TearDown
    public void tearDown() {
        perCall.close();
        virtualThreads.shutdownNow();
    }

    @Benchmark
    @OperationsPerInvocation(CALLERS)
    public void perCallRun() throws Exception {
        fanOut(() -> perCall.run(TRIVIAL));
    }

    @Benchmark
    @OperationsPerInvocation(CALLERS)
    public void loopManagerRun() throws Exception {
        fanOut(() -> LoopManager.run(TRIVIAL));
    }

    /** The floor: starting and joining a virtual thread that returns at once. */
    @Benchmark
    @OperationsPerInvocation(CALLERS)
    public void bareVirtualThread() throws Exception {
        fanOut(() -> ONE);
    }

    private void fanOut(Callable<Object> call) throws Exception {
        Future<?>[] calls = new Future<?>[CALLERS];
        for (int i = 0; i < CALLERS; i++) {
            calls[i] = virtualThreads.submit(call);
        }
        for (Future<?> f : calls) {
            f.get();
        }
    }
}
