package io.loopbridge;

import io.loopbridge.internal.CallContext;
import io.loopbridge.internal.Checks;
import io.loopbridge.internal.Failures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.BiConsumer;

/**
 * The async toolkit behind {@link EventLoop}'s {@code sleep}, {@code await}, {@code shield},
 * {@code gather}, {@code gatherSettled} and {@code runInExecutor} ({@code timeout} is a
 * {@link TimeoutScope}; {@code wait} and {@code asCompleted} are {@link StageWaits}). Every result is a
 * {@link LoopFuture} that awaits its inputs, so cancelling it cancels them (except for shield).
 */
final class LoopOps {
    private LoopOps() {}

    static LoopFuture<Void> sleep(DefaultEventLoop loop, Duration delay) {
        Checks.nonNegative(delay, "delay");
        LoopFuture<Void> done = new LoopFuture<>(loop);
        done.await(loop.callLater(delay, () -> done.complete(null)));
        return done;
    }

    /** The loop-side mirror of {@code stage}; cancelling it cancels {@code stage} only if {@code propagate}. */
    static <T> LoopFuture<T> await(DefaultEventLoop loop, CompletionStage<T> stage, boolean propagate) {
        Checks.notNull(stage, "stage");
        LoopFuture<T> mirror = new LoopFuture<>(loop);
        if (propagate) {
            mirror.relayFrom(stage);
        } else {
            whenDone(stage, (v, e) -> complete(mirror, v, e));
        }
        return mirror;
    }

    static <T> LoopFuture<List<T>> gather(DefaultEventLoop loop, List<? extends CompletionStage<? extends T>> stages) {
        Checks.notNull(stages, "stages");
        int n = stages.size();
        LoopFuture<List<T>> result = new LoopFuture<>(loop);
        Future<?>[] inputs = futuresOf(stages);
        result.await(inputs);
        if (n == 0) {
            result.complete(List.of());
            return result;
        }
        Object[] values = new Object[n];
        int[] remaining = {n};
        for (int i = 0; i < n; i++) {
            int index = i;
            onLoop(loop, stages.get(i), (v, e) -> {
                if (result.isDone()) {
                    return;
                }
                if (e != null) {
                    result.completeExceptionally(Failures.unwrap(e));
                    LoopFuture.cancelAwaited(inputs); // fail on the first failure, cancel the rest
                    return;
                }
                values[index] = v;
                if (--remaining[0] == 0) {
                    @SuppressWarnings("unchecked")
                    List<T> list = (List<T>) Arrays.asList(values);
                    result.complete(list);
                }
            });
        }
        return result;
    }

    static <T> LoopFuture<List<Outcome<T>>> gatherSettled(DefaultEventLoop loop,
            List<? extends CompletionStage<? extends T>> stages) {
        Checks.notNull(stages, "stages");
        int n = stages.size();
        LoopFuture<List<Outcome<T>>> result = new LoopFuture<>(loop);
        result.await(futuresOf(stages));
        List<Outcome<T>> outcomes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            outcomes.add(null);
        }
        if (n == 0) {
            result.complete(outcomes);
            return result;
        }
        int[] remaining = {n};
        for (int i = 0; i < n; i++) {
            int index = i;
            onLoop(loop, stages.get(i), (v, e) -> {
                outcomes.set(index, Outcome.<T>of(v, e));
                if (--remaining[0] == 0) {
                    result.complete(outcomes);
                }
            });
        }
        return result;
    }

    static <T> LoopFuture<T> runInExecutor(DefaultEventLoop loop, Executor executor, Callable<T> work) {
        Checks.notNull(work, "work");
        loop.checkOpen(work);
        LoopFuture<T> result = new LoopFuture<>(loop);
        FutureTask<T> job = new FutureTask<>(work) {
            @Override
            protected void done() {
                if (isCancelled()) {
                    return; // the result was cancelled first and cancelled us
                }
                try {
                    result.complete(get());
                } catch (Throwable t) {
                    result.completeExceptionally(Failures.unwrap(t));
                }
            }
        };
        result.await(job);
        executor.execute(job);
        return result;
    }

    // ------------------------------------------------------------ shared plumbing

    /** The future behind {@code stage}, for cancelling it; null if it cannot be had. */
    static Future<?> futureOf(CompletionStage<?> stage) {
        if (stage instanceof Future<?> future) {
            return future;
        }
        try {
            return stage.toCompletableFuture();
        } catch (UnsupportedOperationException notSupported) {
            return null;
        }
    }

    private static Future<?>[] futuresOf(List<? extends CompletionStage<?>> stages) {
        Future<?>[] futures = new Future<?>[stages.size()];
        for (int i = 0; i < futures.length; i++) {
            futures[i] = futureOf(Checks.notNull(stages.get(i), "stages[" + i + "]"));
        }
        return futures;
    }

    /** Runs {@code action} when {@code stage} completes, on the completing thread. */
    @SuppressWarnings("unchecked")
    static <T> void whenDone(CompletionStage<? extends T> stage, BiConsumer<? super T, Throwable> action) {
        if (stage instanceof LoopFuture<?> future) {
            ((LoopFuture<T>) future).whenCompleteInline(action);
        } else {
            stage.whenComplete(action);
        }
    }

    /** Runs {@code action} when {@code stage} completes, on {@code loop}'s thread. */
    static <T> void onLoop(DefaultEventLoop loop, CompletionStage<? extends T> stage,
            BiConsumer<? super T, Throwable> action) {
        CallContext context = loop.contextHere();
        whenDone(stage, (v, e) -> loop.runOnLoop(() -> action.accept(v, e), context));
    }

    static <T> void complete(CompletableFuture<T> target, T value, Throwable failure) {
        if (failure == null) {
            target.complete(value);
        } else {
            target.completeExceptionally(Failures.unwrap(failure));
        }
    }
}
