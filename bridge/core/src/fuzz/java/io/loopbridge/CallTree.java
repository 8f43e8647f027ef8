package io.loopbridge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A random tree of nested calls for {@link NestedCallFuzzTest}: which entry (bridge {@code run},
 * {@code submit} and a blocking {@code get}/{@code join} or an await of its future, a cancel of it,
 * {@link LoopManager#run}), on which bridge, with which timeout, and what the body does on its loop
 * (sleeps, nested calls made on the loop thread, calls offloaded to a plain thread with
 * {@code runInExecutor}, tasks awaited, joined, cancelled or left behind, inner timeouts, external
 * futures, blocking waits on loop futures, gathers) and how it ends. A tree is a pure function of
 * its seed, so a failing tree is replayed from the seed printed with the failure; only the thread
 * interleaving differs between runs.
 */
final class CallTree {
    /** How a call is made. On a loop thread the blocking ones must be refused with NestedLoopException. */
    enum Entry {
        /** {@code bridge.run(body, timeout)}: blocking. */
        RUN,
        /** {@code bridge.submit(body)}, then (off a loop) a blocking {@code get(timeout)} or (on a loop) an await. */
        SUBMIT_AWAIT,
        /** {@code bridge.submit(body).get()}: blocking. */
        SUBMIT_GET,
        /** {@code bridge.submit(body).join()}: blocking. */
        SUBMIT_JOIN,
        /** {@code bridge.submit(body)}, cancelled by its caller after a while. */
        SUBMIT_CANCEL,
        /** {@code LoopManager.run(body)}: blocking, no bridge. */
        MANAGER_RUN;

        boolean blocking() {
            return this == RUN || this == SUBMIT_GET || this == SUBMIT_JOIN || this == MANAGER_RUN;
        }
    }

    /** How a body ends once its steps are done (children's outcomes never change it). */
    enum Fate {
        SUCCEED, THROW_AT_ONCE, FAIL_LATER, FAIL_CHECKED, SLOW;

        boolean fails() {
            return this == THROW_AT_ONCE || this == FAIL_LATER || this == FAIL_CHECKED;
        }
    }

    /** How a task spawned by a body ends. */
    enum TaskEnd {
        /** Awaited. */
        AWAIT,
        /** A blocking {@code join()} on the loop thread (refused), then awaited. */
        JOIN_THEN_AWAIT,
        /** Cancelled from the loop after a while, and awaited. */
        CANCEL,
        /** Left behind: cancelled as a leftover in the per-call modes, runs on in SHARED. */
        DETACH
    }

    /** One call: an entry, a target bridge (an index into the run's bridges; none for MANAGER_RUN), a body. */
    record Call(Entry entry, int bridge, Duration runTimeout, int cancelAfterMillis, Body body) {}

    /** What a body does on its loop: its steps, one after another or all at once, then its fate. */
    record Body(List<Step> steps, boolean parallel, Fate fate, int slowMillis) {}

    sealed interface Step permits Sleep, Nested, Offload, Spawn, Within, External, BlockOnLoopFuture, Gather {}

    /** {@code loop.sleep}. */
    record Sleep(int millis) implements Step {}

    /** A call made right on the loop thread. */
    record Nested(Call call) implements Step {}

    /** A call made on a plain thread via {@code loop.runInExecutor}, awaited by the loop. */
    record Offload(Call call) implements Step {}

    /** {@code loop.createTask(body)}, ended as {@code end} says. */
    record Spawn(Body body, TaskEnd end, int cancelAfterMillis) implements Step {}

    /** {@code loop.timeout(task(body), timeoutMillis)}. */
    record Within(Body body, int timeoutMillis) implements Step {}

    /** Await of a future completed by another thread after {@code millis}. */
    record External(int millis) implements Step {}

    /** A blocking {@code join()} or {@code get()} of an unfinished loop future on the loop thread (refused). */
    record BlockOnLoopFuture(boolean join) implements Step {}

    /** {@code loop.gatherSettled} of the steps. */
    record Gather(List<Step> steps) implements Step {}

    /** Timeouts of {@code run(body, timeout)}: mostly roomy, sometimes shorter than the body. */
    private static final int[] RUN_TIMEOUT_MILLIS = {500, 500, 500, 500, 500, 500, 40, 40, 10, 3};
    private static final int MAX_DEPTH = 3;
    private static final int MAX_STEPS = 12;

    final long seed;
    final Call root;
    private final int bridges;
    private final SplittableRandom random;
    /** Steps left to generate. */
    private int budget = MAX_STEPS;

    private CallTree(long seed, int bridges) {
        this.seed = seed;
        this.bridges = bridges;
        this.random = new SplittableRandom(seed);
        Entry[] rootEntries = {Entry.RUN, Entry.RUN, Entry.RUN, Entry.SUBMIT_AWAIT, Entry.SUBMIT_GET, Entry.SUBMIT_JOIN,
                Entry.SUBMIT_CANCEL, Entry.MANAGER_RUN};
        this.root = call(rootEntries[random.nextInt(rootEntries.length)], 0);
    }

    /** The tree of {@code seed}, over {@code bridges} target bridges. */
    static CallTree generate(long seed, int bridges) {
        return new CallTree(seed, bridges);
    }

    /** The seed of tree number {@code index} of a run with {@code runSeed}. */
    static long treeSeed(long runSeed, long index) {
        long z = runSeed + (index + 1) * 0x9E3779B97F4A7C15L; // SplitMix64
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private Call call(Entry entry, int depth) {
        int bridge = random.nextInt(bridges);
        Duration timeout = Duration.ofMillis(RUN_TIMEOUT_MILLIS[random.nextInt(RUN_TIMEOUT_MILLIS.length)]);
        return new Call(entry, bridge, timeout, random.nextInt(0, 20), body(depth + 1, true));
    }

    private Body body(int depth, boolean callsAllowed) {
        int n = depth > MAX_DEPTH ? 0 : random.nextInt(0, 4);
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < n && budget > 0; i++) {
            budget--;
            steps.add(step(depth, callsAllowed));
        }
        int f = random.nextInt(100);
        Fate fate = f < 70 ? Fate.SUCCEED : f < 76 ? Fate.THROW_AT_ONCE : f < 82 ? Fate.FAIL_LATER
                : f < 88 ? Fate.FAIL_CHECKED : Fate.SLOW;
        return new Body(List.copyOf(steps), random.nextInt(4) == 0, fate, random.nextInt(5, 60));
    }

    private Step step(int depth, boolean callsAllowed) {
        int k = random.nextInt(callsAllowed ? 100 : 40);
        if (k < 14) {
            return new Sleep(random.nextInt(0, 6));
        }
        if (k < 22) {
            return new External(random.nextInt(0, 6));
        }
        if (k < 28) {
            return new BlockOnLoopFuture(random.nextBoolean());
        }
        if (k < 34) {
            return new Within(body(depth + 1, false), random.nextInt(1, 30));
        }
        if (k < 40) {
            return new Spawn(body(depth + 1, false), TaskEnd.DETACH, 0); // no calls: it may outlive its tree
        }
        if (k < 62) {
            return new Nested(call(Entry.values()[random.nextInt(Entry.values().length)], depth));
        }
        if (k < 76) {
            Entry[] offloadable = {Entry.RUN, Entry.RUN, Entry.SUBMIT_GET, Entry.SUBMIT_JOIN, Entry.SUBMIT_CANCEL,
                    Entry.MANAGER_RUN};
            return new Offload(call(offloadable[random.nextInt(offloadable.length)], depth));
        }
        if (k < 92) {
            TaskEnd[] ends = {TaskEnd.AWAIT, TaskEnd.JOIN_THEN_AWAIT, TaskEnd.CANCEL};
            return new Spawn(body(depth + 1, true), ends[random.nextInt(ends.length)], random.nextInt(0, 10));
        }
        List<Step> parts = new ArrayList<>();
        for (int i = random.nextInt(1, 4); i > 0 && budget > 0; i--) {
            budget--;
            parts.add(step(depth + 1, callsAllowed));
        }
        return new Gather(List.copyOf(parts));
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("tree 0x").append(Long.toHexString(seed)).append(":\n");
        appendCall(text, root, 1, "root");
        return text.toString();
    }

    private static void appendCall(StringBuilder text, Call call, int indent, String how) {
        text.append("  ".repeat(indent)).append(how).append(' ').append(call.entry());
        if (call.entry() != Entry.MANAGER_RUN) {
            text.append(" bridge#").append(call.bridge());
        }
        if (call.entry() == Entry.RUN) {
            text.append(" timeout=").append(call.runTimeout().toMillis()).append("ms");
        }
        if (call.entry() == Entry.SUBMIT_CANCEL) {
            text.append(" cancelAfter=").append(call.cancelAfterMillis()).append("ms");
        }
        text.append('\n');
        appendBody(text, call.body(), indent + 1);
    }

    private static void appendBody(StringBuilder text, Body body, int indent) {
        text.append("  ".repeat(indent)).append("body ").append(body.parallel() ? "parallel" : "sequential")
                .append(", then ").append(body.fate());
        if (body.fate() == Fate.SLOW) {
            text.append(' ').append(body.slowMillis()).append("ms");
        }
        text.append('\n');
        for (Step step : body.steps()) {
            appendStep(text, step, indent + 1);
        }
    }

    private static void appendStep(StringBuilder text, Step step, int indent) {
        String pad = "  ".repeat(indent);
        if (step instanceof Nested nested) {
            appendCall(text, nested.call(), indent, "on-loop");
        } else if (step instanceof Offload offload) {
            appendCall(text, offload.call(), indent, "offloaded");
        } else if (step instanceof Spawn spawn) {
            text.append(pad).append("task ").append(spawn.end());
            if (spawn.end() == TaskEnd.CANCEL) {
                text.append(" after ").append(spawn.cancelAfterMillis()).append("ms");
            }
            text.append('\n');
            appendBody(text, spawn.body(), indent + 1);
        } else if (step instanceof Within within) {
            text.append(pad).append("timeout ").append(within.timeoutMillis()).append("ms\n");
            appendBody(text, within.body(), indent + 1);
        } else if (step instanceof Gather gather) {
            text.append(pad).append("gatherSettled\n");
            for (Step part : gather.steps()) {
                appendStep(text, part, indent + 1);
            }
        } else {
            text.append(pad).append(step).append('\n');
        }
    }
}
