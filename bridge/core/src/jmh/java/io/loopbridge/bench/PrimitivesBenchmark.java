package io.loopbridge.bench;

import io.loopbridge.AsyncLock;
import io.loopbridge.AsyncQueue;
import io.loopbridge.AsyncSemaphore;
import io.loopbridge.EventLoop;
import io.loopbridge.LoopFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The queue, semaphore and lock paths, per operation, on one loop that lives for the trial (the JMH
 * thread runs it with {@code runUntilComplete}, so no thread hop is measured): the uncontended path
 * (no waiter: no future parked) and the contended one (tasks park and are handed the item or permit).
 * Uses only API that every version since the toolkit has, so old and new jars run the same code.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class PrimitivesBenchmark {

    static final int OPS = 1_000;
    /** Small enough that the producer fills the queue and parks, so both hand-off directions run. */
    static final int QUEUE_CAPACITY = 16;
    static final int CONTENDERS = 8;
    static final int SEMAPHORE_PERMITS = 2;

    private static final CompletionStage<Integer> COMPLETED_ONE = CompletableFuture.completedStage(1);

    private EventLoop loop;

    @Setup
    public void open() {
        loop = EventLoop.create();
    }

    @TearDown
    public void close() {
        loop.close();
    }

    /** offer then poll on a queue with room and no waiters: the synchronous path. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public Integer queueOfferPoll() {
        return loop.runUntilComplete(l -> {
            AsyncQueue<Integer> queue = new AsyncQueue<>(l, QUEUE_CAPACITY);
            int sum = 0;
            for (int i = 0; i < OPS; i++) {
                queue.offer(i);
                sum += queue.poll();
            }
            return CompletableFuture.completedStage(sum);
        });
    }

    /** A producer task puts OPS items, a consumer task takes them: both park on a queue of 16. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public Integer queueProducerConsumer() {
        return loop.runUntilComplete(l -> {
            AsyncQueue<Integer> queue = new AsyncQueue<>(l, QUEUE_CAPACITY);
            l.createTask(x -> produce(queue, 0));
            return consume(queue, 0, 0);
        });
    }

    private static CompletionStage<Void> produce(AsyncQueue<Integer> queue, int i) {
        return i == OPS ? CompletableFuture.completedStage(null)
                : queue.put(i).thenCompose(v -> produce(queue, i + 1));
    }

    private static CompletionStage<Integer> consume(AsyncQueue<Integer> queue, int taken, int sum) {
        return taken == OPS ? CompletableFuture.completedStage(sum)
                : queue.take().thenCompose(item -> consume(queue, taken + 1, sum + item));
    }

    /** withPermit on a free semaphore, OPS times in sequence: no waiter ever parks. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public Integer semaphoreUncontended() {
        return loop.runUntilComplete(l -> permits(new AsyncSemaphore(l, SEMAPHORE_PERMITS), 0, OPS));
    }

    /** Eight tasks share OPS withPermit calls on a semaphore of two: most park and are handed a permit. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public Integer semaphoreContended() {
        return loop.runUntilComplete(l -> {
            AsyncSemaphore semaphore = new AsyncSemaphore(l, SEMAPHORE_PERMITS);
            List<LoopFuture<Integer>> tasks = new ArrayList<>(CONTENDERS);
            for (int t = 0; t < CONTENDERS; t++) {
                tasks.add(l.createTask(x -> permits(semaphore, 0, OPS / CONTENDERS)));
            }
            return l.gather(tasks).thenApply(List::size);
        });
    }

    private static CompletionStage<Integer> permits(AsyncSemaphore semaphore, int done, int total) {
        return done == total ? COMPLETED_ONE
                : semaphore.withPermit(x -> COMPLETED_ONE).thenCompose(v -> permits(semaphore, done + 1, total));
    }

    /** Eight tasks share OPS withLock calls, each yielding once inside the lock: the lock's hand-off. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public Integer lockContended() {
        return loop.runUntilComplete(l -> {
            AsyncLock lock = new AsyncLock(l);
            List<LoopFuture<Integer>> tasks = new ArrayList<>(CONTENDERS);
            for (int t = 0; t < CONTENDERS; t++) {
                tasks.add(l.createTask(x -> locked(l, lock, 0, OPS / CONTENDERS)));
            }
            return l.gather(tasks).thenApply(List::size);
        });
    }

    private static CompletionStage<Integer> locked(EventLoop l, AsyncLock lock, int done, int total) {
        return done == total ? COMPLETED_ONE
                : lock.withLock(x -> l.sleep(Duration.ZERO).thenApply(v -> 1))
                        .thenCompose(v -> locked(l, lock, done + 1, total));
    }
}
