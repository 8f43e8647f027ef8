package io.loopbridge;

import io.loopbridge.internal.Checks;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A single-threaded event loop with asyncio semantics: a FIFO of ready callbacks, a timer heap, and
 * a lock-free inbox for other threads.
 *
 * <h2>Threads</h2>
 * A loop has no thread of its own: it runs on the thread that calls {@link #runUntilComplete} or
 * {@link #runForever}, and that thread is "the loop thread" until the call returns. Every callback,
 * timer, task step and future callback of the loop runs on the loop thread, one at a time, so loop
 * state needs no locks. Callbacks scheduled during an iteration run in the next iteration.
 *
 * <p>The scheduling methods ({@link #callSoon}, {@link #callSoonThreadsafe}, {@link #callLater},
 * {@link #callAt}, {@link #createTask}) may be called from any thread; from the loop thread they are
 * cheaper. {@link #stop()} may be called from any thread. The toolkit ({@link #sleep},
 * {@link #gather}, ...) and the primitives ({@link AsyncLock}, ...) are meant for the loop thread:
 * what they return are {@link LoopFuture}s whose callbacks always run on the loop thread, whichever
 * thread completes them.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>A callback that blocks (a {@code Thread.sleep}, blocking I/O, {@code join()} of a foreign
 *       future) stalls every other callback of the loop. Use {@link #runInExecutor}.</li>
 *   <li>Blocking on a loop future from the loop thread would deadlock; loopbridge throws
 *       {@link NestedLoopException} instead:
 *       <pre>{@code
 * loop.runUntilComplete(l -> {
 *     l.sleep(Duration.ofMillis(5)).join();   // do not: throws NestedLoopException
 *     return l.sleep(Duration.ofMillis(5));    // do: return or compose the stage
 * });}</pre></li>
 * </ul>
 */
public interface EventLoop extends Executor, AutoCloseable {

    /** A new idle loop with a generated name, the system clock and default settings. */
    static EventLoop create() {
        return builder().build();
    }

    static Builder builder() {
        return new Builder();
    }

    /** The loop's name, used in thread-facing messages and logs. */
    String name();

    // ---------------------------------------------------------------- scheduling

    /**
     * Schedules {@code callback} to run on the loop thread in a later iteration, after every
     * callback scheduled before it (FIFO). From another thread it behaves as
     * {@link #callSoonThreadsafe}.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the loop is closed
     */
    void callSoon(Runnable callback);

    /**
     * Schedules {@code callback} from any thread and wakes the loop if it is idle, at once (no
     * polling).
     *
     * @throws java.util.concurrent.RejectedExecutionException if the loop is closed
     */
    void callSoonThreadsafe(Runnable callback);

    /** {@link #callSoon}: lets the loop serve as an {@link Executor}. */
    @Override
    default void execute(Runnable command) {
        callSoon(Checks.notNull(command, "command"));
    }

    /**
     * Runs {@code callback} on the loop thread no earlier than {@code delay} from now (monotonic
     * clock). Timers fire in deadline order; equal deadlines fire in scheduling order.
     *
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    TimerHandle callLater(Duration delay, Runnable callback);

    /** Runs {@code callback} on the loop thread no earlier than {@link #time()} reaches {@code nanoTime}. */
    TimerHandle callAt(long nanoTime, Runnable callback);

    /** The loop's monotonic clock, in nanoseconds. */
    long time();

    // ---------------------------------------------------------------- running

    /**
     * Runs the loop on the calling thread until the stage {@code body} returns has completed, and
     * returns its value or throws its failure: a {@code RuntimeException} or {@code Error} as the
     * same instance, a checked exception wrapped in {@link AsyncExecutionException} (cause kept);
     * {@code CompletionException}/{@code ExecutionException} wrappers are stripped first. If the
     * calling thread is interrupted while waiting, the body's task is cancelled, the interrupt
     * status is kept and {@link AsyncExecutionException} with an {@link InterruptedException} cause
     * is thrown. If {@link #stop()} is called meanwhile, it throws {@link IllegalStateException}
     * ("stopped before the body completed") and leaves the body's stage pending (see {@link #stop()}).
     *
     * @throws IllegalStateException "event loop is already running" or "event loop is closed"
     * @throws NestedLoopException if the calling thread is running another loop
     */
    <T> T runUntilComplete(AsyncCallable<T> body);

    /** Runs the loop on the calling thread until {@link #stop()} is called (from any thread). */
    void runForever();

    /**
     * Asks the running loop to return from {@link #runForever} after the current iteration. Safe from
     * any thread. Stopping during {@link #runUntilComplete} makes it throw
     * {@link IllegalStateException} ("stopped before the body completed") and, as asyncio does,
     * leaves the stage the body returned, and every task it awaits, pending: nothing is cancelled,
     * and they resume if the loop runs again ({@link #runUntilComplete} with another body, or
     * {@link #runForever}); {@link #close()} cancels the tasks among them.
     */
    void stop();

    /**
     * Closes the loop: drops scheduled callbacks and timers and cancels tasks still pending, including
     * tasks handed over from other threads that had not started (their callbacks no longer run, but
     * whoever waits on them outside the loop is released). Idempotent. After it, scheduling throws
     * {@link java.util.concurrent.RejectedExecutionException}.
     *
     * @throws IllegalStateException if the loop is running (stop it first)
     */
    @Override
    void close();

    boolean isRunning();

    boolean isClosed();

    /** True if the current thread is the thread running this loop right now. */
    boolean inLoopThread();

    // ---------------------------------------------------------------- tasks and futures

    /** {@link #createTask(String, AsyncCallable)} with a generated name. */
    <T> Task<T> createTask(AsyncCallable<T> body);

    /**
     * Schedules {@code body} to start in a later iteration, as a task. The task completes with the
     * outcome of the stage the body returns. Safe from any thread.
     */
    <T> Task<T> createTask(String name, AsyncCallable<T> body);

    /** A new, incomplete future bound to this loop: its callbacks run on the loop thread. */
    <T> LoopFuture<T> createFuture();

    /**
     * The tasks of this loop that have not completed, in creation order. Call it on the loop thread,
     * or while the loop is not running.
     */
    List<Task<?>> allTasks();

    /**
     * The task whose code runs now on the loop thread (asyncio's {@code current_task()}): the task
     * while its body runs and while any callback registered under it runs (continuations such as
     * {@code thenApply}/{@code whenComplete} of what it awaits, timers and {@code callSoon} callbacks
     * it scheduled, also if they run after the task completed); a task created inside a task is its
     * own current task. Empty in a callback registered outside any task, and on any thread other
     * than the loop's. Any thread; costs no allocation when registering or running a callback.
     */
    Optional<Task<?>> currentTask();

    // ---------------------------------------------------------------- errors and debug

    /** Replaces the handler for exceptions thrown by callbacks; null restores the logging default. */
    void setExceptionHandler(LoopExceptionHandler handler);

    /**
     * Debug mode: callbacks slower than the {@linkplain #setSlowCallbackThreshold threshold} are
     * logged with their name and duration, and a task that failed and was never observed (no
     * callback, no {@code get}/{@code join}/{@code exceptionNow}) is reported when it is collected.
     */
    void setDebug(boolean debug);

    boolean isDebug();

    /** The debug-mode threshold for slow callbacks; default 100 ms. */
    void setSlowCallbackThreshold(Duration threshold);

    // ---------------------------------------------------------------- toolkit

    /** A stage that completes with null on the loop thread after {@code delay}; cancelling it cancels the timer. */
    LoopFuture<Void> sleep(Duration delay);

    /**
     * Brings an external stage (completed on any thread) back onto the loop: the returned future's
     * callbacks run on the loop thread. Cancelling the returned future cancels {@code stage}.
     */
    <T> LoopFuture<T> await(CompletionStage<T> stage);

    /**
     * Fails with {@link java.util.concurrent.TimeoutException} if {@code stage} has not completed
     * within {@code timeout}; the inner stage is cancelled before the timeout is reported (as Python's
     * {@code wait_for}). The timeout is a budget: zero or negative means already spent, so a pending
     * {@code stage} is cancelled at once (a task that has not started never starts) and the result fails;
     * a {@code stage} already complete keeps its outcome. Cancelling the result cancels {@code stage}.
     * The special case of {@link #timeoutScope} around one stage. Any thread.
     */
    <T> LoopFuture<T> timeout(CompletionStage<T> stage, Duration timeout);

    /**
     * {@link #timeout}, with an absolute deadline on this loop's clock ({@link #time()}): asyncio's
     * {@code timeout_at}. A deadline at or before now is a spent budget. Any thread.
     */
    <T> LoopFuture<T> timeoutAt(CompletionStage<T> stage, long deadlineNanos);

    /**
     * A {@link TimeoutScope} whose deadline is {@code budget} from now (zero or negative: already spent),
     * for one body and all it awaits, reschedulable while it runs: asyncio's {@code timeout(delay)}. Any
     * thread; its body then runs on the loop thread.
     */
    TimeoutScope timeoutScope(Duration budget);

    /** {@link #timeoutScope}, with an absolute deadline on this loop's clock: asyncio's {@code timeout_at}. Any thread. */
    TimeoutScope timeoutScopeAt(long deadlineNanos);

    /**
     * Waits for {@code stages} as {@code mode} says and completes with the stages that had completed
     * and those still pending (asyncio's {@code wait}); it never fails on their account, and cancels
     * none of them, neither when it completes nor when its result is cancelled. Duplicates count once.
     * A completion on another thread counts once the loop has seen it. Any thread; the result completes
     * on the loop thread.
     *
     * <pre>{@code
     * // hedged request: the first answer wins, the slower copy is cancelled
     * loop.wait(List.of(ask(l, primary), ask(l, backup)), WaitMode.FIRST_COMPLETED).thenApply(r -> {
     *     r.pending().forEach(s -> s.cancel(true));
     *     return r.done().iterator().next().resultNow();
     * });}</pre>
     *
     * @throws IllegalArgumentException if {@code stages} is empty (as asyncio's {@code ValueError}:
     *     nothing can complete first)
     */
    <S extends CompletionStage<?>> LoopFuture<WaitResult<S>> wait(Collection<? extends S> stages, WaitMode mode);

    /**
     * {@link #wait(Collection, WaitMode)}, ending at the latest after {@code timeout} with the stages
     * done by then (no {@code TimeoutException}, as asyncio's {@code wait}); zero or negative ends it in
     * the loop's next iteration.
     */
    <S extends CompletionStage<?>> LoopFuture<WaitResult<S>> wait(Collection<? extends S> stages, WaitMode mode,
            Duration timeout);

    /**
     * One future per stage, completing in the order the stages complete (asyncio's
     * {@code as_completed}): the first with the outcome of whichever stage completes first, and so on.
     * For partial results and hedged requests. An outcome goes to the first of these futures not yet
     * done, so cancelling one hands the next outcome on; cancelling them cancels none of the stages.
     * Empty in, empty out. Any thread; the futures complete on the loop thread.
     */
    <T> List<LoopFuture<T>> asCompleted(Collection<? extends CompletionStage<? extends T>> stages);

    /**
     * {@code try/finally} with an await in the {@code finally}: once {@code stage} completes, however
     * it ends (also when it was cancelled because a task awaiting the result was), {@code cleanup}
     * runs on the loop thread and the result completes when the stage {@code cleanup} returns does,
     * with {@code stage}'s outcome, or with the cleanup's failure ({@code stage}'s failure added as
     * suppressed). Cancelling the result cancels {@code stage} and does not wait for the cleanup; a
     * cleanup that then fails reports to the {@linkplain #setExceptionHandler exception handler}. A loop
     * shut down by {@link LoopManager#run}, a bridge call or a bridge's {@code close()} waits for pending
     * cleanups within its grace; tasks the cleanup creates then are cancelled before they start, so
     * await directly. See {@link Task} for the cancellation model. Any thread.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the loop is closed
     */
    <T> LoopFuture<T> withCleanup(CompletionStage<T> stage, Supplier<? extends CompletionStage<?>> cleanup);

    /** Mirrors {@code stage}, but cancelling the result does not cancel {@code stage}. */
    <T> LoopFuture<T> shield(CompletionStage<T> stage);

    /**
     * The values of all {@code stages}, in order. Fails with the first failure and cancels the rest.
     */
    <T> LoopFuture<List<T>> gather(List<? extends CompletionStage<? extends T>> stages);

    /** The outcome of every stage, in order, once all have completed (never fails on their account). */
    <T> LoopFuture<List<Outcome<T>>> gatherSettled(List<? extends CompletionStage<? extends T>> stages);

    /**
     * Runs blocking {@code work} on the library's default executor (bounded, named daemon threads that
     * end when idle) and completes on the loop thread. Cancelling the result interrupts the work.
     *
     * @throws RejectedExecutionException if the loop is closed (the work does not run), as every
     *     other scheduling method
     */
    <T> LoopFuture<T> runInExecutor(Callable<T> work);

    /**
     * {@link #runInExecutor(Callable)} on {@code executor}.
     *
     * @throws RejectedExecutionException if the loop is closed (the work is not handed to {@code executor})
     */
    <T> LoopFuture<T> runInExecutor(Executor executor, Callable<T> work);

    /**
     * Structured concurrency: runs {@code body} with a new {@link TaskGroup}, and completes with the
     * body's value once the body's stage and every task spawned in the group have completed. The
     * first failure cancels the other tasks; the group then fails with that failure, the others
     * added as suppressed. Cancelling the result cancels every task of the group.
     */
    <T> LoopFuture<T> taskGroup(Function<TaskGroup, ? extends CompletionStage<T>> body);

    /**
     * Options for a new loop. Each option may be set once; setting one twice is an error that names
     * the earlier value.
     */
    final class Builder {
        private String name;
        private LoopClock clock;
        private Boolean debug;
        private Duration slowCallbackThreshold;
        private LoopExceptionHandler exceptionHandler;

        Builder() {}

        public Builder name(String name) {
            Checks.notSetYet(this.name, "name");
            this.name = Checks.notNull(name, "name");
            return this;
        }

        public Builder clock(LoopClock clock) {
            Checks.notSetYet(this.clock, "clock");
            this.clock = Checks.notNull(clock, "clock");
            return this;
        }

        public Builder debug(boolean debug) {
            Checks.notSetYet(this.debug, "debug");
            this.debug = debug;
            return this;
        }

        public Builder slowCallbackThreshold(Duration threshold) {
            Checks.notSetYet(this.slowCallbackThreshold, "slowCallbackThreshold");
            this.slowCallbackThreshold = Checks.positive(threshold, "slowCallbackThreshold");
            return this;
        }

        public Builder exceptionHandler(LoopExceptionHandler handler) {
            Checks.notSetYet(this.exceptionHandler, "exceptionHandler");
            this.exceptionHandler = Checks.notNull(handler, "exceptionHandler");
            return this;
        }

        public EventLoop build() {
            DefaultEventLoop loop = new DefaultEventLoop(name, clock == null ? LoopClock.system() : clock);
            loop.setDebug(debug != null && debug);
            if (slowCallbackThreshold != null) {
                loop.setSlowCallbackThreshold(slowCallbackThreshold);
            }
            loop.setExceptionHandler(exceptionHandler);
            return loop;
        }
    }
}
