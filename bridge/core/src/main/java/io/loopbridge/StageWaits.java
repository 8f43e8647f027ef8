package io.loopbridge;

import io.loopbridge.internal.Checks;
import io.loopbridge.internal.Failures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The waits behind {@link EventLoop#wait} and {@link EventLoop#asCompleted}. Unlike gather they do not
 * own their stages: cancelling what they return cancels none of them (as in asyncio). Their bookkeeping
 * runs on the loop thread, whichever thread completes a stage.
 */
final class StageWaits {
    private StageWaits() {}

    static <S extends CompletionStage<?>> LoopFuture<WaitResult<S>> wait(DefaultEventLoop loop,
            Collection<? extends S> stages, WaitMode mode, Duration timeout) {
        Checks.notNull(mode, "mode");
        List<S> distinct = new ArrayList<>(new LinkedHashSet<>(elements(stages)));
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("stages: [] (expected at least one stage): a wait on nothing has no"
                    + " first completion (asyncio raises ValueError); check for an empty collection before waiting");
        }
        int n = distinct.size();
        LoopFuture<WaitResult<S>> result = new LoopFuture<>(loop);
        boolean[] seen = new boolean[n]; // loop thread only
        int[] pending = {n};
        Runnable settle = () -> {
            if (!result.isDone()) {
                result.complete(split(distinct, seen));
            }
        };
        for (int i = 0; i < n; i++) {
            int index = i;
            LoopOps.onLoop(loop, distinct.get(i), (v, e) -> {
                seen[index] = true;
                if (mode.endsWith(e, --pending[0])) {
                    settle.run();
                }
            });
        }
        if (timeout != null && !result.isDone()) {
            TimerHandle timer = loop.callAt(loop.deadlineAfter(timeout), settle); // spent: the next iteration
            result.await(timer); // cancelling the result drops the timer, never the stages
            result.whenCompleteInline((r, e) -> timer.cancel());
        }
        return result;
    }

    static <T> List<LoopFuture<T>> asCompleted(DefaultEventLoop loop,
            Collection<? extends CompletionStage<? extends T>> stages) {
        List<? extends CompletionStage<? extends T>> inputs = elements(stages);
        int n = inputs.size();
        List<LoopFuture<T>> slots = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            slots.add(new LoopFuture<>(loop));
        }
        int[] next = {0}; // loop thread only
        for (CompletionStage<? extends T> stage : inputs) {
            LoopOps.onLoop(loop, stage, (v, e) -> {
                while (next[0] < n) { // the next slot not cancelled meanwhile takes the outcome
                    LoopFuture<T> slot = slots.get(next[0]++);
                    if (e == null ? slot.complete(v) : slot.completeExceptionally(Failures.unwrap(e))) {
                        return;
                    }
                }
            });
        }
        return List.copyOf(slots);
    }

    /** A copy of {@code stages}, every element checked before anything is registered on one. */
    private static <S> List<S> elements(Collection<? extends S> stages) {
        Checks.notNull(stages, "stages");
        List<S> copy = new ArrayList<>(stages.size());
        for (S stage : stages) {
            copy.add(Checks.notNull(stage, "stages[" + copy.size() + "]"));
        }
        return copy;
    }

    private static <S> WaitResult<S> split(List<S> stages, boolean[] seen) {
        Set<S> done = new LinkedHashSet<>();
        Set<S> pending = new LinkedHashSet<>();
        for (int i = 0; i < seen.length; i++) {
            (seen[i] ? done : pending).add(stages.get(i));
        }
        return new WaitResult<>(done, pending);
    }
}
