package io.loopbridge;

import io.loopbridge.internal.CallContext;
import io.loopbridge.internal.Failures;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One call through a bridge: the body, the caller's context, the task once it exists, and the
 * outcome the caller waits for. Whatever ends the call first (the body's outcome, the timeout, a
 * cancellation, the loop dying, the bridge closing) finishes it, exactly once: the in-flight slot is
 * released, the counters updated, then the outcome completed, in that order.
 *
 * <p>Threads: created on the caller's thread; {@link #run} on a worker or the caller's thread (the
 * per-call modes); {@link #finish} from whichever thread ends the call.
 */
final class BridgeCall<T> implements Runnable {
    private static final VarHandle FINISHED;

    static {
        try {
            FINISHED = MethodHandles.lookup().findVarHandle(BridgeCall.class, "finished", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LoopBridge bridge;
    private final AsyncCallable<T> body;
    /** The caller's context, or null when the body runs on the caller's own thread. */
    private final CallContext context;
    private final Duration timeout;
    /**
     * Whether a loop timer enforces the timeout: only when the caller itself runs the loop (PER_CALL
     * {@code run}). Otherwise the waiting caller, or the library timer for {@code submit}, does.
     */
    private final boolean loopTimesOut;
    /** When the call was admitted (System.nanoTime), for the loop-lag metric. */
    private final long admittedAt = System.nanoTime();
    /** What the caller waits for; cancelling it cancels the call. */
    final Outcome<T> outcome = new Outcome<>(this);
    /** The task running the body, once created. */
    private volatile Task<T> task;
    /** The shared-loop generation the task was handed to; null in the per-call modes. */
    private volatile SharedLoop.Generation generation;
    /** The loop timer enforcing the timeout, once armed. */
    private volatile TimerHandle timer;
    @SuppressWarnings("unused") // accessed through FINISHED
    private volatile boolean finished;

    BridgeCall(LoopBridge bridge, AsyncCallable<T> body, CallContext context, Duration timeout, boolean loopTimesOut) {
        this.bridge = bridge;
        this.body = body;
        this.context = context;
        this.timeout = timeout;
        this.loopTimesOut = loopTimesOut;
    }

    /** The body as the loop runs it: records the lag and arms the timeout first. Loop thread. */
    private CompletionStage<T> start(EventLoop loop) throws Exception {
        if (loopTimesOut) { // PER_CALL run: the body starts on the caller's own thread, there is no lag
            timer = loop.callLater(timeout, this::expire);
        } else {
            bridge.counters.recordLag(System.nanoTime() - admittedAt);
        }
        return body.call(loop);
    }

    /** Runs the call on a fresh loop on this thread, then cancels leftovers and closes the loop. */
    @Override
    public void run() {
        if (finished) {
            return; // timed out or cancelled while it waited for a worker
        }
        DefaultEventLoop loop = new DefaultEventLoop(bridge.callLoopName, LoopClock.system());
        bridge.counters.loopsCreated.increment();
        T value = null;
        Throwable failure = null;
        try {
            value = loop.run(null, this::start, context, this::attach);
        } catch (Throwable t) {
            failure = t;
            Task<T> main = task;
            if (main != null && main.isCompletedExceptionally() && !main.isCancelled()) {
                // the body's own failure, not the loop's rethrown form (which wraps a checked one):
                // submit's future then fails alike in every mode, and run wraps it in valueOf
                failure = main.exceptionNow();
            }
        } finally {
            List<String> leftovers = loop.cancelPendingTasks(LoopManager.LEFTOVER_GRACE);
            loop.close();
            bridge.counters.loopsClosed.increment();
            bridge.leftoversCancelled(leftovers);
        }
        finish(value, failure);
    }

    /** Hands the call to the shared loop of {@code generation}; the task finishes the call. Any thread. */
    void startOn(SharedLoop.Generation generation) {
        this.generation = generation;
        Task<T> t = generation.loop.newTask(null, this::start, context);
        attach(t);
        t.whenCompleteInline(this::finish);
    }

    private void attach(Task<T> t) {
        task = t;
        t.whenCompleteInline((v, e) -> { // on the loop thread when the body ends; disarms the timeout
            TimerHandle armed = timer;
            if (armed != null) {
                armed.cancel();
            }
        });
        if (finished) {
            t.cancel(false); // ended before its task existed
        }
    }

    /**
     * Expires the call {@code timeout} from now on a library-wide timer thread, off every loop, so a
     * stuck loop or a full pool cannot hold a {@code submit} future past its timeout (a {@code run}
     * caller enforces it by waiting with a timeout). Disarmed when the call finishes.
     */
    void expireAfter(Duration timeout) {
        if (finished) {
            return;
        }
        ScheduledFuture<?> deadline = LibraryTimer.TIMER.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        outcome.whenComplete((v, e) -> deadline.cancel(false));
    }

    /** The timeout expired (on the loop timer, or for the waiting caller): cancel and report it. */
    void expire() {
        cancel(new LoopTimeoutException("call of bridge '" + bridge.name() + "' (" + bridge.mode() + ") timed out after "
                + timeout + "; its task was cancelled", timeout));
    }

    /** Ends the call with {@code reason} and cancels its task. Any thread. */
    void cancel(Throwable reason) {
        if (finish(null, reason)) {
            Task<T> t = task;
            if (t != null) {
                cancelTask(t);
            }
        }
    }

    /**
     * On the shared loop, at once from any thread (a task still queued then never starts). On a
     * per-call loop, on its own thread: cancelled from another thread, the task would be done before
     * the handlers its cancellation schedules reach the loop, which could see its main task done and
     * close first, dropping them.
     */
    private void cancelTask(Task<T> t) {
        if (generation == null && !t.loop.inLoopThread()) {
            t.loop.dispatchCallback(() -> t.cancel(false), null); // a closed loop has cancelled it already
        } else {
            t.cancel(false);
        }
    }

    /** Finishes the call once: slot, counters, then outcome. Returns false if it had finished. */
    boolean finish(T value, Throwable failure) {
        if (!FINISHED.compareAndSet(this, false, true)) {
            return false;
        }
        bridge.counters.inFlight.decrementAndGet();
        if (failure == null) {
            bridge.counters.successes.increment();
            outcome.complete(value);
            return true;
        }
        Throwable cause = explain(Failures.unwrap(failure));
        (cause instanceof LoopTimeoutException ? bridge.counters.timeouts : bridge.counters.failures).increment();
        outcome.completeExceptionally(cause);
        return true;
    }

    /**
     * Turns a bare cancellation into what caused it: a dead shared loop or a closed bridge (whose
     * close() interrupts the per-call loops on its workers: that interruption is the close too).
     */
    private Throwable explain(Throwable failure) {
        boolean workerInterrupted = failure instanceof AsyncExecutionException
                && failure.getCause() instanceof InterruptedException;
        if (!(failure instanceof CancellationException) && !(workerInterrupted && bridge.isClosed())) {
            return failure;
        }
        SharedLoop.Generation g = generation;
        Throwable death = g == null ? null : g.deathCause;
        if (death != null) {
            return new LoopTerminatedException("the shared loop '" + g.loop.name() + "' of bridge '" + bridge.name()
                    + "' died while the call was in flight (" + death + "); the next call runs on a new loop thread",
                    death);
        }
        if (bridge.isClosed()) {
            CancellationException closed = new CancellationException("bridge '" + bridge.name()
                    + "' was closed while the call was in flight");
            closed.initCause(failure);
            return closed;
        }
        return failure;
    }

    /**
     * The future a caller of {@code submit} gets (and {@code run} waits on): cancelling it cancels the
     * call's task on its loop; a blocking wait on it from a loop thread is refused, as for loop futures.
     */
    static final class Outcome<T> extends CompletableFuture<T> {
        private final BridgeCall<T> call;

        Outcome(BridgeCall<T> call) {
            this.call = call;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            call.cancel(new CancellationException("call of bridge '" + call.bridge.name() + "' was cancelled by its caller"));
            return isCancelled();
        }

        @Override
        public T get() throws InterruptedException, java.util.concurrent.ExecutionException {
            refuseOnLoop("get()");
            return super.get();
        }

        @Override
        public T get(long timeout, java.util.concurrent.TimeUnit unit)
                throws InterruptedException, java.util.concurrent.ExecutionException,
                java.util.concurrent.TimeoutException {
            refuseOnLoop("get(timeout)");
            return super.get(timeout, unit);
        }

        @Override
        public T join() {
            refuseOnLoop("join()");
            return super.join();
        }

        private void refuseOnLoop(String what) {
            NestedLoopException.refuseBlockingWait(this, what, "call of bridge", call.bridge.name());
        }
    }
}
