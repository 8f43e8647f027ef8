package io.loopbridge;

import io.loopbridge.internal.Failures;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link CompletableFuture} bound to an event loop: the stages the loop hands out.
 *
 * <h2>Threads</h2>
 * It may be completed from any thread. Every callback registered on it, with or without
 * {@code Async} (but without an explicit executor), runs on the loop thread in a later iteration,
 * under the context that was current when the callback was registered. Derived stages are loop
 * futures of the same loop. {@link #toCompletableFuture()} returns this future itself.
 *
 * <h2>Cancellation</h2>
 * {@link #cancel} completes it with {@link CancellationException} and cancels what it awaits: the
 * stage it was derived from, the inner stage of a {@link #thenCompose}, the timer of a
 * {@link EventLoop#sleep}, the external future of an {@link EventLoop#await}. Cancellation may be
 * requested from any thread. {@link EventLoop#shield} stops the propagation.
 *
 * <h2>Blocking</h2>
 * {@link #get()} and {@link #join()} of an unfinished loop future on a thread that is running an
 * event loop throw {@link NestedLoopException} at once instead of deadlocking. On a finished future
 * they return at once, as usual.
 *
 * @param <T> the value type
 */
public class LoopFuture<T> extends GuardedFuture<T> {
    /** The completions waiting for the relay running on this thread (see {@link #relayed}); null when none runs. */
    private static final ThreadLocal<ArrayDeque<Object>> RELAYS = new ThreadLocal<>();
    /** Stands for a null value or failure in the deque of {@link #RELAYS}, which takes no nulls. */
    private static final Object NONE = new Object();
    private static final VarHandle AWAITED;

    static {
        try {
            AWAITED = MethodHandles.lookup().findVarHandle(LoopFuture.class, "awaited", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final DefaultEventLoop loop;
    /**
     * What {@link #cancel} propagates to: a {@link Future}, a {@link TimerHandle}, an array of those,
     * or null. Written by the thread that wires the dependency, before the awaited thing can finish.
     */
    private volatile Object awaited;

    LoopFuture(DefaultEventLoop loop) {
        this.loop = loop;
    }

    /** The loop whose thread runs this future's callbacks. */
    public EventLoop loop() {
        return loop;
    }

    void await(Object what) {
        this.awaited = what;
    }

    /**
     * Someone composed, waited for or read the outcome: a task counts it as retrieval of its failure
     * (debug mode's unobserved-failure report). A plain loop future does nothing.
     */
    void observe() {}

    @Override
    public <U> LoopFuture<U> newIncompleteFuture() {
        observe(); // every composition method derives its stage here
        LoopFuture<U> dependent = new LoopFuture<>(loop);
        dependent.awaitWhileUnshared(this);
        return dependent;
    }

    @Override
    public Executor defaultExecutor() {
        return loop.callbackExecutor();
    }

    // ------------------------------------------------------------ completion, waking waiters in order

    /**
     * As {@link CompletableFuture#complete}; the stages waiting for this future resume, on the loop
     * thread, in the order they started waiting (asyncio's done-callback order), not last-first as
     * {@code CompletableFuture}'s stack of dependents would have it. This holds for the futures that
     * are completed by a call (the loop's and its primitives', {@code complete} and cancellation); a
     * stage derived by composition wakes its own dependents in {@code CompletableFuture}'s order.
     */
    @Override
    public boolean complete(T value) {
        return finish(value, null);
    }

    /** As {@link CompletableFuture#completeExceptionally}; waiters wake in order, as {@link #complete} says. */
    @Override
    public boolean completeExceptionally(Throwable failure) {
        return finish(null, Objects.requireNonNull(failure, "failure"));
    }

    /** Completes this future, its waiters woken in registration order (see {@link Wakeups}). */
    private boolean finish(T value, Throwable failure) {
        if (getNumberOfDependents() < 2) {
            return finish0(value, failure);
        }
        Wakeups batch = Wakeups.open(loop);
        try {
            return finish0(value, failure);
        } finally {
            batch.close();
        }
    }

    private boolean finish0(T value, Throwable failure) {
        return failure == null ? super.complete(value) : super.completeExceptionally(failure);
    }

    // ------------------------------------------------------------ cancellation

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return cancelWith(new CancellationException("cancelled: " + this));
    }

    /** Completes with {@code cancellation} and propagates it to what this future awaits. */
    boolean cancelWith(CancellationException cancellation) {
        boolean cancelled = finish(null, cancellation);
        if (cancelled) {
            Object what = awaited;
            awaited = null;
            cancelAwaited(what);
        }
        return cancelled;
    }

    /**
     * Completes with {@code cancellation} and leaves what this future awaits as it is: pending, and
     * resumed if the loop runs again. How a stopped {@code runUntilComplete} lets go of its body.
     */
    boolean abandon(CancellationException cancellation) {
        boolean abandoned = finish(null, cancellation);
        if (abandoned) {
            awaited = null;
        }
        return abandoned;
    }

    static void cancelAwaited(Object what) {
        if (what instanceof Future<?> future) {
            try {
                future.cancel(true);
            } catch (UnsupportedOperationException notCancellable) {
                // a stage that refuses cancellation (CompletableFuture.minimalCompletionStage()):
                // there is nothing to propagate to, and the canceller must not fail because of it
            }
        } else if (what instanceof TimerHandle timer) {
            timer.cancel();
        } else if (what instanceof Object[] all) {
            for (Object each : all) {
                cancelAwaited(each);
            }
        }
    }

    // ------------------------------------------------------------ waits and reads

    @Override
    String owner() {
        return "future of event loop '" + loop.name() + "'";
    }

    @Override
    void beforeWait(String wait) {
        observe();
        super.beforeWait(wait);
    }

    @Override
    public T getNow(T valueIfAbsent) {
        observe();
        return super.getNow(valueIfAbsent);
    }

    /**
     * The value, without waiting.
     *
     * @throws IllegalStateException if the future is not done, failed or was cancelled
     */
    public T resultNow() {
        observe();
        if (!isDone()) {
            throw new IllegalStateException("future is not done: " + this);
        }
        if (isCompletedExceptionally()) {
            throw new IllegalStateException("future completed exceptionally: " + this, exceptionNow0());
        }
        return super.getNow(null);
    }

    /**
     * The failure (unwrapped from {@link CompletionException}), without waiting.
     *
     * @throws IllegalStateException if the future is not done, completed normally or was cancelled
     */
    public Throwable exceptionNow() {
        observe();
        if (!isDone() || !isCompletedExceptionally() || isCancelled()) {
            throw new IllegalStateException("future did not fail: " + this);
        }
        return exceptionNow0();
    }

    private Throwable exceptionNow0() {
        return Failures.failureOf(this);
    }

    /** The value or the failure as the contract says: unchecked as is, checked wrapped. Done futures only. */
    T resultOrThrow() {
        if (!isCompletedExceptionally()) {
            return super.getNow(null);
        }
        throw AsyncExecutionException.rethrow(exceptionNow0(), "async code");
    }

    // ------------------------------------------------------------ composition, always on the loop thread

    /** Registers {@code action} without an executor: it runs on the thread that completes this future. */
    void whenCompleteInline(BiConsumer<? super T, ? super Throwable> action) {
        super.whenComplete(action);
    }

    @Override
    public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return thenApplyAsync(fn, defaultExecutor());
    }

    @Override
    public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
        return thenAcceptAsync(action, defaultExecutor());
    }

    @Override
    public CompletableFuture<Void> thenRun(Runnable action) {
        return thenRunAsync(action, defaultExecutor());
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other,
            BiFunction<? super T, ? super U, ? extends V> fn) {
        return thenCombineAsync(other, fn, defaultExecutor());
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
            BiConsumer<? super T, ? super U> action) {
        return thenAcceptBothAsync(other, action, defaultExecutor());
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return runAfterBothAsync(other, action, defaultExecutor());
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return applyToEitherAsync(other, fn, defaultExecutor());
    }

    @Override
    public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return acceptEitherAsync(other, action, defaultExecutor());
    }

    @Override
    public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return runAfterEitherAsync(other, action, defaultExecutor());
    }

    @Override
    public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return handleAsync(fn, defaultExecutor());
    }

    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return whenCompleteAsync(action, defaultExecutor());
    }

    @Override
    public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return exceptionallyAsync(fn, defaultExecutor());
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return exceptionallyComposeAsync(fn, defaultExecutor());
    }

    /**
     * As {@link CompletableFuture#thenCompose}, run on the loop thread, and the result awaits the
     * inner stage once it exists: cancelling the result cancels whichever step is pending.
     */
    @Override
    public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return thenComposeAsync(fn, defaultExecutor());
    }

    @Override
    public <U> CompletableFuture<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn) {
        return thenComposeAsync(fn, defaultExecutor());
    }

    @Override
    public <U> CompletableFuture<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn,
            Executor executor) {
        LoopFuture<U> result = newIncompleteFuture();
        CompletableFuture<T> step = super.whenCompleteAsync((value, failure) -> {
            if (result.isDone()) {
                return; // cancelled meanwhile: like CompletableFuture, fn never runs
            }
            if (failure != null) {
                result.completeExceptionally(Failures.wrap(failure));
                return;
            }
            CompletionStage<U> inner;
            try {
                inner = fn.apply(value);
                if (inner == null) {
                    throw new NullPointerException("thenCompose function returned null instead of a stage");
                }
            } catch (Throwable t) {
                result.completeExceptionally(Failures.wrap(t));
                return;
            }
            result.relayFrom(inner);
        }, executor);
        composed(result, step);
        return result;
    }

    /**
     * {@link #thenCompose} derived {@code result} from this future, and {@code step} runs its function. A
     * plain loop future does nothing (cancelling the result already reaches it, and a compare-and-set per
     * {@code thenCompose} would buy it nothing); a {@link Handoff} needs to know whether the function ran.
     */
    void composed(LoopFuture<?> result, CompletableFuture<?> step) {}

    /**
     * Sets what this future awaits while no other thread can reach it yet (just made, not handed out):
     * a release store, not a volatile one, so deriving a stage pays no fence. Whatever later hands the
     * future to another thread publishes the store with it.
     */
    void awaitWhileUnshared(Object what) {
        AWAITED.setRelease(this, what);
    }

    /**
     * Makes this future await {@code instead} of {@code expected}, unless it already awaits something
     * else (or nothing): a compare-and-set, since the thread completing what it awaits may rewire it.
     */
    void awaitInstead(Object expected, Object instead) {
        AWAITED.compareAndSet(this, expected, instead);
    }

    /**
     * Completes this future with {@code stage}'s outcome, and awaits {@code stage} meanwhile. The
     * completion runs on the thread that completes {@code stage}, through {@link #relayed}.
     */
    void relayFrom(CompletionStage<? extends T> stage) {
        awaited = LoopOps.futureOf(stage);
        if (isDone()) { // cancelled while wiring: pass it on
            cancelAwaited(awaited);
            return;
        }
        LoopOps.whenDone(stage, this::relayed);
    }

    /**
     * Completes this future with a relayed outcome now or, when a relay is already running on this
     * thread, right after it (a trampoline). The innermost of N nested {@code thenCompose} stages then
     * completes the N outer ones one after the other, not each inside the previous one's completion: N
     * frames deep, a recursive async loop of a few thousand steps overflowed the stack,
     * CompletableFuture swallowed the StackOverflowError, and the outer stages stayed pending for ever.
     * A deferred completion is three entries of the deque (future, value, failure), not an object.
     */
    private void relayed(T value, Throwable failure) {
        ArrayDeque<Object> later = RELAYS.get();
        if (later != null) {
            later.add(this);
            later.add(value == null ? NONE : value);
            later.add(failure == null ? NONE : failure);
            return;
        }
        later = new ArrayDeque<>();
        RELAYS.set(later);
        try {
            settle(value, failure);
            while (!later.isEmpty()) {
                @SuppressWarnings("unchecked")
                LoopFuture<Object> next = (LoopFuture<Object>) later.poll();
                Object v = later.poll();
                Object e = later.poll();
                next.settle(v == NONE ? null : v, e == NONE ? null : (Throwable) e);
            }
        } finally {
            // null, not remove(): the next relay's get() then finds the entry instead of inserting one;
            // no object of this library stays on a container thread either way
            RELAYS.set(null);
        }
    }

    private void settle(T value, Throwable failure) {
        awaited = null;
        if (failure == null) {
            complete(value);
        } else {
            completeExceptionally(Failures.wrap(failure));
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "@" + Integer.toHexString(hashCode()) + "[loop " + loop.name() + ", "
                + (isDone() ? (isCancelled() ? "cancelled" : isCompletedExceptionally() ? "failed" : "done") : "pending")
                + "]";
    }
}
