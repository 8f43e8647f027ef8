package io.loopbridge;

import io.loopbridge.internal.CallContext;
import io.loopbridge.internal.Checks;
import io.loopbridge.internal.Failures;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One call through a bridge: the body, the caller's context, the task once it exists, and the
 * future the caller waits for. Whatever ends the call first (the body's outcome, the timeout, a
 * cancellation, the loop dying, the bridge closing) finishes it, exactly once: the in-flight slot is
 * released, the counters updated, then the future completed, in that order. Where the body runs is
 * the {@link CallRunner}'s business; the call itself does not know its mode.
 *
 * <p>Threads: created on the caller's thread; {@link #run} (a worker's) and {@link #call} (a loop's) on
 * the thread that runs the body; {@link #runOnFreshLoop} on a worker or the caller's
 * thread; {@link #finish} and {@link #cancel} from whichever thread ends the call.
 */
final class BridgeCall<T> implements Runnable, AsyncCallable<T> {
    private static final VarHandle FINISHED;

    static {
        try {
            FINISHED = MethodHandles.lookup().findVarHandle(BridgeCall.class, "finished", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final LoopBridge bridge;
    /** The runner that started the call: it knows how to cancel the task on its kind of loop. */
    private final CallRunner runner;
    final AsyncCallable<T> body;
    /** The caller's context, or null when the body runs on the caller's own thread. */
    final CallContext context;
    final Duration timeout;
    /** When the call was admitted (System.nanoTime), for the loop-lag metric. */
    private final long admittedAt = System.nanoTime();
    /** What the caller waits for; cancelling it cancels the call. */
    final CallFuture<T> future = new CallFuture<>(this);
    /**
     * The thread the body started on, for the JFR event: written on that thread as it starts, read when
     * the call ends (a plain field: a racy read only loses the thread's name, never the outcome).
     */
    private Thread ranOn;
    /** The task running the body, once created. */
    private volatile Task<T> task;
    @SuppressWarnings("unused") // accessed through FINISHED
    private volatile boolean finished;

    BridgeCall(LoopBridge bridge, CallRunner runner, AsyncCallable<T> body, CallContext context, Duration timeout) {
        this.bridge = bridge;
        this.runner = runner;
        this.body = body;
        this.context = context;
        this.timeout = timeout;
    }

    /**
     * The body as a loop other than the caller's runs it (the call is its task's body): records the
     * admission-to-start lag first. The loop thread.
     */
    @Override
    public CompletionStage<T> call(EventLoop loop) throws Exception {
        ranOn = Thread.currentThread();
        bridge.counters.recordLag(System.nanoTime() - admittedAt);
        return body.call(loop);
    }

    /**
     * A worker's run: a fresh loop on this thread, the body started with its lag recorded; the caller or
     * the library timer enforces the timeout.
     */
    @Override
    public void run() {
        runOnFreshLoop(this, false);
    }

    /**
     * Runs {@code start} as the main task of a fresh loop on this thread, then cancels leftovers,
     * closes the loop and finishes the call. If {@code timed}, the loop itself expires the call
     * {@code timeout} after it was admitted (no timer object; a caller-thread run starts at once).
     * Returns at once if the call finished while it waited to start.
     */
    void runOnFreshLoop(AsyncCallable<T> start, boolean timed) {
        if (finished) {
            return; // timed out or cancelled while it waited for a worker
        }
        ranOn = Thread.currentThread();
        DefaultEventLoop loop = new DefaultEventLoop(bridge.callLoopName, LoopClock.system());
        bridge.counters.loopsCreated.increment();
        T value = null;
        Throwable failure = null;
        try {
            long deadline = timed ? admittedAt + Checks.saturatedNanos(timeout) : 0L;
            value = loop.run(null, start, context, this::attach, deadline, timed ? this::expire : null);
        } catch (Throwable t) {
            failure = t;
            Task<T> main = task;
            if (main != null && main.isCompletedExceptionally() && !main.isCancelled()) {
                // the body's own failure, not the loop's rethrown form (which wraps a checked one):
                // submit's future then fails alike in every mode, and valueOrThrow wraps it
                failure = main.exceptionNow();
            }
        } finally {
            List<String> leftovers = loop.cancelPendingTasks(LoopManager.LEFTOVER_GRACE, true);
            loop.close();
            bridge.counters.loopsClosed.increment();
            bridge.leftoversCancelled(leftovers);
        }
        finish(value, failure);
    }

    /** Records the call's task; cancels it at once if the call already ended. Any thread. */
    void attach(Task<T> t) {
        task = t;
        if (finished) {
            runner.cancelTask(t); // ended before its task existed
        }
    }

    /**
     * Expires the call {@code timeout} from now on a library-wide timer thread, off every loop, so a
     * stuck loop or a full pool cannot hold a {@code submit} future past its timeout (a {@code run}
     * caller enforces it by waiting with a timeout). Disarmed when the call finishes.
     */
    void expireAfterTimeout() {
        if (finished) {
            return;
        }
        ScheduledFuture<?> deadline = LibraryTimer.TIMER.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        future.whenComplete((v, e) -> deadline.cancel(false));
    }

    /** The timeout expired (on a loop timer, the library timer, or for the waiting caller). */
    void expire() {
        Task<T> t = task;
        cancel(new LoopTimeoutException("call of bridge '" + bridge.name() + "' (" + bridge.mode() + ") timed out after "
                + timeout + (t == null ? " before its body started" : "; its task '" + t.name() + "' was cancelled"),
                timeout));
    }

    /** Ends the call with {@code reason} and cancels its task. Any thread. */
    void cancel(Throwable reason) {
        if (finish(null, reason)) {
            Task<T> t = task;
            if (t != null) {
                runner.cancelTask(t);
            }
        }
    }

    /** Finishes the call once: slot, counters, then future. Returns false if it had finished. */
    boolean finish(T value, Throwable failure) {
        if (!FINISHED.compareAndSet(this, false, true)) {
            return false;
        }
        bridge.counters.inFlight.decrementAndGet();
        if (failure == null) {
            bridge.counters.successes.increment();
            bridge.callEnded(CallOutcome.SUCCESS, admittedAt, ranOn);
            future.complete(value);
            return true;
        }
        Throwable cause = explain(Failures.unwrap(failure));
        CallOutcome outcome = outcomeOf(cause);
        (outcome == CallOutcome.TIMEOUT ? bridge.counters.timeouts : bridge.counters.failures).increment();
        bridge.callEnded(outcome, admittedAt, ranOn);
        future.completeExceptionally(cause);
        return true;
    }

    /** A timeout is the bridge's, or one the body failed with (its own {@code loop.timeout}); anything else a failure. */
    private static CallOutcome outcomeOf(Throwable cause) {
        boolean timedOut = cause instanceof LoopTimeoutException || cause instanceof TimeoutException
                || cause instanceof AsyncExecutionException && cause.getCause() instanceof TimeoutException;
        return timedOut ? CallOutcome.TIMEOUT : CallOutcome.FAILURE;
    }

    /**
     * Turns a bare cancellation caused by the bridge closing into one that says so (close() interrupts
     * the per-call loops on the workers: that interruption is the close too).
     */
    private Throwable explain(Throwable failure) {
        boolean workerInterrupted = failure instanceof AsyncExecutionException
                && failure.getCause() instanceof InterruptedException;
        if (!bridge.isClosed() || !(failure instanceof CancellationException || workerInterrupted)) {
            return failure;
        }
        return new BridgeClosedException("bridge '" + bridge.name() + "' (" + bridge.mode()
                + ") was closed while the call was in flight (the application is shutting down?); retry it", failure);
    }

    /**
     * The finished call's value, or its failure thrown by the rethrow rule of
     * {@link AsyncExecutionException#rethrow}; a failure that crossed threads gets the caller's stack as
     * a suppressed exception. The caller's thread.
     */
    T valueOrThrow(boolean crossedThreads) {
        try {
            // join, not getNow: when the caller's expire/cancel lost the race to finish the call, the
            // winner may not have completed the future yet (it does so right after winning)
            return future.join();
        } catch (CompletionException | CancellationException failed) {
            Throwable failure = Failures.failureOf(future); // the stored one, not join's JDK 23+ wrapper
            if (crossedThreads) {
                addCallerStack(failure);
            }
            throw AsyncExecutionException.rethrow(failure, "async code of bridge '" + bridge.name() + "'");
        }
    }

    private void addCallerStack(Throwable failure) {
        for (Throwable s : failure.getSuppressed()) {
            if (s instanceof CallerStack) {
                return; // the same instance thrown again: one caller stack is enough
            }
        }
        failure.addSuppressed(new CallerStack("caller of bridge '" + bridge.name() + "' (" + bridge.mode()
                + ") on thread '" + Thread.currentThread().getName() + "'"));
    }

    /** Carries the caller's stack trace, attached to failures that crossed threads. */
    private static final class CallerStack extends Exception {
        private static final long serialVersionUID = 1L;

        CallerStack(String message) {
            super(message);
        }
    }

    /**
     * The future a caller of {@code submit} gets (and {@code run} waits on): cancelling it cancels the
     * call's task on its loop; a blocking wait on it from a loop thread is refused, as for loop futures.
     */
    static final class CallFuture<T> extends GuardedFuture<T> {
        private final BridgeCall<T> call;

        CallFuture(BridgeCall<T> call) {
            this.call = call;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            call.cancel(new CancellationException("call of bridge '" + call.bridge.name() + "' was cancelled by its caller"));
            return isCancelled();
        }

        @Override
        String owner() {
            return "call of bridge '" + call.bridge.name() + "'";
        }
    }
}
