package io.loopbridge;

import io.loopbridge.internal.CallEvent;
import io.loopbridge.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
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
    /** The mode of a bridge whose builder sets none. */
    public static final BridgeMode DEFAULT_MODE = BridgeMode.SHARED;
    /** The timeout of a call when the builder sets none: 30 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Calls in flight at once before further calls are refused, when the builder sets no bound. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
    /** How long {@link #close()} waits for the bridge's threads when the builder sets nothing: 2 s. */
    public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(2);
    /** SHARED: how long a callback may hold the loop before the watchdog logs it: 100 ms. */
    public static final Duration DEFAULT_WATCHDOG_THRESHOLD = Duration.ofMillis(100);
    /** Cap of {@link #defaultPoolSize()}. */
    private static final int MAX_DEFAULT_POOL_SIZE = 32;

    private static final Logger log = LoggerFactory.getLogger(LoopBridge.class);
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final CallListener[] NO_LISTENERS = {};

    private final String name;
    private final BridgeMode mode;
    private final Duration timeout;
    private final int maxInFlight;
    private final Duration closeGrace;
    final BridgeCounters counters = new BridgeCounters();
    /** Name of the per-call loops, made once rather than per call. */
    final String callLoopName;
    /** How this bridge's mode runs calls: the one place that knows the mode. */
    final CallRunner runner;
    private volatile boolean closed;
    private final AtomicBoolean leftoversWarned = new AtomicBoolean();
    /** Who hears of every call's end; replaced whole (copy on write), so a call reads it once. */
    private final AtomicReference<CallListener[]> listeners = new AtomicReference<>(NO_LISTENERS);

    private LoopBridge(Builder b) {
        this.mode = b.mode != null ? b.mode : DEFAULT_MODE;
        this.name = b.name != null ? b.name : "bridge-" + IDS.incrementAndGet();
        this.timeout = b.timeout != null ? b.timeout : DEFAULT_TIMEOUT;
        this.maxInFlight = b.maxInFlight != null ? b.maxInFlight : DEFAULT_MAX_IN_FLIGHT;
        this.closeGrace = b.closeGrace != null ? b.closeGrace : DEFAULT_CLOSE_GRACE;
        this.callLoopName = name + "-call";
        this.runner = CallRunner.of(this, mode, b.poolSize, b.watchdogThreshold);
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

    /**
     * The worker pool size of a per-call bridge whose builder sets none, and of the default executor of
     * {@link EventLoop#runInExecutor(java.util.concurrent.Callable)}: {@code min(32, cores + 4)}, as
     * Python's {@code ThreadPoolExecutor}.
     */
    public static int defaultPoolSize() {
        return Math.min(MAX_DEFAULT_POOL_SIZE, Runtime.getRuntime().availableProcessors() + 4);
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
     * Runs {@code body} on a loop and waits for its outcome, at most {@code timeout}. The timeout is the
     * call's budget (what a caller has left of its own deadline, say): zero or negative means spent, and
     * the call fails at once with {@link LoopTimeoutException} without starting the body or taking a slot
     * (counted as a call and a timeout).
     *
     * @throws NestedLoopException if the calling thread is running an event loop
     * @throws LoopTimeoutException if the body did not complete within {@code timeout}, or the budget was spent
     * @throws BridgeRejectedException if {@code maxInFlight} calls are in flight
     * @throws IllegalStateException if the bridge is closed
     */
    public <T> T run(AsyncCallable<T> body, Duration timeout) {
        Checks.notNull(body, "body");
        Checks.notNull(timeout, "timeout");
        countCall();
        Object running = LoopGuard.loopOnThisThread();
        if (running != null) {
            // refused before maxInFlight is consulted, taking no slot: under load too a nested run is
            // reported as the bug it is, not as a 503 (NestedRunAtMaxInFlightTest, found by the fuzzer)
            counters.nestedRefusals.increment();
            throw NestedLoopException.refuse("LoopBridge.run (bridge '" + name + "')", running);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw spentBudget(timeout);
        }
        takeSlot();
        return runner.run(body, timeout);
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
        return runner.submit(body, timeout);
    }

    /** A snapshot of the bridge's counters. */
    public BridgeStats stats() {
        return counters.snapshot(name, mode);
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Why the {@link BridgeMode#SHARED} loop died, while no call has started its replacement yet (the
     * next call does); empty while the loop is alive, before the first call, and always in the per-call
     * modes, whose loops live for one call. A health check reads it. Any thread.
     */
    public Optional<Throwable> deadLoopCause() {
        return Optional.ofNullable(runner.deadLoopCause());
    }

    /**
     * Tells {@code listener} of every admitted call's end from now on (see {@link CallListener} for
     * the thread it runs on); closing the returned handle stops that. Any thread; a listener added
     * while a call ends may or may not hear of that call.
     */
    public CallListener.Registration addCallListener(CallListener listener) {
        Checks.notNull(listener, "listener");
        listeners.updateAndGet(current -> {
            CallListener[] more = Arrays.copyOf(current, current.length + 1);
            more[current.length] = listener;
            return more;
        });
        AtomicBoolean removed = new AtomicBoolean();
        return () -> {
            if (removed.compareAndSet(false, true)) { // idempotent: a second close removes no other registration
                listeners.updateAndGet(current -> {
                    List<CallListener> fewer = new ArrayList<>(Arrays.asList(current));
                    fewer.remove(listener);
                    return fewer.toArray(NO_LISTENERS);
                });
            }
        };
    }

    /**
     * Cancels pending calls (their callers get {@link CancellationException}, PER_CALL {@code run}s on
     * their callers' own threads included) and the tasks left on the shared loop, whose cancellation
     * handlers get up to 100 ms on their loop as PER_CALL leftovers do (at most half the close grace);
     * calls still queued never start. Stops the threads the bridge started, waiting up to the close grace
     * ({@link #DEFAULT_CLOSE_GRACE} unless set); refuses later calls with {@link IllegalStateException}.
     * Idempotent. Any thread, a loop thread of this bridge included.
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
            runner.close(closeGrace);
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

    /** A call whose budget was spent before it started: counted as a timeout, its body never runs (TimeoutBudgetTest). */
    private LoopTimeoutException spentBudget(Duration timeout) {
        counters.timeouts.increment();
        return new LoopTimeoutException("call of bridge '" + name + "' (" + mode + ") has a spent budget: timeout "
                + timeout + " (expected > 0); the body was not started", timeout);
    }

    /**
     * Records that a call admitted at {@code admittedAt} (System.nanoTime), whose body ran on
     * {@code ranOn}, ended: the JFR event {@code io.loopbridge.Call} when a recording enables it, then
     * the listeners. Without either it costs two reads.
     */
    void callEnded(CallOutcome outcome, long admittedAt, Thread ranOn) {
        CallEvent.emit(name, mode.name(), outcome.name(), admittedAt, ranOn);
        CallListener[] current = listeners.get();
        if (current.length == 0) {
            return;
        }
        long duration = System.nanoTime() - admittedAt;
        for (CallListener listener : current) {
            try {
                listener.callEnded(this, outcome, duration);
            } catch (RuntimeException e) {
                log.warn("bridge '{}': call listener {} failed; the call's outcome is unchanged", name, listener, e);
            }
        }
    }

    IllegalStateException closedException() {
        return new IllegalStateException("bridge '" + name + "' (" + mode + ") is closed: create a new bridge");
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

    @Override
    public String toString() {
        return "LoopBridge[" + name + ", " + mode + (closed ? ", closed" : "") + "]";
    }

    /**
     * Options of a new bridge. Each may be set once; setting one twice is an error naming the earlier
     * value, and {@link #build()} refuses an option the chosen mode does not use. Once a name is set,
     * every error names the bridge. Threads: one thread at a time (not thread-safe).
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

        /** Where the loop runs; default {@link #DEFAULT_MODE}. */
        public Builder mode(BridgeMode mode) {
            Checks.notSetYet(this.mode, subject("mode"));
            this.mode = Checks.notNull(mode, subject("mode"));
            return this;
        }

        /** Names the bridge's threads, loops, logs and metrics; default {@code bridge-N}. */
        public Builder name(String name) {
            Checks.notSetYet(this.name, subject("name"));
            this.name = Checks.notNull(name, "name");
            return this;
        }

        /** Default timeout of a call; default {@link #DEFAULT_TIMEOUT}. */
        public Builder timeout(Duration timeout) {
            Checks.notSetYet(this.timeout, subject("timeout"));
            this.timeout = Checks.positive(timeout, subject("timeout"));
            return this;
        }

        /** Calls in flight at once before further calls are refused; default {@value #DEFAULT_MAX_IN_FLIGHT}. */
        public Builder maxInFlight(int maxInFlight) {
            Checks.notSetYet(this.maxInFlight, subject("maxInFlight"));
            this.maxInFlight = Checks.positive(maxInFlight, subject("maxInFlight"));
            return this;
        }

        /**
         * Worker threads of PER_CALL_POOLED (and of PER_CALL's submit); default {@link #defaultPoolSize()}.
         * Not an option of SHARED.
         */
        public Builder poolSize(int poolSize) {
            Checks.notSetYet(this.poolSize, subject("poolSize"));
            this.poolSize = Checks.positive(poolSize, subject("poolSize"));
            return this;
        }

        /** How long {@link LoopBridge#close()} waits for the bridge's threads; default {@link #DEFAULT_CLOSE_GRACE}. */
        public Builder closeGrace(Duration closeGrace) {
            Checks.notSetYet(this.closeGrace, subject("closeGrace"));
            this.closeGrace = Checks.nonNegative(closeGrace, subject("closeGrace"));
            return this;
        }

        /**
         * SHARED only: a callback holding the loop longer than this is logged with the loop's stack;
         * default {@link #DEFAULT_WATCHDOG_THRESHOLD}.
         */
        public Builder watchdogThreshold(Duration threshold) {
            Checks.notSetYet(this.watchdogThreshold, subject("watchdogThreshold"));
            this.watchdogThreshold = Checks.positive(threshold, subject("watchdogThreshold"));
            return this;
        }

        /**
         * The options set so far, by name, in the order of the builder's methods (for a configuration layer that warns
         * about defaults that are unsafe under load).
         */
        public Map<String, Object> options() {
            Map<String, Object> set = new LinkedHashMap<>();
            put(set, "mode", mode);
            put(set, "name", name);
            put(set, "timeout", timeout);
            put(set, "maxInFlight", maxInFlight);
            put(set, "poolSize", poolSize);
            put(set, "closeGrace", closeGrace);
            put(set, "watchdogThreshold", watchdogThreshold);
            return set;
        }

        private static void put(Map<String, Object> set, String option, Object value) {
            if (value != null) {
                set.put(option, value);
            }
        }

        /**
         * Builds the bridge.
         *
         * @throws IllegalStateException if an option was set that the mode does not use: {@code poolSize}
         *     on SHARED (one loop thread), {@code watchdogThreshold} on a per-call mode (no long-lived loop)
         */
        public LoopBridge build() {
            validate();
            return new LoopBridge(this);
        }

        /**
         * Checks what {@link #build()} checks, without building (for a configuration layer that reports
         * which setting is wrong before any bridge starts).
         *
         * @throws IllegalStateException as {@link #build()}
         */
        public void validate() {
            BridgeMode m = mode != null ? mode : DEFAULT_MODE;
            if (m == BridgeMode.SHARED && poolSize != null) {
                throw unused("poolSize", poolSize, m, "a SHARED bridge runs every call on its one loop thread; remove"
                        + " poolSize, or choose PER_CALL_POOLED");
            }
            if (m != BridgeMode.SHARED && watchdogThreshold != null) {
                throw unused("watchdogThreshold", watchdogThreshold, m, "the watchdog watches the long-lived loop of a"
                        + " SHARED bridge; remove watchdogThreshold, or choose SHARED");
            }
        }

        private IllegalStateException unused(String option, Object value, BridgeMode m, String fix) {
            return new IllegalStateException(subject(option) + ": " + value + " is not an option of mode " + m + ": "
                    + fix);
        }

        /** An option's name for messages, with the bridge's once it has one: "bridge 'api': timeout". */
        private String subject(String option) {
            return name == null ? option : "bridge '" + name + "': " + option;
        }

        @Override
        public String toString() {
            return "LoopBridge.Builder" + options();
        }
    }
}
