package io.loopbridge;

import io.loopbridge.internal.CallContext;
import io.loopbridge.internal.Failures;
import java.lang.ref.Cleaner;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Async code scheduled on a loop ({@link EventLoop#createTask}): it starts in a later iteration, on
 * the loop thread, and completes with the outcome of the stage its body returns.
 *
 * <p>Threads: the body and every callback of the task run on the loop thread. {@link #cancel} may be
 * called from any thread: the task completes with {@link CancellationException} at once, and what
 * it awaits is cancelled (see {@link LoopFuture}). Only the task's body completes it;
 * {@code complete}, {@code completeExceptionally}, {@code obtrude*} and {@code orTimeout} throw
 * {@link UnsupportedOperationException} (use {@link #cancel} or {@link EventLoop#timeout}).
 *
 * <h2>The cancellation model</h2>
 * asyncio throws {@code CancelledError} into the coroutine at its await, so its {@code finally} blocks
 * run. Java cancels from the top down: {@link #cancel} completes the task at once, then cancels the
 * stage its body returned, which cancels what that awaits, and so on down the chain. A stage derived
 * inside the chain ({@code handle}, {@code whenComplete}, {@code exceptionally}) is cancelled with it,
 * so its function never runs. What does run: callbacks registered on the stages being cancelled
 * (a future the body created, a timer's), callbacks on the task itself, and cleanups given to
 * {@link EventLoop#withCleanup}, which may await, and which a loop being shut down (the leftovers of
 * {@link LoopManager#run} or of a bridge call, a bridge's {@code close()}) waits for within its grace.
 * <pre>{@code
 * // do not: the handle stage is inside the cancelled chain, so it never runs
 * Task<String> t1 = loop.createTask(l -> l.sleep(ONE_HOUR)
 *         .handle((v, e) -> { System.out.println("released"); return "done"; }));
 * t1.cancel(false);   // once it has started: prints nothing
 *
 * // do: the cleanup runs on cancellation too, and may await before it is done
 * Task<String> t2 = loop.createTask(l -> l.withCleanup(l.sleep(ONE_HOUR).thenApply(v -> "done"),
 *         () -> l.sleep(ONE_MS).thenRun(() -> System.out.println("released"))));
 * t2.cancel(false);   // once it has started: prints "released" a millisecond later, on the loop thread
 * }</pre>
 *
 * @param <T> the value type
 */
public final class Task<T> extends LoopFuture<T> {
    private static final Logger log = LoggerFactory.getLogger(Task.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** The given name, or null until {@link #name()} first makes one from {@link #id}. */
    private String givenName;
    /** Sequence number for a generated name; taken at creation, formatted only when asked for. */
    private final long id;
    /** The body, cleared once it has been called. Loop thread only. */
    private AsyncCallable<T> body;
    /** The context the task's body and callbacks run under: its creator's, naming this task. */
    final CallContext context;
    /**
     * The executor of callbacks registered under {@link #context}: made once per task, on first use, not
     * per callback. Loop thread.
     */
    private Executor callbacks;
    /** Links of the loop's pending-task list. Loop thread only. */
    Task<?> prevTask;
    Task<?> nextTask;
    boolean linked;
    /** Debug mode only: someone composed, waited for or read the outcome (see {@link #observe}). */
    private volatile boolean observed;
    /** Debug mode: the report made if this failed task is collected unobserved; null otherwise. */
    private volatile UnobservedFailure unobserved;

    Task(DefaultEventLoop loop, String name, AsyncCallable<T> body, CallContext context) {
        super(loop);
        this.givenName = name;
        this.id = name == null ? IDS.incrementAndGet() : 0;
        this.body = body;
        this.context = CallContext.ofTask(context, this);
    }

    /** The executor of callbacks registered under this task's context. Loop thread. */
    Executor callbacks() {
        Executor c = callbacks;
        if (c == null) {
            c = command -> loop.dispatchCallback(command, context);
            callbacks = c;
        }
        return c;
    }

    /** The task's name, as given to {@link EventLoop#createTask(String, AsyncCallable)} or generated. */
    public String name() {
        String n = givenName;
        if (n == null) {
            n = "Task-" + id;
            givenName = n;
        }
        return n;
    }

    /** The callback that starts the body; named after the task in logs. */
    Runnable starter() {
        return new Starter(this);
    }

    /** Starts a task; a closing loop recognises it and cancels the task instead of dropping it. */
    static final class Starter implements Runnable {
        final Task<?> task;

        Starter(Task<?> task) {
            this.task = task;
        }

        @Override
        public void run() {
            task.start();
        }

        @Override
        public String toString() {
            return "task '" + task.name() + "'";
        }
    }

    private void start() {
        AsyncCallable<T> b = body;
        body = null;
        if (isDone() || b == null) {
            loop.taskDone(this);
            return;
        }
        loop.register(this);
        CompletionStage<T> stage;
        try {
            stage = b.call(loop);
            if (stage == null) {
                throw new NullPointerException("the body of task '" + name() + "' returned null instead of a stage");
            }
        } catch (Throwable t) {
            if (Failures.isFatal(t)) {
                throw (Error) t;
            }
            settle(null, t);
            return;
        }
        await(LoopOps.futureOf(stage));
        if (isDone()) { // cancelled by the body itself
            cancelAwaited(LoopOps.futureOf(stage));
            return;
        }
        LoopOps.whenDone(stage, (value, failure) -> loop.runOnLoop(() -> settle(value, failure), context));
    }

    /** Completes the task with the body's outcome. Loop thread. */
    private void settle(T value, Throwable failure) {
        await(null);
        boolean completed = failure == null ? super.complete(value) : super.completeExceptionally(Failures.unwrap(failure));
        loop.taskDone(this);
        if (completed && failure != null && loop.isDebug() && !observed) {
            UnobservedFailure report = new UnobservedFailure(name(), loop.name(), Failures.unwrap(failure));
            unobserved = report;
            if (observed) { // retrieved on another thread meanwhile
                report.observed = true;
            }
            DebugCleaner.CLEANER.register(this, report);
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = cancelWith(new CancellationException("task '" + name() + "' was cancelled"));
        if (cancelled) {
            loop.taskDone(this);
        }
        return cancelled;
    }

    /**
     * Cancels the task without cancelling what it awaits (see {@link EventLoop#stop()}), which stays
     * pending and resumes if the loop runs again. Loop thread.
     */
    void abandon(String why) {
        if (abandon(new CancellationException("task '" + name() + "' was abandoned: " + why))) {
            loop.taskDone(this);
        }
    }

    /**
     * Counts a retrieval of the outcome (composing, any get or join, getNow, resultNow, exceptionNow).
     * Bookkeeping only in debug mode: otherwise one read of the debug flag.
     */
    @Override
    void observe() {
        if (loop.isDebug()) {
            observed = true;
            UnobservedFailure report = unobserved;
            if (report != null) {
                report.observed = true;
            }
        }
    }

    // ------------------------------------------------------------ only the body completes a task

    @Override
    public boolean complete(T value) {
        throw refuse("complete");
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        throw refuse("completeExceptionally");
    }

    @Override
    public void obtrudeValue(T value) {
        throw refuse("obtrudeValue");
    }

    @Override
    public void obtrudeException(Throwable failure) {
        throw refuse("obtrudeException");
    }

    @Override
    public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
        throw refuse("completeAsync");
    }

    @Override
    public CompletableFuture<T> orTimeout(long timeout, TimeUnit unit) {
        throw refuse("orTimeout");
    }

    @Override
    public CompletableFuture<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
        throw refuse("completeOnTimeout");
    }

    private UnsupportedOperationException refuse(String what) {
        return new UnsupportedOperationException("task '" + name() + "' does not support " + what
                + "(): only its body completes it; use cancel(), or loop.timeout(task, duration)");
    }

    /** Names the task in a refused blocking wait: "task 'fetch-prices' of event loop 'loop-3'". */
    @Override
    String owner() {
        return "task '" + name() + "' of event loop '" + loop.name() + "'";
    }

    @Override
    public String toString() {
        return "Task[" + name() + ", loop " + loop.name() + ", "
                + (isDone() ? (isCancelled() ? "cancelled" : isCompletedExceptionally() ? "failed" : "done") : "pending")
                + "]";
    }

    /**
     * The cleaner of debug mode, created on first use only: each {@code Cleaner} owns a thread, which
     * would otherwise start with every class loader (every deploy of a web app) that loads Task.
     */
    private static final class DebugCleaner {
        static final Cleaner CLEANER = Cleaner.create();
    }

    /** Logs a failure nobody looked at, when its task is garbage collected (as asyncio does). */
    private static final class UnobservedFailure implements Runnable {
        private final String task;
        private final String loop;
        private final Throwable failure;
        volatile boolean observed;

        UnobservedFailure(String task, String loop, Throwable failure) {
            this.task = task;
            this.loop = loop;
            this.failure = failure;
        }

        @Override
        public void run() {
            if (!observed) {
                log.error("event loop '{}': task '{}' failed and its exception was never retrieved (nobody awaited,"
                        + " joined or composed it)", loop, task, failure);
            }
        }
    }
}
