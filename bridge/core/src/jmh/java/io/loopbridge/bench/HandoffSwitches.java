package io.loopbridge.bench;

import io.loopbridge.BridgeMode;
import io.loopbridge.LoopBridge;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Why a hand-off mode costs what it costs with many callers: {@code N} caller threads make trivial
 * round trips, for {@link #MEASURE_MILLIS} ms after {@link #WARMUP_MILLIS} ms of warm-up, through a raw
 * single-thread executor, a SHARED bridge, a raw 4-thread pool and a PER_CALL_POOLED bridge of 4 workers,
 * in turns, {@link #ROUNDS} rounds. For each it prints the time per call of each caller (as JMH's
 * {@code BridgeLatencyBenchmark} does) and the context switches per call of the serving threads and of
 * the callers, read from {@code /proc/self/task/<tid>/status} (Linux only). Equal switch counts with a
 * higher time per call mean the mode wakes threads as often as its raw floor and the difference is CPU
 * on the serving thread, not extra wake-ups.
 *
 * <pre>
 * mvn -B -ntp -Pjmh -pl bridge/core -DskipTests package
 * java -cp bridge/core/target/benchmarks.jar io.loopbridge.bench.HandoffSwitches 16
 * </pre>
 *
 * <p>Threads: the main thread starts the callers ({@code caller-N}), sleeps through each measurement
 * (the measured threads run meanwhile) and reads the counters; the serving threads are the executors'
 * and the bridges'.
 */
public final class HandoffSwitches {
    static final int ROUNDS = 3;
    static final long WARMUP_MILLIS = 1_500;
    static final long MEASURE_MILLIS = 3_000;
    private static final int POOL_SIZE = 4;
    private static final String CALLER = "caller-";
    /** Linux keeps the first 15 chars of a thread's name: the serving threads' prefixes differ within them. */
    private static final int COMM_LENGTH = 15;
    private static final Map<String, Integer> SWITCH_FIELDS = Map.of("voluntary_ctxt_switches", 0,
            "nonvoluntary_ctxt_switches", 1);

    private HandoffSwitches() {}

    /** One way to make a round trip, and the name prefix of the threads that serve it. */
    private record Way(String name, String servers, Callable<Integer> call) {}

    public static void main(String[] args) throws Exception {
        int callers = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        ExecutorService single = Executors.newSingleThreadExecutor(BridgeLatencyBenchmark.daemonThreads("raw-single-"));
        ExecutorService pool = Executors.newFixedThreadPool(POOL_SIZE, BridgeLatencyBenchmark.daemonThreads("raw-pool-"));
        LoopBridge shared = BridgeLatencyBenchmark.newBridge(BridgeMode.SHARED, "sw", POOL_SIZE);
        LoopBridge pooled = BridgeLatencyBenchmark.newBridge(BridgeMode.PER_CALL_POOLED, "sw", POOL_SIZE);
        List<Way> ways = List.of(
                new Way("rawSingleThread", "raw-single-", () -> single.submit(() -> 1).get()),
                new Way("SHARED", "loopbridge-sw-SHARED-loop-", () -> shared.run(l -> CompletableFuture.completedStage(1))),
                new Way("rawPool4", "raw-pool-", () -> pool.submit(() -> 1).get()),
                new Way("PER_CALL_POOLED", "loopbridge-sw-PER_CALL_POOLED-worker-",
                        () -> pooled.run(l -> CompletableFuture.completedStage(1))));
        System.out.println("| round | way | callers | ns/call per caller | serving threads' switches/call (voluntary, involuntary)"
                + " | callers' switches/call (voluntary, involuntary) |");
        System.out.println("|---:|---|---:|---:|---|---|");
        for (int round = 1; round <= ROUNDS; round++) {
            for (Way way : ways) {
                measure(round, way, callers);
            }
        }
        BridgeLatencyBenchmark.closeAndCheck(shared);
        BridgeLatencyBenchmark.closeAndCheck(pooled);
    }

    private static void measure(int round, Way way, int callers) throws Exception {
        LongAdder calls = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Thread caller = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        way.call().call();
                        calls.increment();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(way.name() + " failed", e);
                }
            }, CALLER + i);
            threads.add(caller);
            caller.start();
        }
        Thread.sleep(WARMUP_MILLIS); // the measured threads run meanwhile: this thread only times them
        calls.reset();
        long[] serversBefore = switches(way.servers());
        long[] callersBefore = switches(CALLER);
        long start = System.nanoTime();
        Thread.sleep(MEASURE_MILLIS);
        long made = calls.sum();
        long took = System.nanoTime() - start;
        long[] servers = minus(switches(way.servers()), serversBefore);
        long[] callerSwitches = minus(switches(CALLER), callersBefore);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf("| %d | %s | %d | %,.0f | %.3f, %.3f | %.3f, %.3f |%n", round, way.name(), callers,
                took * (double) callers / made, servers[0] / (double) made, servers[1] / (double) made,
                callerSwitches[0] / (double) made, callerSwitches[1] / (double) made);
    }

    /** Voluntary and involuntary context switches so far of the live threads whose name starts with {@code prefix}. */
    private static long[] switches(String prefix) throws IOException {
        String comm = prefix.substring(0, Math.min(COMM_LENGTH, prefix.length()));
        long[] total = new long[2];
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).strip().startsWith(comm)) {
                        for (String line : Files.readAllLines(task.resolve("status"))) {
                            String[] field = line.split(":\\s+");
                            Integer slot = SWITCH_FIELDS.get(field[0]);
                            if (slot != null) {
                                total[slot] += Long.parseLong(field[1].strip());
                            }
                        }
                    }
                } catch (NoSuchFileException threadEnded) {
                    // ended while listed: no longer counted (the pools' threads do not end while measured)
                }
            }
        }
        return total;
    }

    private static long[] minus(long[] after, long[] before) {
        return new long[] {after[0] - before[0], after[1] - before[1]};
    }
}
