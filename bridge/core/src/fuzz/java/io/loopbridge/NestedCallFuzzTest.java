package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.loopbridge.CallTree.Body;
import io.loopbridge.CallTree.Call;
import io.loopbridge.CallTree.Entry;
import io.loopbridge.CallTree.Fate;
import io.loopbridge.CallTree.Step;
import io.loopbridge.internal.Failures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6, reliability: a seeded fuzzer of nested call trees ({@link CallTree}). Several caller
 * threads at once run random trees that mix the three {@link BridgeMode}s, {@code run},
 * {@code submit}, {@link LoopManager#run}, blocking {@code get}/{@code join}, tasks, timeouts and
 * cancellations, with calls made on loop threads (where every blocking entry must be refused) and on
 * plain threads the loop offloads to (where they nest for real). The run happens once, before the
 * tests; each test checks one rule over everything the run recorded:
 * <ul>
 *   <li>every call ends within its timeout plus {@link #MARGIN} (and never before its timeout when it
 *   times out); refusals and rejections come at once;</li>
 *   <li>every blocking entry on a loop thread ends with {@link NestedLoopException};</li>
 *   <li>every outcome is one the tree allows (its body's fate, a timeout, a rejection, a cancellation
 *   by an ancestor);</li>
 *   <li>each bridge's stats add up, and match what the callers saw, call by call;</li>
 *   <li>no thread of the run survives once its bridges are closed.</li>
 * </ul>
 *
 * <p>Size and seed come from system properties: {@value #TREES} (default 2,000; the {@code fuzz-long}
 * Maven profile sets 100,000), {@value #SEED} (default: random; hex with {@code 0x} or decimal) and
 * {@value #REPLAY} (a tree's seed: every tree of the run is that one). A failure prints the run's
 * seed, the failing trees (seed and shape) and the command that replays them; see
 * {@code src/docs/reliability.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NestedCallFuzzTest {
    static final String TREES = "loopbridge.fuzz.trees";
    static final String SEED = "loopbridge.fuzz.seed";
    static final String REPLAY = "loopbridge.fuzz.replay";
    private static final int CALLERS = Integer.getInteger("loopbridge.fuzz.callers", 4);
    /** How late after its timeout a call may end: generous, for a noisy shared 2-core machine. */
    private static final Duration MARGIN = Duration.ofMillis(Long.getLong("loopbridge.fuzz.marginMillis", 1_000));
    /** How long a refusal (nested guard) or a rejection (maxInFlight) may take: "at once", generously. */
    private static final Duration AT_ONCE = MARGIN;
    /** No tree finishing for this long means something hangs. */
    private static final Duration STALL = Duration.ofSeconds(60);
    /** Violations kept per rule, for the failure message (all are counted). */
    private static final int KEPT = 20;

    /** The rules; each test checks one. */
    enum Rule { TIMING, REFUSAL, OUTCOME, HANG }

    /** How a bridge call ended, as its caller saw it. */
    enum Kind { SUCCESS, FAILURE, TIMEOUT, REJECTED, REFUSED }

    /** The body's own failure (unchecked). */
    static final class FuzzFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FuzzFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** The body's own failure (checked). */
    static final class FuzzCheckedFailure extends Exception {
        private static final long serialVersionUID = 1L;

        FuzzCheckedFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** What the callers saw of one bridge, to compare with its stats. */
    static final class Tally {
        final Map<Kind, LongAdder> kinds = new EnumMap<>(Kind.class);

        Tally() {
            for (Kind kind : Kind.values()) {
                kinds.put(kind, new LongAdder());
            }
        }

        long of(Kind kind) {
            return kinds.get(kind).sum();
        }

        long calls() {
            return kinds.values().stream().mapToLong(LongAdder::sum).sum();
        }
    }

    /** A bridge call that has started and not yet ended. */
    final class Pending {
        final long seed;
        final int bridge;
        final Entry entry;
        final boolean onLoop;
        /** A blocking run on a loop thread: must be refused. */
        final boolean mustRefuse;
        final boolean root;
        final Fate fate;
        final Duration limit;
        final long start = System.nanoTime();
        final AtomicBoolean ended = new AtomicBoolean();

        Pending(long seed, Call call, boolean onLoop, boolean mustRefuse, boolean root, Duration limit) {
            this.seed = seed;
            this.bridge = call.bridge();
            this.entry = call.entry();
            this.onLoop = onLoop;
            this.mustRefuse = mustRefuse;
            this.root = root;
            this.fate = call.body().fate();
            this.limit = limit;
        }

        @Override
        public String toString() {
            return "tree 0x" + Long.toHexString(seed) + ": " + entry + (onLoop ? " on a loop thread" : "") + " to "
                    + bridges.get(bridge).name() + " (limit " + limit.toMillis() + " ms), started "
                    + BridgeFixture.since(start).toMillis() + " ms ago";
        }
    }

    // ------------------------------------------------------------------ the run's configuration and record

    private long runSeed;
    private int trees;
    private Long replay;
    private List<LoopBridge> bridges;
    /** The plain threads bodies offload blocking calls to. */
    private ThreadPoolExecutor offload;
    /** Completes external futures, as an HTTP client's threads would. */
    private ScheduledThreadPoolExecutor external;
    private Set<Thread> threadsBefore;

    private final Tally[] tallies = {new Tally(), new Tally(), new Tally(), new Tally()};
    /** Each bridge's stats once every call ended, and after the bridge was closed. */
    private BridgeStats[] stats;
    private BridgeStats[] statsAfterClose;
    private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
    private final Map<Rule, Queue<String>> violations = new EnumMap<>(Rule.class);
    private final Map<Rule, LongAdder> violationCounts = new EnumMap<>(Rule.class);
    private final Set<Long> failingTrees = ConcurrentHashMap.newKeySet();
    /** What the run exercised, for the coverage check and the summary. */
    private final Map<String, LongAdder> seen = new ConcurrentHashMap<>();
    private final AtomicLong maxLateNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong maxRefusalNanos = new AtomicLong();
    private final AtomicInteger treesRun = new AtomicInteger();
    private Duration took;

    // ------------------------------------------------------------------ the run

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.HOURS) // the long run; a hang is caught by the run's own stall check
    void fuzz() throws Exception {
        String seedProperty = System.getProperty(SEED);
        runSeed = seedProperty != null && !seedProperty.isBlank() ? parseSeed(seedProperty) : System.nanoTime();
        String replayProperty = System.getProperty(REPLAY);
        replay = replayProperty != null && !replayProperty.isBlank() ? parseSeed(replayProperty) : null;
        trees = Integer.getInteger(TREES, replay != null ? 200 : 2_000);
        for (Rule rule : Rule.values()) {
            violations.put(rule, new ConcurrentLinkedQueue<>());
            violationCounts.put(rule, new LongAdder());
        }

        LoopManager.run(l -> l.createTask(x -> CompletableFuture.completedFuture(null))); // classes loaded before the snapshot
        threadsBefore = liveThreads();
        bridges = List.of(
                bridge(BridgeMode.SHARED, "", b -> b.timeout(Duration.ofMillis(500)).maxInFlight(64)),
                bridge(BridgeMode.SHARED, "-tight", b -> b.timeout(Duration.ofMillis(30)).maxInFlight(4)),
                bridge(BridgeMode.PER_CALL_POOLED, "", b -> b.timeout(Duration.ofMillis(500)).poolSize(3).maxInFlight(6)),
                bridge(BridgeMode.PER_CALL, "", b -> b.timeout(Duration.ofMillis(300)).poolSize(2).maxInFlight(4)));
        offload = new ThreadPoolExecutor(8, 8, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), named("fuzz-offload-"));
        external = new ScheduledThreadPoolExecutor(1, named("fuzz-external-"));
        long start = System.nanoTime();
        try {
            runTrees();
            // calls a tree left running (under a cancelled parent, say) still end within their timeouts
            catchThrowable(() -> await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(pending::isEmpty));
            for (Pending p : pending) {
                violation(Rule.HANG, p.seed, "never ended: " + p);
            }
            stats = bridges.stream().map(LoopBridge::stats).toArray(BridgeStats[]::new);
        } finally {
            took = BridgeFixture.since(start);
            bridges.forEach(LoopBridge::close);
            statsAfterClose = bridges.stream().map(LoopBridge::stats).toArray(BridgeStats[]::new);
            offload.shutdownNow();
            external.shutdownNow();
            offload.awaitTermination(10, TimeUnit.SECONDS);
            external.awaitTermination(10, TimeUnit.SECONDS);
            System.out.println(summary());
        }
    }

    private void runTrees() throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLongArray inProgress = new AtomicLongArray(CALLERS); // each caller's current tree, for a stall report
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            int me = c;
            Thread caller = new Thread(() -> {
                for (long i = next.getAndIncrement(); i < trees; i = next.getAndIncrement()) {
                    long seed = replay != null ? replay : CallTree.treeSeed(runSeed, i);
                    inProgress.set(me, seed);
                    try {
                        callOffLoop(seed, CallTree.generate(seed, bridges.size()).root, true);
                    } catch (Throwable unexpected) {
                        violation(Rule.OUTCOME, seed, "the caller thread got " + unexpected);
                    }
                    treesRun.incrementAndGet();
                }
            }, "fuzz-caller-" + c);
            caller.setDaemon(true);
            callers.add(caller);
            caller.start();
        }
        int lastCount = -1;
        long lastProgress = System.nanoTime();
        for (Thread caller : callers) {
            while (caller.isAlive()) {
                caller.join(1_000);
                int count = treesRun.get();
                if (count != lastCount) {
                    lastCount = count;
                    lastProgress = System.nanoTime();
                } else if (BridgeFixture.since(lastProgress).compareTo(STALL) > 0) {
                    for (int c = 0; c < CALLERS; c++) {
                        if (callers.get(c).isAlive()) {
                            violation(Rule.HANG, inProgress.get(c), "no tree finished for " + STALL + "; caller "
                                    + callers.get(c).getName() + " is at" + stackOf(callers.get(c)));
                        }
                    }
                    return;
                }
            }
        }
    }

    // ------------------------------------------------------------------ calls made off any loop (a caller, an offload thread)

    /** Makes {@code call} on a thread that runs no loop: the blocking entries block for real. */
    private void callOffLoop(long seed, Call call, boolean root) {
        if (LoopManager.runningLoop() != null) {
            violation(Rule.OUTCOME, seed, "an offload or caller thread runs a loop: " + LoopManager.runningLoop());
        }
        seen(call.entry() + (root ? "@caller" : "@offload"));
        if (call.entry() == Entry.MANAGER_RUN) {
            long start = System.nanoTime();
            Throwable thrown = catchThrowable(() -> LoopManager.run(body(seed, call.body())));
            checkManagerRun(seed, call, root, thrown, start);
            return;
        }
        LoopBridge bridge = bridges.get(call.bridge());
        if (call.entry() == Entry.RUN) {
            Pending p = started(seed, call, false, false, root, call.runTimeout());
            ended(p, catchThrowable(() -> bridge.run(body(seed, call.body()), call.runTimeout())));
            return;
        }
        CompletableFuture<Object> future = submit(seed, call, false, root, body(seed, call.body()));
        if (future == null) {
            return; // rejected, recorded
        }
        Duration bound = bridge.timeout().plus(MARGIN).plus(MARGIN);
        try {
            switch (call.entry()) {
                case SUBMIT_JOIN -> future.join();
                case SUBMIT_CANCEL -> {
                    try {
                        future.get(call.cancelAfterMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException stillRunning) {
                        future.cancel(true);
                    }
                    future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
                }
                default -> future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException late) {
            violation(Rule.TIMING, seed, call.entry() + ": the submit future was not complete " + bound.toMillis()
                    + " ms after the call (bridge timeout " + bridge.timeout().toMillis() + " ms)");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt(); // an offload cancelled with its parent: the call ends on its own
        } catch (ExecutionException | RuntimeException outcome) {
            // recorded by the future's own completion
        }
    }

    // ------------------------------------------------------------------ calls made on a loop thread

    /** Makes {@code call} in a callback of {@code loop}: blocking entries must be refused; then it composes. */
    private CompletionStage<?> callOnLoop(EventLoop loop, long seed, Call call) {
        seen(call.entry() + "@loop");
        LoopBridge bridge = call.entry() == Entry.MANAGER_RUN ? null : bridges.get(call.bridge());
        AsyncCallable<Object> body = body(seed, call.body());
        switch (call.entry()) {
            case RUN -> {
                Pending p = started(seed, call, true, true, false, AT_ONCE);
                ended(p, catchThrowable(() -> bridge.run(body, call.runTimeout())));
                return awaitSubmitted(loop, seed, call, body); // the right way: compose a submit
            }
            case MANAGER_RUN -> {
                blockingAttempt(seed, "LoopManager.run", () -> LoopManager.run(body), () -> false);
                return loop.createTask(body); // the right way: a task on this loop
            }
            case SUBMIT_GET, SUBMIT_JOIN -> {
                CompletableFuture<Object> gate = new CompletableFuture<>(); // keeps the future unfinished
                CompletableFuture<Object> future = submit(seed, call, true, false,
                        l -> l.await(gate).thenCompose(x -> run(body, l)));
                if (future == null) {
                    return done();
                }
                try {
                    blockingAttempt(seed, "submit future " + (call.entry() == Entry.SUBMIT_GET ? "get()" : "join()"),
                            call.entry() == Entry.SUBMIT_GET ? future::get : future::join, future::isDone);
                } finally {
                    gate.complete(null);
                }
                return loop.await(future);
            }
            case SUBMIT_CANCEL -> {
                CompletableFuture<Object> future = submit(seed, call, true, false, body);
                if (future == null) {
                    return done();
                }
                loop.callLater(Duration.ofMillis(call.cancelAfterMillis()), () -> future.cancel(true));
                return loop.await(future);
            }
            default -> {
                return awaitSubmitted(loop, seed, call, body);
            }
        }
    }

    private CompletionStage<?> awaitSubmitted(EventLoop loop, long seed, Call call, AsyncCallable<Object> body) {
        CompletableFuture<Object> future = submit(seed, call, true, false, body);
        return future == null ? done() : loop.await(future);
    }

    /** {@code bridge.submit(body)}, its outcome recorded when the future completes; null if refused at once. */
    private CompletableFuture<Object> submit(long seed, Call call, boolean onLoop, boolean root, AsyncCallable<Object> body) {
        LoopBridge bridge = bridges.get(call.bridge());
        Pending p = started(seed, call, onLoop, false, root, bridge.timeout());
        CompletableFuture<Object> future;
        try {
            future = bridge.submit(body);
        } catch (Throwable refused) {
            ended(p, refused);
            return null;
        }
        future.whenComplete((v, e) -> ended(p, e)); // on the thread that ends the call
        return future;
    }

    // ------------------------------------------------------------------ bodies and steps (loop thread)

    private AsyncCallable<Object> body(long seed, Body body) {
        return loop -> {
            if (body.fate() == Fate.THROW_AT_ONCE) {
                throw new FuzzFailure("thrown at once by a body of tree 0x" + Long.toHexString(seed));
            }
            LoopFuture<Object> start = loop.createFuture();
            start.complete(null);
            CompletionStage<Object> steps;
            if (body.parallel()) {
                List<CompletionStage<?>> all = new ArrayList<>();
                CompletionStage<Object> s = start.thenCompose(x -> {
                    for (Step step : body.steps()) {
                        all.add(step(loop, seed, step));
                    }
                    return loop.gatherSettled(all).thenApply(outcomes -> (Object) null);
                });
                steps = s;
            } else {
                CompletionStage<Object> s = start;
                for (Step step : body.steps()) {
                    s = s.thenCompose(x -> step(loop, seed, step).thenApply(y -> (Object) null));
                }
                steps = s;
            }
            return steps.thenCompose(x -> fate(loop, seed, body));
        };
    }

    /** How the body ends once its steps are done. */
    private static CompletionStage<Object> fate(EventLoop loop, long seed, Body body) {
        return switch (body.fate()) {
            case FAIL_LATER -> CompletableFuture.failedFuture(new FuzzFailure("failed by a body of tree 0x"
                    + Long.toHexString(seed)));
            case FAIL_CHECKED -> CompletableFuture.failedFuture(new FuzzCheckedFailure("failed (checked) by a body of"
                    + " tree 0x" + Long.toHexString(seed)));
            case SLOW -> loop.sleep(Duration.ofMillis(body.slowMillis())).thenApply(v -> "slow");
            default -> CompletableFuture.completedFuture("ok");
        };
    }

    /** Runs a step; its own outcome never fails the body (children are observed, then swallowed). */
    private CompletionStage<Object> step(EventLoop loop, long seed, Step step) {
        if (!loop.inLoopThread()) {
            violation(Rule.OUTCOME, seed, "a step started off its loop thread, on " + Thread.currentThread().getName());
        }
        seen(step.getClass().getSimpleName());
        CompletionStage<?> stage;
        try {
            stage = startStep(loop, seed, step);
        } catch (Throwable unexpected) {
            violation(Rule.OUTCOME, seed, "step " + step.getClass().getSimpleName() + " threw on the loop: " + unexpected);
            return done();
        }
        return loop.await(stage).handle((v, e) -> null);
    }

    private CompletionStage<?> startStep(EventLoop loop, long seed, Step step) {
        if (step instanceof CallTree.Sleep sleep) {
            return loop.sleep(Duration.ofMillis(sleep.millis()));
        }
        if (step instanceof CallTree.Nested nested) {
            return callOnLoop(loop, seed, nested.call());
        }
        if (step instanceof CallTree.Offload off) {
            return loop.runInExecutor(offload, () -> {
                callOffLoop(seed, off.call(), false);
                return null;
            });
        }
        if (step instanceof CallTree.Spawn spawn) {
            Task<Object> task = loop.createTask(body(seed, spawn.body()));
            switch (spawn.end()) {
                case JOIN_THEN_AWAIT -> blockingAttempt(seed, "Task.join()", task::join, task::isDone);
                case CANCEL -> loop.callLater(Duration.ofMillis(spawn.cancelAfterMillis()), () -> task.cancel(false));
                case DETACH -> {
                    return done();
                }
                default -> { }
            }
            return task;
        }
        if (step instanceof CallTree.Within within) {
            return loop.timeout(loop.createTask(body(seed, within.body())), Duration.ofMillis(within.timeoutMillis()));
        }
        if (step instanceof CallTree.External ext) {
            CompletableFuture<Object> response = new CompletableFuture<>();
            external.schedule(() -> response.complete("external"), ext.millis(), TimeUnit.MILLISECONDS);
            return loop.await(response);
        }
        if (step instanceof CallTree.BlockOnLoopFuture block) {
            LoopFuture<Void> sleeping = loop.sleep(Duration.ofMillis(1));
            blockingAttempt(seed, block.join() ? "LoopFuture.join()" : "LoopFuture.get()",
                    block.join() ? sleeping::join : sleeping::get, sleeping::isDone);
            return sleeping;
        }
        CallTree.Gather gather = (CallTree.Gather) step;
        List<CompletionStage<?>> parts = new ArrayList<>();
        for (Step part : gather.steps()) {
            parts.add(step(loop, seed, part));
        }
        return loop.gatherSettled(parts);
    }

    private static CompletionStage<Object> run(AsyncCallable<Object> body, EventLoop loop) {
        try {
            return body.call(loop);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <T> CompletableFuture<T> done() {
        return CompletableFuture.completedFuture(null);
    }

    // ------------------------------------------------------------------ recording and checking

    private Pending started(long seed, Call call, boolean onLoop, boolean mustRefuse, boolean root, Duration limit) {
        Pending p = new Pending(seed, call, onLoop, mustRefuse, root, limit);
        pending.add(p);
        return p;
    }

    /** A bridge call ended with {@code thrown} (null: success): classify it, tally it, check its rules. */
    private void ended(Pending p, Throwable thrown) {
        if (!p.ended.compareAndSet(false, true)) {
            violation(Rule.OUTCOME, p.seed, "a call ended twice: " + p);
            return;
        }
        long tookNanos = System.nanoTime() - p.start;
        pending.remove(p);
        Throwable t = thrown == null ? null : Failures.unwrap(thrown);
        Kind kind = t == null ? Kind.SUCCESS
                : t instanceof NestedLoopException ? Kind.REFUSED
                : t instanceof BridgeRejectedException ? Kind.REJECTED
                : t instanceof LoopTimeoutException ? Kind.TIMEOUT
                : Kind.FAILURE;
        tallies[p.bridge].kinds.get(kind).increment();
        seen("outcome:" + kind);
        String where = (p.mustRefuse ? "blocking " : "") + p.entry + (p.onLoop ? " on a loop thread" : " off any loop")
                + " to bridge "
                + bridges.get(p.bridge).name() + " ended as " + kind + " (" + t + ") after " + tookNanos / 1_000_000 + " ms";

        if (p.mustRefuse != (kind == Kind.REFUSED)) {
            violation(Rule.REFUSAL, p.seed, where + (p.mustRefuse ? ": expected NestedLoopException" : ": not a nested call"));
        }
        if (kind == Kind.REFUSED || kind == Kind.REJECTED) {
            maxRefusalNanos.accumulateAndGet(tookNanos, Math::max);
            if (tookNanos > AT_ONCE.toNanos()) {
                violation(Rule.TIMING, p.seed, where + ": expected at once (within " + AT_ONCE.toMillis() + " ms)");
            }
        } else {
            long late = tookNanos - p.limit.toNanos();
            maxLateNanos.accumulateAndGet(late, Math::max);
            if (late > MARGIN.toNanos()) {
                violation(Rule.TIMING, p.seed, where + ": beyond its timeout " + p.limit.toMillis() + " ms + margin "
                        + MARGIN.toMillis() + " ms");
            }
            if (kind == Kind.TIMEOUT && late < 0) {
                violation(Rule.TIMING, p.seed, where + ": timed out before its timeout " + p.limit.toMillis() + " ms");
            }
        }
        if (kind == Kind.SUCCESS && p.fate.fails()) {
            violation(Rule.OUTCOME, p.seed, where + ": its body's fate is " + p.fate);
        }
        if (kind == Kind.FAILURE && !allowedFailure(t, p.fate, p.root && p.entry != Entry.SUBMIT_CANCEL)) {
            violation(Rule.OUTCOME, p.seed, where + ": not a failure the tree allows (fate " + p.fate + ")");
        }
    }

    /** A LoopManager.run off any loop: no timeout, no stats; its outcome must still be one the tree allows. */
    private void checkManagerRun(long seed, Call call, boolean root, Throwable thrown, long start) {
        Throwable t = thrown == null ? null : Failures.unwrap(thrown);
        seen("outcome:MANAGER_RUN:" + (t == null ? "SUCCESS" : t.getClass().getSimpleName()));
        String where = "LoopManager.run off any loop ended with " + t + " after " + BridgeFixture.since(start).toMillis() + " ms";
        if (t == null ? call.body().fate().fails() : !allowedFailure(t, call.body().fate(), root)) {
            violation(Rule.OUTCOME, seed, where + ": not an outcome the tree allows (fate " + call.body().fate() + ")");
        }
    }

    /**
     * Failures a call may end with: its body's own, and (unless nothing can cancel it: a root that is not
     * SUBMIT_CANCEL) a cancellation, or the interruption of the offload thread that made it.
     */
    private static boolean allowedFailure(Throwable t, Fate fate, boolean uncancellable) {
        if (!uncancellable && (t instanceof CancellationException
                || t instanceof AsyncExecutionException && t.getCause() instanceof InterruptedException)) {
            return true;
        }
        return switch (fate) {
            case THROW_AT_ONCE, FAIL_LATER -> t instanceof FuzzFailure;
            case FAIL_CHECKED -> t instanceof FuzzCheckedFailure
                    || t instanceof AsyncExecutionException && t.getCause() instanceof FuzzCheckedFailure;
            default -> false;
        };
    }

    /**
     * A blocking entry on a loop thread, which must throw NestedLoopException at once; unless what it
     * waits for had already finished ({@code finishedBefore}), when returning at once is as good.
     */
    private void blockingAttempt(long seed, String what, Callable<?> entry, BooleanSupplier finishedBefore) {
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(entry::call);
        long tookNanos = System.nanoTime() - start;
        if (thrown instanceof NestedLoopException) {
            seen("refused:" + what);
            maxRefusalNanos.accumulateAndGet(tookNanos, Math::max);
            if (tookNanos > AT_ONCE.toNanos()) {
                violation(Rule.TIMING, seed, what + " on a loop thread was refused after " + tookNanos / 1_000_000 + " ms");
            }
        } else if (!finishedBefore.getAsBoolean()) {
            violation(Rule.REFUSAL, seed, what + " of an unfinished future on a loop thread ended with " + thrown
                    + " instead of NestedLoopException");
        } else {
            seen("finished-before:" + what);
        }
    }

    private void violation(Rule rule, long seed, String message) {
        failingTrees.add(seed);
        violationCounts.get(rule).increment();
        Queue<String> kept = violations.get(rule);
        if (kept.size() < KEPT) {
            kept.add("tree 0x" + Long.toHexString(seed) + ": " + message);
        }
    }

    private void seen(String what) {
        seen.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    // ------------------------------------------------------------------ the rules

    @Test
    void fuzz_everyCallEndsWithinItsTimeoutPlusMargin() {
        assertThat(violations.get(Rule.TIMING)).as(failure(Rule.TIMING)).isEmpty();
    }

    @Test
    void fuzz_everyCallEnds() {
        assertThat(violations.get(Rule.HANG)).as(failure(Rule.HANG)).isEmpty();
    }

    @Test
    void fuzz_blockingEntryOnLoopThread_endsWithNestedLoopException() {
        assertThat(violations.get(Rule.REFUSAL)).as(failure(Rule.REFUSAL)).isEmpty();
    }

    @Test
    void fuzz_everyOutcome_isOneTheTreeAllows() {
        assertThat(violations.get(Rule.OUTCOME)).as(failure(Rule.OUTCOME)).isEmpty();
    }

    @Test
    void fuzz_stats_addUpWithNothingInFlight() {
        assertThat(stats).as("stats were taken: " + describeRun()).isNotNull();
        for (BridgeStats s : stats) {
            assertThat(s.calls()).as(s.name() + ": calls = successes + failures + timeouts + rejections + nested refusals; "
                    + s + "; " + describeRun())
                    .isEqualTo(s.successes() + s.failures() + s.timeouts() + s.rejections() + s.nestedRefusals());
            assertThat(s.inFlight()).as(s.name() + " in flight at the end; " + describeRun()).isZero();
        }
    }

    @Test
    void fuzz_stats_matchWhatTheCallersSaw() {
        assertThat(stats).as("stats were taken: " + describeRun()).isNotNull();
        for (int i = 0; i < stats.length; i++) {
            BridgeStats s = stats[i];
            Tally seenByCallers = tallies[i];
            String as = s.name() + ": " + s + " vs callers' " + seenByCallers.kinds + "; " + describeRun();
            assertThat(s.calls()).as(as).isEqualTo(seenByCallers.calls());
            assertThat(s.successes()).as(as).isEqualTo(seenByCallers.of(Kind.SUCCESS));
            assertThat(s.failures()).as(as).isEqualTo(seenByCallers.of(Kind.FAILURE));
            assertThat(s.timeouts()).as(as).isEqualTo(seenByCallers.of(Kind.TIMEOUT));
            assertThat(s.rejections()).as(as).isEqualTo(seenByCallers.of(Kind.REJECTED));
            assertThat(s.nestedRefusals()).as(as).isEqualTo(seenByCallers.of(Kind.REFUSED));
        }
    }

    @Test
    void fuzz_everyLoopCreated_isClosedOnceBridgeClosed() {
        for (BridgeStats s : statsAfterClose) {
            assertThat(s.loopsClosed()).as(s.name() + ": " + s + "; " + describeRun()).isEqualTo(s.loopsCreated());
        }
    }

    @Test
    void fuzz_noThreadOfTheRun_survivesClose() {
        await().atMost(Duration.ofSeconds(15)).pollInSameThread()
                .untilAsserted(() -> assertThat(newThreads()).as("threads started by the run and still alive; "
                        + describeRun()).isEmpty());
    }

    @Test
    void fuzz_exercisedEveryEntryStepAndOutcome() {
        Assumptions.assumeTrue(replay == null && trees >= 2_000, "coverage is checked on full-size runs only");
        assertThat(treesRun.get()).as(describeRun()).isEqualTo(trees);
        List<String> expected = new ArrayList<>();
        for (Entry entry : Entry.values()) {
            expected.add(entry + "@loop");
            expected.add(entry + "@caller");
        }
        for (Entry entry : List.of(Entry.RUN, Entry.SUBMIT_GET, Entry.SUBMIT_JOIN, Entry.SUBMIT_CANCEL, Entry.MANAGER_RUN)) {
            expected.add(entry + "@offload");
        }
        for (Kind kind : Kind.values()) {
            expected.add("outcome:" + kind);
        }
        for (String step : List.of("Sleep", "Nested", "Offload", "Spawn", "Within", "External", "BlockOnLoopFuture",
                "Gather")) {
            expected.add(step);
        }
        for (String refused : List.of("LoopManager.run", "submit future get()", "submit future join()", "Task.join()",
                "LoopFuture.join()", "LoopFuture.get()")) {
            expected.add("refused:" + refused);
        }
        assertThat(seen.keySet()).as(describeRun()).containsAll(expected);
    }

    // ------------------------------------------------------------------ reporting

    private String failure(Rule rule) {
        StringBuilder text = new StringBuilder();
        text.append(violationCounts.get(rule).sum()).append(" violation(s) of ").append(rule).append("; ")
                .append(describeRun());
        violations.get(rule).stream().map(v -> v.substring(5, v.indexOf(':'))).distinct().limit(3)
                .forEach(seed -> text.append('\n').append(CallTree.generate(parseSeed(seed), bridges.size())));
        return text.toString();
    }

    private String describeRun() {
        String failing = failingTrees.stream().limit(10).map(s -> "0x" + Long.toHexString(s)).collect(Collectors.joining(", "));
        return "run seed 0x" + Long.toHexString(runSeed) + " (" + trees + " trees, " + CALLERS + " callers"
                + (replay != null ? ", replaying tree 0x" + Long.toHexString(replay) : "") + ")"
                + (failing.isEmpty() ? "" : "; failing trees: " + failing
                + "; replay one with: mvn -B -ntp test -pl bridge -Dtest=NestedCallFuzzTest -D" + REPLAY + "=<tree seed>"
                + "; the whole run with -D" + SEED + "=0x" + Long.toHexString(runSeed) + " -D" + TREES + "=" + trees);
    }

    private String summary() {
        return "NestedCallFuzzTest: " + treesRun.get() + " trees in " + took.toMillis() + " ms; " + describeRun()
                + "\n  max lateness past timeout: " + maxLateNanos.get() / 1_000_000 + " ms (margin " + MARGIN.toMillis()
                + " ms); slowest refusal/rejection: " + maxRefusalNanos.get() / 1_000_000 + " ms"
                + "\n  violations: " + violationCounts
                + "\n  stats: " + (stats == null ? "none" : List.of(stats))
                + "\n  seen: " + new TreeMap<>(seen);
    }

    // ------------------------------------------------------------------ plumbing

    private LoopBridge bridge(BridgeMode mode, String suffix, java.util.function.Consumer<LoopBridge.Builder> options) {
        LoopBridge.Builder builder = LoopBridge.builder().mode(mode).name("fuzz-" + BridgeFixture.uniqueName(mode) + suffix);
        options.accept(builder);
        return builder.build();
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger ids = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, prefix + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** A seed as printed ({@code 0x} and up to 16 hex digits) or in decimal. */
    static long parseSeed(String text) {
        String t = text.trim();
        return t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    /** Threads alive now that were not before the run (JVM housekeeping threads aside). */
    private List<String> newThreads() {
        return liveThreads().stream()
                .filter(t -> !threadsBefore.contains(t) && t != Thread.currentThread()) // JUnit may run tests on a thread of their own
                .map(Thread::getName)
                .filter(name -> !name.equals("Attach Listener") && !name.equals("process reaper"))
                .sorted()
                .collect(Collectors.toList());
    }

    private static String stackOf(Thread thread) {
        StringBuilder text = new StringBuilder();
        for (StackTraceElement frame : thread.getStackTrace()) {
            text.append("\n\tat ").append(frame);
        }
        return text.toString();
    }
}
