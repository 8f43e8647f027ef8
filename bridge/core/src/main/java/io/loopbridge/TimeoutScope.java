package io.loopbridge;

import io.loopbridge.internal.Checks;
import io.loopbridge.internal.Failures;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * A deadline that one body runs under, and that can be moved while it runs: asyncio's
 * {@code timeout()} / {@code timeout_at()} context manager. Made by {@link EventLoop#timeoutScope} or
 * {@link EventLoop#timeoutScopeAt}; {@link #run} runs a body under it once. When the deadline passes
 * while the body's stage is pending, that stage is cancelled (and with it what it awaits: a whole
 * fan-out of tasks and sleeps), then the result fails with {@link TimeoutException}. The deadline is
 * on the loop's clock ({@link EventLoop#time()}); a controller can {@link #reschedule} it, earlier or
 * later, or {@linkplain #rescheduleNever drop it}. {@link EventLoop#timeout} and
 * {@link EventLoop#timeoutAt} are this scope around one stage.
 *
 * <pre>{@code
 * TimeoutScope budget = loop.timeoutScope(Duration.ofSeconds(2));
 * LoopFuture<List<String>> all = budget.run(l -> l.gather(List.of(fetch(l, "a"), fetch(l, "b"))));
 * // later, on any thread: one more second for the whole fan-out
 * budget.reschedule(budget.when().getAsLong() + Duration.ofSeconds(1).toNanos());
 * }</pre>
 *
 * <h2>Budgets</h2>
 * A deadline at or before now is spent: {@link #run} then fails at once without calling the body, and a
 * stage guarded by {@code timeout}/{@code timeoutAt} is cancelled at once unless it has already completed
 * (then it keeps its outcome, as Python's {@code wait_for}). A deadline moved to the past while the body
 * runs expires in the loop's next iteration.
 *
 * <h2>Threads</h2>
 * {@link #run} on the loop thread only (the body is called there, at once). {@link #reschedule},
 * {@link #rescheduleNever}, {@link #when} and {@link #expired} from any thread; the expiry (cancelling
 * the stage, failing the result) runs on the loop thread, as a timer of the loop.
 */
public final class TimeoutScope {
    private static final int CREATED = 0;
    private static final int ENTERED = 1;
    private static final int EXPIRED = 2;
    private static final int FINISHED = 3;

    private final DefaultEventLoop loop;

    // Guarded by this: reschedule may come from any thread while the loop thread enters or expires.
    /** The budget it was made with, for the expiry's message; null for a deadline or once rescheduled. */
    private Duration budget;
    /** CREATED, ENTERED (a body or stage runs under it), EXPIRED or FINISHED; moves forward only. */
    private int state;
    /** False after {@link #rescheduleNever}: the scope never expires. */
    private boolean hasDeadline = true;
    private long deadline;
    /** The armed expiry while ENTERED with a deadline; null otherwise. */
    private TimerHandle timer;
    /** What the expiry cancels: the body's stage once it exists. */
    private Future<?> inner;
    /** What the expiry fails; set on entry. */
    private LoopFuture<?> result;

    TimeoutScope(DefaultEventLoop loop, long deadline, Duration budget) {
        this.loop = loop;
        this.deadline = deadline;
        this.budget = budget;
    }

    /**
     * Runs {@code body} on the loop thread under this deadline and completes with its stage's outcome;
     * when the deadline passes first, the stage is cancelled, then the result fails with
     * {@link TimeoutException}. If the deadline has already passed, the body is not called. Cancelling
     * the result cancels the body's stage. A failure the body throws fails the result.
     *
     * @throws IllegalStateException if called off the loop thread, or a second time (a scope runs one body)
     */
    public <T> LoopFuture<T> run(AsyncCallable<T> body) {
        Checks.notNull(body, "body");
        if (!loop.inLoopThread()) {
            throw new IllegalStateException("TimeoutScope.run called on thread '" + Thread.currentThread().getName()
                    + "', not on the thread running event loop '" + loop.name() + "': call it from a callback of"
                    + " the loop, e.g. loop.createTask(l -> scope.run(body))");
        }
        LoopFuture<T> r = enter();
        if (!spent()) {
            CompletionStage<T> stage;
            try {
                stage = body.call(loop);
                if (stage == null) {
                    throw new NullPointerException("the body run under " + this + " returned null instead of a stage");
                }
            } catch (Throwable t) {
                if (Failures.isFatal(t)) {
                    throw (Error) t;
                }
                r.completeExceptionally(Failures.unwrap(t));
                return r;
            }
            attach(r, stage);
        }
        arm();
        return r;
    }

    /** {@code stage} under this deadline: the one path of {@code timeout} and {@code timeoutAt}. Any thread. */
    <T> LoopFuture<T> guard(CompletionStage<T> stage) {
        LoopFuture<T> r = enter();
        attach(r, stage); // a completed stage completes r now: it keeps its outcome even on a spent budget
        arm();
        return r;
    }

    /**
     * Moves the deadline to {@code deadlineNanos} on the loop's clock ({@link EventLoop#time()}), earlier or
     * later; one at or before now expires the scope in the loop's next iteration. Any thread.
     *
     * @return false, changing nothing, if the scope has already expired or its body has completed
     */
    public boolean reschedule(long deadlineNanos) {
        return moveDeadline(true, deadlineNanos);
    }

    /** Drops the deadline: the scope then never expires (asyncio's {@code reschedule(None)}). Any thread. */
    public boolean rescheduleNever() {
        return moveDeadline(false, 0L);
    }

    /** The deadline on the loop's clock, or empty after {@link #rescheduleNever}. Any thread. */
    public synchronized OptionalLong when() {
        return hasDeadline ? OptionalLong.of(deadline) : OptionalLong.empty();
    }

    /** True once the deadline has passed while the scope's body or stage was pending (it was cancelled). Any thread. */
    public synchronized boolean expired() {
        return state == EXPIRED;
    }

    // ------------------------------------------------------------ internals

    private <T> LoopFuture<T> enter() {
        LoopFuture<T> r = new LoopFuture<>(loop);
        synchronized (this) {
            if (state != CREATED) {
                throw new IllegalStateException(this + " has already run a body: a scope runs one; make a new one"
                        + " with loop.timeoutScope(...)");
            }
            state = ENTERED;
            result = r;
        }
        r.whenCompleteInline((v, e) -> finish()); // whatever completes it (stage, expiry, cancel) disarms the timer
        return r;
    }

    private synchronized boolean spent() {
        return hasDeadline && deadline - loop.time() <= 0;
    }

    /** Mirrors {@code stage} into {@code r} unless the scope expired first; cancelling {@code r} cancels it. */
    private <T> void attach(LoopFuture<T> r, CompletionStage<T> stage) {
        Future<?> future = LoopOps.futureOf(stage);
        synchronized (this) {
            inner = future;
        }
        r.await(future);
        if (r.isDone()) { // cancelled while the body ran: pass it on
            LoopFuture.cancelAwaited(future);
            return;
        }
        LoopOps.whenDone(stage, (v, e) -> {
            if (!expired()) { // the expiry cancels the stage first, then reports the timeout itself
                LoopOps.complete(r, v, e);
            }
        });
    }

    /** Expires now if the deadline is spent (so a spent budget never races the stage), else arms the timer. */
    private void arm() {
        long due;
        synchronized (this) {
            if (state != ENTERED || !hasDeadline) {
                return;
            }
            due = deadline;
            if (due - loop.time() > 0) {
                timer = loop.callAt(due, () -> expire(due));
                return;
            }
        }
        expire(due);
    }

    /** The deadline {@code due} passed: cancel the stage, then fail the result. Ignored if {@code due} was moved. */
    private void expire(long due) {
        Future<?> cancel;
        LoopFuture<?> failing;
        Duration after;
        synchronized (this) {
            if (state != ENTERED || !hasDeadline || deadline != due) {
                return;
            }
            state = EXPIRED;
            timer = null;
            cancel = inner;
            failing = result;
            after = budget;
        }
        LoopFuture.cancelAwaited(cancel); // cancel the inner stage first, then report (as Python's wait_for)
        failing.completeExceptionally(new TimeoutException("timed out " + (after != null ? "after " + after
                : "at deadline " + due + " ns (loop time)") + (cancel instanceof Task<?> task ? " awaiting task '"
                + task.name() + "'" : "") + " on event loop '" + loop.name() + "'"));
    }

    /** The result completed: the scope is over and its timer goes. On the completing thread. */
    private void finish() {
        TimerHandle armed;
        synchronized (this) {
            if (state == ENTERED) {
                state = FINISHED;
            }
            armed = timer;
            timer = null;
        }
        if (armed != null) {
            armed.cancel();
        }
    }

    private boolean moveDeadline(boolean has, long due) {
        TimerHandle old;
        synchronized (this) {
            if (state >= EXPIRED) {
                return false;
            }
            old = timer;
            timer = state == ENTERED && has ? loop.callAt(due, () -> expire(due)) : null;
            hasDeadline = has;
            deadline = due;
            budget = null;
        }
        if (old != null) {
            old.cancel();
        }
        return true;
    }

    @Override
    public synchronized String toString() {
        String s = state == CREATED ? "created" : state == ENTERED ? "running" : state == EXPIRED ? "expired" : "finished";
        return "TimeoutScope[loop " + loop.name() + ", " + (hasDeadline ? "deadline " + deadline : "no deadline") + ", "
                + s + "]";
    }
}
