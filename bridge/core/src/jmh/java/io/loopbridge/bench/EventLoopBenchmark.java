package io.loopbridge.bench;

import io.loopbridge.EventLoop;
import io.loopbridge.LoopFuture;
import io.loopbridge.LoopManager;
import io.loopbridge.TimerHandle;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlinx.coroutines.BuildersKt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Event-loop benchmarks for the performance model of DESIGN.md: the cost of a fresh per-call loop
 * ({@code LoopManager.run}) against kotlinx {@code runBlocking {}}, the cross-thread round trip of a
 * shared loop against a raw single-thread executor, and the timer heap's scaling.
 *
 * <p>Not part of the test run: built only with {@code -Pjmh} (see src/docs/benchmarks.md). With the
 * defaults below a full run of this class takes about 3 minutes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EventLoopBenchmark {

    private static final Integer ONE = 1;
    private static final CompletionStage<Integer> COMPLETED_ONE = CompletableFuture.completedStage(ONE);
    private static final CompletionStage<Void> COMPLETED_VOID = CompletableFuture.completedStage(null);
    private static final Runnable NOOP = () -> {};

    // ------------------------------------------------------------------ per-call loop on the caller thread

    /** A fresh loop per call whose body is already complete: create, run one task, close. */
    @Benchmark
    public Integer trivialRun() {
        return LoopManager.run(loop -> COMPLETED_ONE);
    }

    /** As {@link #trivialRun}, as written by a user (a fresh completed stage each call). */
    @Benchmark
    public Integer trivialRunFreshStage() {
        return LoopManager.run(loop -> CompletableFuture.completedStage(1));
    }

    /** One hop through the timer heap: {@code sleep(0)}, then a value (thenApply is a second hop). */
    @Benchmark
    public Integer sleepZeroHop() {
        return LoopManager.run(loop -> loop.sleep(Duration.ZERO).thenApply(v -> ONE));
    }

    /** One hop through the ready queue: a callSoon callback completes the body's future. */
    @Benchmark
    public Integer callSoonHop() {
        return LoopManager.run(loop -> {
            LoopFuture<Integer> result = loop.createFuture();
            loop.callSoon(() -> result.complete(ONE));
            return result;
        });
    }

    /**
     * A recursive async loop of 10 steps, each {@code sleep(0).thenCompose(next step)}: when the last
     * completes, ten composed stages complete outward through LoopFuture's relay (a trampoline).
     */
    @Benchmark
    @OperationsPerInvocation(COMPOSED_STEPS)
    public Integer thenComposeChain() {
        return LoopManager.run(loop -> composedSteps(loop, 0));
    }

    static final int COMPOSED_STEPS = 10;

    private static CompletionStage<Integer> composedSteps(EventLoop loop, int i) {
        return i == COMPOSED_STEPS ? COMPLETED_ONE
                : loop.sleep(Duration.ZERO).thenCompose(v -> composedSteps(loop, i + 1));
    }

    /** Baseline: kotlinx.coroutines {@code runBlocking { 1 }} on the caller thread. */
    @Benchmark
    public Object kotlinxRunBlocking() throws InterruptedException {
        return BuildersKt.runBlocking(EmptyCoroutineContext.INSTANCE, (scope, continuation) -> ONE);
    }

    // ------------------------------------------------------------------ callSoon throughput

    static final int CALLBACKS = 10_000;

    /** One loop run that schedules 10,000 callSoon callbacks and completes when the last has run. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer callSoon10k() {
        return LoopManager.run(loop -> {
            LoopFuture<Integer> done = loop.createFuture();
            int[] ran = new int[1];
            Runnable callback = () -> {
                if (++ran[0] == CALLBACKS) {
                    done.complete(ran[0]);
                }
            };
            for (int i = 0; i < CALLBACKS; i++) {
                loop.callSoon(callback);
            }
            return done;
        });
    }

    // ------------------------------------------------------------------ cross-thread round trip

    /** A loop in runForever on its own thread (the SHARED mode's shape). */
    @State(Scope.Benchmark)
    public static class SharedLoop {
        EventLoop loop;
        Thread thread;

        @Setup(Level.Trial)
        public void start() throws InterruptedException {
            loop = EventLoop.builder().name("bench-shared").build();
            CountDownLatch running = new CountDownLatch(1);
            thread = new Thread(() -> {
                loop.callSoon(running::countDown);
                loop.runForever();
            }, "bench-shared-loop");
            thread.setDaemon(true);
            thread.start();
            running.await();
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            loop.stop();
            thread.join(5_000);
            loop.close();
        }
    }

    /** A raw single-thread executor: the floor of a two-hop round trip. */
    @State(Scope.Benchmark)
    public static class RawExecutor {
        ExecutorService executor;

        @Setup(Level.Trial)
        public void start() throws Exception {
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "bench-raw-executor");
                t.setDaemon(true);
                return t;
            });
            executor.submit(NOOP).get(); // start the worker thread
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            executor.shutdown();
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Post a callback to the loop thread with callSoonThreadsafe; it completes a future we wait for. */
    @Benchmark
    public Integer roundTripLoopThreadsafe(SharedLoop shared) throws InterruptedException, ExecutionException {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        shared.loop.callSoonThreadsafe(() -> result.complete(ONE));
        return result.get();
    }

    /** Baseline: {@code executor.submit(callable).get()} on a single-thread executor. */
    @Benchmark
    public Integer roundTripExecutorSubmitGet(RawExecutor raw) throws InterruptedException, ExecutionException {
        return raw.executor.submit(() -> ONE).get();
    }

    /** Baseline with the same waiting as the loop variant: execute() completes a CompletableFuture. */
    @Benchmark
    public Integer roundTripExecutorCompletableFuture(RawExecutor raw)
            throws InterruptedException, ExecutionException {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        raw.executor.execute(() -> result.complete(ONE));
        return result.get();
    }

    // ------------------------------------------------------------------ timers

    static final int TIMERS = 100_000;

    /** 100k timers with pseudo-random delays in [0, 2 ms), precomputed. */
    @State(Scope.Benchmark)
    public static class TimerDelays {
        final Duration[] delays = new Duration[TIMERS];

        @Setup(Level.Trial)
        public void make() {
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < TIMERS; i++) {
                delays[i] = Duration.ofNanos(random.nextLong(2_000_000));
            }
        }
    }

    /** One loop run: schedule 100,000 callLater timers (delays within 2 ms) and wait until all have fired. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer timers100kScheduleAndFire(TimerDelays delays) {
        return LoopManager.run(loop -> {
            LoopFuture<Integer> done = loop.createFuture();
            int[] fired = new int[1];
            Runnable callback = () -> {
                if (++fired[0] == TIMERS) {
                    done.complete(fired[0]);
                }
            };
            Duration[] d = delays.delays;
            for (int i = 0; i < TIMERS; i++) {
                loop.callLater(d[i], callback);
            }
            return done;
        });
    }

    /** Batch size of the scheduling-cost benchmarks; each operation is one callLater plus its cancel. */
    static final int BATCH = 1_000;

    /**
     * An idle loop that holds {@code pending} timers far in the future (1 h plus up to 10 s), so the
     * heap has that size while the scheduling benchmarks run. The benchmarks run the loop on the
     * benchmark thread (runUntilComplete) so that callLater goes straight into the heap.
     */
    @State(Scope.Benchmark)
    public static class PendingTimers {
        @Param({"1000", "10000", "100000"})
        int pending;

        EventLoop loop;
        /** Delays spread over the same range as the pending timers. */
        final Duration[] randomDelays = new Duration[4096];
        /** Earlier than every pending timer: each insert sifts up to the root, each cancel removes the root. */
        final Duration earliest = Duration.ofSeconds(60);
        /** Where the next batch starts reading randomDelays. */
        int cursor;

        @Setup(Level.Trial)
        public void fill() {
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < randomDelays.length; i++) {
                randomDelays[i] = farDelay(random);
            }
            loop = EventLoop.builder().name("bench-timers").build();
            loop.runUntilComplete(l -> {
                for (int i = 0; i < pending; i++) {
                    l.callLater(farDelay(random), NOOP);
                }
                return COMPLETED_VOID;
            });
        }

        private static Duration farDelay(SplittableRandom random) {
            return Duration.ofHours(1).plusNanos(random.nextLong(10_000_000_000L));
        }

        @TearDown(Level.Trial)
        public void close() {
            loop.close();
        }
    }

    /** Worst case for the heap: schedule a timer earlier than all pending ones, then cancel it (O(log n) each). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object scheduleCancelEarliest(PendingTimers state) {
        Duration delay = state.earliest;
        return state.loop.runUntilComplete(l -> {
            for (int i = 0; i < BATCH; i++) {
                TimerHandle timer = l.callLater(delay, NOOP);
                timer.cancel();
            }
            return COMPLETED_VOID;
        });
    }

    /** Typical case: schedule a timer at a random position among the pending ones, then cancel it. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object scheduleCancelRandom(PendingTimers state) {
        Duration[] delays = state.randomDelays;
        int start = state.cursor;
        state.cursor = (start + BATCH) & (delays.length - 1);
        return state.loop.runUntilComplete(l -> {
            for (int i = 0; i < BATCH; i++) {
                TimerHandle timer = l.callLater(delays[(start + i) & (delays.length - 1)], NOOP);
                timer.cancel();
            }
            return COMPLETED_VOID;
        });
    }
}
