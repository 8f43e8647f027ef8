package io.loopbridge;

import io.loopbridge.internal.CallContext;
import io.loopbridge.internal.Checks;
import io.loopbridge.internal.Failures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets blocking code (a servlet thread, a Spring MVC controller) run async code on an event loop and
 * get the result: {@link #run} blocks until the body's stage completes, {@link #submit} returns at
 * once. Where the loop runs is the bridge's {@link BridgeMode}.
 *
 * <pre>{@code
 * LoopBridge bridge = LoopBridge.builder().mode(BridgeMode.SHARED).name("api").timeout(Duration.ofSeconds(2)).build();
 * String body = bridge.run(loop -> loop.await(http.sendAsync(request, ofString())).thenApply(HttpResponse::body));
 * }</pre>
 *
 * <h2>Threads</h2>
 * {@code run} and {@code submit} may be called from any thread, concurrently. The body and its
 * callbacks run on a loop thread: the caller's own thread in {@link BridgeMode#PER_CALL}, a pool
 * worker in {@link BridgeMode#PER_CALL_POOLED} (and for {@code submit} in PER_CALL), the bridge's one
 * loop thread in {@link BridgeMode#SHARED}. The caller's SLF4J MDC (and any thread-local registered
 * with Micrometer context-propagation) is visible in every callback of its body, and in no other
 * call's. Callbacks registered on the future {@code submit} returns, without an executor, run on the
 * thread that completes it (often the loop thread): keep them short, or use the {@code Async}
 * variants.
 *
 * <h2>Outcomes</h2>
 * The body's {@code RuntimeException} or {@code Error} is rethrown as the same instance (with the
 * caller's stack added as a suppressed exception when it crossed threads); a checked exception
 * arrives wrapped in {@link AsyncExecutionException}. A call that outlives its timeout fails with
 * {@link LoopTimeoutException} and its task is cancelled; a call beyond {@code maxInFlight} fails at
 * once with {@link BridgeRejectedException}; an interrupt of the waiting caller cancels the task,
 * keeps the interrupt status and throws {@link AsyncExecutionException} with an
 * {@link InterruptedException} cause.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>Calling {@code run} from async code (on a loop thread) would block that loop, and with a
 *   shared loop deadlock it; it is refused at once:
 *   <pre>{@code
 * bridge.run(loop -> {
 *     bridge.run(inner -> inner.sleep(ONE_MS));   // do not: throws NestedLoopException
 *     return bridge.submit(inner -> inner.sleep(ONE_MS)); // do: compose the stage
 * });}</pre>
 *   prints {@code NestedLoopException: LoopBridge.run called on thread 'loopbridge-api-loop-1', which is
 *   running event loop 'api-shared-1': blocking here would stall or deadlock that loop. Fix: ...}</li>
 *   <li>{@link BridgeMode#SHARED}: one callback that blocks or computes for long stalls every call of
 *   the bridge. The watchdog logs it with the loop thread's stack; move such work to
 *   {@link EventLoop#runInExecutor}.</li>
 *   <li>{@link BridgeMode#PER_CALL}: tasks the body starts but does not await are cancelled when the
 *   body completes (and counted in {@link BridgeStats#leftoverTasksCancelled()}); await them, or use
 *   SHARED if work must outlive the call.</li>
 * </ul>
 */
public final class LoopBridge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoopBridge.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String name;
    private final BridgeMode mode;
    private final Duration timeout;
    private final int maxInFlight;
    private final int poolSize;
    private final Duration closeGrace;
    final BridgeCounters counters = new BridgeCounters();
    /** Name of the per-call loops, made once rather than per call. */
    final String callLoopName;
    /** SHARED only: the loop thread. */
    private final SharedLoop shared;
    /** Per-call modes: the workers of PER_CALL_POOLED and of PER_CALL's submit; created on first use. */
    private volatile ThreadPoolExecutor workers;
    /**
     * PER_CALL: each caller thread's slot, holding its {@code run} in progress (null between runs), for
     * close() to cancel. A slot lives in its thread's thread-local map and is held here weakly: it goes
     * with its thread. A JDK type, so an idle slot pins none of the web app's classes to a container thread.
     * A thread's first run makes its slot (a lock, a weak-map entry): with a new thread per request
     * (virtual threads, say) every run pays that.
     */
    private final Set<AtomicReference<BridgeCall<?>>> callerSlots = Collections.newSetFromMap(new WeakHashMap<>());
    private final ThreadLocal<AtomicReference<BridgeCall<?>>> callerSlot = ThreadLocal.withInitial(this::newCallerSlot);
    private volatile boolean closed;
    private final AtomicBoolean leftoversWarned = new AtomicBoolean();

    private LoopBridge(Builder b) {
        this.mode = b.mode != null ? b.mode : BridgeMode.SHARED;
        this.name = b.name != null ? b.name : "bridge-" + IDS.incrementAndGet();
        this.timeout = b.timeout != null ? b.timeout : Duration.ofSeconds(30);
        this.maxInFlight = b.maxInFlight != null ? b.maxInFlight : 1024;
        this.poolSize = b.poolSize != null ? b.poolSize : Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        this.closeGrace = b.closeGrace != null ? b.closeGrace : Duration.ofSeconds(2);
        this.callLoopName = name + "-call";
        this.shared = mode == BridgeMode.SHARED
                ? new SharedLoop(this, b.watchdogThreshold != null ? b.watchdogThreshold : Duration.ofMillis(100))
                : null;
        BlockingExecutor.bridgeOpened(); // the last bridge to close shuts the default executor down
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A {@link BridgeMode#PER_CALL} bridge with default settings. */
    public static LoopBridge perCall() {
        return builder().mode(BridgeMode.PER_CALL).build();
    }

    /** A {@link BridgeMode#SHARED} bridge with default settings. */
    public static LoopBridge shared() {
        return builder().mode(BridgeMode.SHARED).build();
    }

    public String name() {
        return name;
    }

    public BridgeMode mode() {
        return mode;
    }

    /** The default timeout of {@link #run(AsyncCallable)} and {@link #submit}. */
    public Duration timeout() {
        return timeout;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /** Runs {@code body} on a loop and waits for its outcome, at most the bridge's timeout. */
    public <T> T run(AsyncCallable<T> body) {
        return run(body, timeout);
    }

    /**
     * Runs {@code body} on a loop and waits for its outcome, at most {@code timeout}.
     *
     * @throws NestedLoopException if the calling thread is running an event loop
     * @throws LoopTimeoutException if the body did not complete within {@code timeout}
     * @throws BridgeRejectedException if {@code maxInFlight} calls are in flight
     * @throws IllegalStateException if the bridge is closed
     */
    public <T> T run(AsyncCallable<T> body, Duration timeout) {
        Checks.notNull(body, "body");
        Checks.positive(timeout, "timeout");
        countCall();
        DefaultEventLoop running = LoopManager.runningLoop();
        if (running != null) {
            // refused before maxInFlight is consulted, taking no slot: under load too a nested run is
            // reported as the bug it is, not as a 503 (NestedRunAtMaxInFlightTest, found by the fuzzer)
            counters.nestedRefusals.increment();
            throw NestedLoopException.refuse("LoopBridge.run (bridge '" + name + "')", running);
        }
        takeSlot();
        BridgeCall<T> call;
        if (mode == BridgeMode.PER_CALL) {
            call = new BridgeCall<>(this, body, null, timeout, true);
            runOnCallerThread(call);
        } else {
            call = start(body, timeout);
            await(call, timeout);
        }
        return valueOf(call, mode != BridgeMode.PER_CALL);
    }

    /**
     * Starts {@code body} on a loop and returns at once, in every mode (PER_CALL runs it on a worker,
     * as PER_CALL_POOLED does). The future completes with the body's outcome, or
     * {@link LoopTimeoutException} after the bridge's timeout; cancelling it cancels the task. It may
     * be called from a loop thread: that is how async code hands work to another bridge.
     *
     * @throws BridgeRejectedException if {@code maxInFlight} calls are in flight
     * @throws IllegalStateException if the bridge is closed
     */
    public <T> CompletableFuture<T> submit(AsyncCallable<T> body) {
        Checks.notNull(body, "body");
        countCall();
        takeSlot();
        BridgeCall<T> call = start(body, timeout);
        call.expireAfter(timeout); // the loop's own timer cannot fire while the loop is stuck or the call queued
        return call.outcome;
    }

    /** A snapshot of the bridge's counters. */
    public BridgeStats stats() {
        return counters.snapshot(name, mode);
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Cancels pending calls (their callers get {@link CancellationException}, PER_CALL {@code run}s on
     * their callers' own threads included) and the tasks left on the shared loop, whose cancellation
     * handlers get up to 100 ms on their loop as PER_CALL leftovers do (at most half the close grace);
     * calls still queued never start. Stops the threads the bridge started, waiting up to the close grace
     * (default 2 s); refuses later calls with {@link IllegalStateException}. Idempotent. Any thread, a loop
     * thread of this bridge included.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            cancelCallerRuns();
            if (shared != null) {
                shared.close(closeGrace);
            }
            ThreadPoolExecutor pool = workers;
            if (pool != null) {
                for (Runnable queued : pool.shutdownNow()) { // interrupts running per-call loops: they cancel
                    ((BridgeCall<?>) queued).cancel(new CancellationException("bridge '" + name + "' was closed"
                            + " before the call started"));
                }
                if (!pool.awaitTermination(closeGrace.toNanos(), TimeUnit.NANOSECONDS)) {
                    log.warn("bridge '{}': workers did not stop within {} (a callback is stuck?); they end as daemons",
                            name, closeGrace);
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            BlockingExecutor.bridgeClosed();
        }
    }

    // ------------------------------------------------------------------ internals

    /** Refuses calls to a closed bridge (uncounted); counts every other call. */
    private void countCall() {
        if (closed) {
            throw closedException();
        }
        counters.calls.increment();
    }

    /**
     * Takes an in-flight slot, or refuses at once. Compare-and-set, so that the count never reads above
     * maxInFlight and a call is refused only when every slot is really taken.
     */
    private void takeSlot() {
        AtomicLong inFlight = counters.inFlight;
        for (long n = inFlight.get(); ; n = inFlight.get()) {
            if (n >= maxInFlight) {
                counters.rejections.increment();
                throw new BridgeRejectedException("bridge '" + name + "' (" + mode + ") has " + maxInFlight
                        + " calls in flight (maxInFlight): call refused; retry later, or raise maxInFlight",
                        maxInFlight);
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return;
            }
        }
    }

    /**
     * Runs a PER_CALL {@code run} on a fresh loop on the caller's thread, in the thread's slot for close()
     * to cancel (a thread runs one at a time: a nested run is refused). The slot is written first, then
     * {@code closed} read; close() writes {@code closed} first, then reads the slots: a close() that
     * began meanwhile either finds the call or is seen here.
     */
    private void runOnCallerThread(BridgeCall<?> call) {
        AtomicReference<BridgeCall<?>> slot = callerSlot.get();
        BridgeCall<?> previous = slot.getAndSet(call);
        try {
            if (closed) {
                call.cancel(new CancellationException("bridge '" + name + "' was closed as the call started"));
            }
            call.run(); // returns at once if cancelled
        } finally {
            slot.set(previous);
        }
    }

    /** Cancels the PER_CALL runs in progress on their callers' threads (each then ends there). close() only. */
    private void cancelCallerRuns() {
        List<AtomicReference<BridgeCall<?>>> slots;
        synchronized (callerSlots) {
            slots = new ArrayList<>(callerSlots);
        }
        for (AtomicReference<BridgeCall<?>> slot : slots) {
            BridgeCall<?> call = slot.get();
            if (call != null) {
                call.cancel(new CancellationException("bridge '" + name + "' was closed"));
            }
        }
    }

    /** The calling thread's slot, made on its first PER_CALL run. */
    private AtomicReference<BridgeCall<?>> newCallerSlot() {
        AtomicReference<BridgeCall<?>> slot = new AtomicReference<>();
        synchronized (callerSlots) {
            callerSlots.add(slot);
        }
        return slot;
    }

    IllegalStateException closedException() {
        return new IllegalStateException("bridge '" + name + "' (" + mode + ") is closed: create a new bridge");
    }

    /** Starts a call off the caller's thread: on the shared loop, or on a worker with a fresh loop. */
    private <T> BridgeCall<T> start(AsyncCallable<T> body, Duration timeout) {
        BridgeCall<T> call = new BridgeCall<>(this, body, CallContext.capture(), timeout, false);
        try {
            if (shared != null) {
                call.startOn(shared.current());
            } else {
                workers().execute(call);
            }
        } catch (RuntimeException refused) { // closed meanwhile, or the loop died between lookup and hand-off
            call.cancel(closed ? closedException() : refused);
        }
        return call;
    }

    /** Waits for the call's outcome as its caller; on timeout or interrupt ends the call itself. */
    private static void await(BridgeCall<?> call, Duration timeout) {
        try {
            call.outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException late) {
            call.expire();
        } catch (InterruptedException interrupted) {
            call.cancel(new AsyncExecutionException("the caller thread '" + Thread.currentThread().getName()
                    + "' was interrupted while waiting; the call was cancelled", interrupted));
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CancellationException failed) {
            // the outcome is read below
        }
    }

    /** The finished call's value, or its failure thrown as the contract says. */
    private <T> T valueOf(BridgeCall<T> call, boolean crossedThreads) {
        try {
            // join, not getNow: when the caller's expire/cancel lost the race to finish the call, the
            // winner may not have completed the outcome yet (it does so right after winning)
            return call.outcome.join();
        } catch (CompletionException | CancellationException failed) {
            Throwable failure = Failures.failureOf(call.outcome); // the stored one, not join's JDK 23+ wrapper
            if (crossedThreads) {
                addCallerStack(failure);
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            throw new AsyncExecutionException("async code of bridge '" + name + "' failed with " + failure, failure);
        }
    }

    private void addCallerStack(Throwable failure) {
        for (Throwable s : failure.getSuppressed()) {
            if (s instanceof CallerStack) {
                return; // the same instance thrown again: one caller stack is enough
            }
        }
        failure.addSuppressed(new CallerStack("caller of bridge '" + name + "' (" + mode + ") on thread '"
                + Thread.currentThread().getName() + "'"));
    }

    /** Carries the caller's stack trace, attached to failures that crossed threads. */
    private static final class CallerStack extends Exception {
        private static final long serialVersionUID = 1L;

        CallerStack(String message) {
            super(message);
        }
    }

    private ThreadPoolExecutor workers() {
        ThreadPoolExecutor pool = workers;
        if (pool == null) {
            synchronized (this) {
                if (closed) {
                    throw closedException();
                }
                pool = workers;
                if (pool == null) {
                    pool = new ThreadPoolExecutor(poolSize, poolSize, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                            threadFactory("loopbridge-" + name + "-worker-"));
                    pool.allowCoreThreadTimeOut(true);
                    workers = pool;
                }
            }
        }
        return pool;
    }

    /** Counts (and reports) tasks a per-call body left pending: a warning the first time, debug after. */
    void leftoversCancelled(List<String> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        counters.leftoverTasksCancelled.add(tasks.size());
        if (leftoversWarned.compareAndSet(false, true)) {
            log.warn("bridge '{}' ({}): {} task(s) were still pending when the body completed and were cancelled: {}."
                    + " Await them in the body, or use SHARED mode for work that must outlive the call (reported once;"
                    + " later ones at DEBUG, all counted in stats().leftoverTasksCancelled())", name, mode, tasks.size(),
                    tasks);
        } else {
            log.debug("bridge '{}': cancelled leftover tasks {}", name, tasks);
        }
    }

    static ThreadFactory threadFactory(String prefix) {
        AtomicInteger ids = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return "LoopBridge[" + name + ", " + mode + (closed ? ", closed" : "") + "]";
    }

    /**
     * Options of a new bridge. Each may be set once; setting one twice is an error naming the earlier
     * value.
     */
    public static final class Builder {
        private BridgeMode mode;
        private String name;
        private Duration timeout;
        private Integer maxInFlight;
        private Integer poolSize;
        private Duration closeGrace;
        private Duration watchdogThreshold;

        private Builder() {}

        /** Where the loop runs; default {@link BridgeMode#SHARED}. */
        public Builder mode(BridgeMode mode) {
            Checks.notSetYet(this.mode, "mode");
            this.mode = Checks.notNull(mode, "mode");
            return this;
        }

        /** Names the bridge's threads, loops, logs and metrics; default {@code bridge-N}. */
        public Builder name(String name) {
            Checks.notSetYet(this.name, "name");
            this.name = Checks.notNull(name, "name");
            return this;
        }

        /** Default timeout of a call; default 30 s. */
        public Builder timeout(Duration timeout) {
            Checks.notSetYet(this.timeout, "timeout");
            this.timeout = Checks.positive(timeout, "timeout");
            return this;
        }

        /** Calls in flight at once before further calls are refused; default 1024. */
        public Builder maxInFlight(int maxInFlight) {
            Checks.notSetYet(this.maxInFlight, "maxInFlight");
            this.maxInFlight = Checks.positive(maxInFlight, "maxInFlight");
            return this;
        }

        /** Worker threads of PER_CALL_POOLED (and of PER_CALL's submit); default min(32, cores + 4). */
        public Builder poolSize(int poolSize) {
            Checks.notSetYet(this.poolSize, "poolSize");
            this.poolSize = Checks.positive(poolSize, "poolSize");
            return this;
        }

        /** How long {@link LoopBridge#close()} waits for the bridge's threads; default 2 s. */
        public Builder closeGrace(Duration closeGrace) {
            Checks.notSetYet(this.closeGrace, "closeGrace");
            this.closeGrace = Checks.nonNegative(closeGrace, "closeGrace");
            return this;
        }

        /** SHARED: a callback holding the loop longer than this is logged with the loop's stack; default 100 ms. */
        public Builder watchdogThreshold(Duration threshold) {
            Checks.notSetYet(this.watchdogThreshold, "watchdogThreshold");
            this.watchdogThreshold = Checks.positive(threshold, "watchdogThreshold");
            return this;
        }

        public LoopBridge build() {
            return new LoopBridge(this);
        }
    }
}
