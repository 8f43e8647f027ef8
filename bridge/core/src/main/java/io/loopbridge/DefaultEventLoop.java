package io.loopbridge;

import io.loopbridge.internal.CallContext;
import io.loopbridge.internal.Checks;
import io.loopbridge.internal.Failures;
import io.loopbridge.internal.MpscQueue;
import io.loopbridge.internal.ReadyQueue;
import io.loopbridge.internal.SlowCallbackEvent;
import io.loopbridge.internal.TimerHeap;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop. Lifecycle states are ordered (IDLE &lt; RUNNING &lt; CLOSED) and changed by
 * compare-and-set; a loop may run many times (one {@code runUntilComplete} after another) until it
 * is closed. Fields touched only by the loop thread are plain; fields read across threads are
 * volatile and say so.
 */
final class DefaultEventLoop implements EventLoop {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int CLOSED = 2;
    private static final VarHandle STATE;
    private static final VarHandle BATCHING;
    private static final VarHandle PARKED;

    /** How the exception handler's description of a callback starts when it failed during shutdown. */
    static final String SHUTDOWN_FAILURE = "unhandled exception during shutdown of loop '";

    /** Longest delay a timer may have (about 73 years); longer ones are clamped, not overflowed. */
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 4;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(DefaultEventLoop.class, "state", int.class);
            BATCHING = MethodHandles.lookup().findVarHandle(DefaultEventLoop.class, "batching", int.class);
            PARKED = MethodHandles.lookup().findVarHandle(DefaultEventLoop.class, "parked", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The given name, or null until {@link #name()} first makes one from {@link #id}. */
    private String givenName;
    /** Sequence number for a generated name; taken at creation, formatted only when asked for. */
    private final int id;
    private final LoopClock clock;
    /** Callbacks ready to run. Loop thread only. */
    private final ReadyQueue ready = new ReadyQueue();
    /** Callbacks handed over by other threads. Offered by any thread, drained by the loop thread. */
    private final MpscQueue inbox = new MpscQueue();
    /** Pending timers. Loop thread only. */
    private final TimerHeap<LoopTimer> timers = new TimerHeap<>();

    /** IDLE, RUNNING or CLOSED; changed by CAS from any thread. */
    private volatile int state;
    /**
     * How many threads are collecting this loop's wake-ups in a {@link Wakeups} batch now; while 0,
     * dispatching a callback costs one read of it. Changed atomically from any thread.
     */
    private volatile int batching;
    /** The thread running the loop, null while idle. Read by producers to unpark it. */
    private volatile Thread owner;
    /**
     * True while the owner is about to park or parked, and nobody has woken it yet: the first producer
     * to clear it unparks the owner, the others need not (one {@code unpark} per park, not one per offer).
     */
    private volatile boolean parked;
    /** Set by {@link #stop()} from any thread, consumed by the loop thread. */
    private volatile boolean stopRequested;
    /** The loop thread was interrupted while waiting for work. Loop thread only. */
    private boolean interrupted;

    /** Context of the callback running now, inherited by what it schedules. Loop thread only. */
    private CallContext current;
    /** Context installed on the thread, and the scope that undoes it. Loop thread only. */
    private CallContext applied;
    private CallContext.Scope appliedScope;

    /** Async cleanups ({@link Cleanup}) whose stage is pending. Loop thread only. */
    private int cleanups;
    /** True while {@link #cancelPendingTasks} runs: failures are reported as failures of the shutdown. Loop thread only. */
    private boolean shuttingDown;

    /** Pending tasks, an intrusive list in creation order. Loop thread only (or the closing thread). */
    private Task<?> firstTask;
    private Task<?> lastTask;

    /** {@link #callbackExecutor()} when there is no context to carry: made once, not per callback. */
    private final Executor contextFreeCallbacks = command -> dispatchCallback(command, null);

    private volatile LoopExceptionHandler exceptionHandler;
    private volatile boolean debug;
    private volatile long slowCallbackNanos = Duration.ofMillis(100).toNanos();

    /** Watchdog support: when the running callback started (0 when none), and a count of callbacks. */
    private volatile long callbackStartedAt;
    private volatile boolean watched;

    DefaultEventLoop(String name, LoopClock clock) {
        this.givenName = name;
        this.id = name == null ? IDS.incrementAndGet() : 0;
        this.clock = clock;
    }

    @Override
    public String name() {
        String n = givenName;
        if (n == null) {
            n = "loop-" + id;
            givenName = n;
        }
        return n;
    }

    // ------------------------------------------------------------------ scheduling

    @Override
    public void callSoon(Runnable callback) {
        Checks.notNull(callback, "callback");
        dispatch(callback, contextHere());
    }

    @Override
    public void callSoonThreadsafe(Runnable callback) {
        callSoon(callback);
    }

    /**
     * The one scheduling path: on the loop thread into the ready queue, from any other thread into
     * the inbox, waking the loop.
     */
    void dispatch(Runnable callback, CallContext context) {
        if (owner == Thread.currentThread()) {
            ready.add(callback, context);
            return;
        }
        if (state == CLOSED) {
            throw closedFor(callback);
        }
        inbox.offer(callback, context);
        if (state == CLOSED) { // close() raced with the offer and may not have seen it
            discardInbox();
            throw closedFor(callback);
        }
        wake();
    }

    private RejectedExecutionException closedFor(Object work) {
        return new RejectedExecutionException("event loop '" + name() + "' is closed: cannot schedule " + work);
    }

    /** Refuses to schedule {@code work} on a closed loop, as {@link #dispatch} does; any thread. */
    void checkOpen(Object work) {
        if (state == CLOSED) {
            throw closedFor(work);
        }
    }

    /**
     * Empties the inbox of a closed loop, cancelling the tasks whose start it held. Once the loop is
     * closed nobody runs it, so whoever drains the inbox (close(), or a producer that raced with it)
     * is its consumer; the lock keeps them to one at a time.
     */
    private void discardInbox() {
        synchronized (inbox) {
            MpscQueue.Node node;
            while ((node = inbox.poll()) != null) {
                cancelUnstarted(node.task());
            }
        }
    }

    /**
     * If {@code callback} would start a task, cancels that task (its body then never runs) and returns
     * it when this cancelled it; null otherwise. How a closing loop treats every queued callback.
     */
    private static Task<?> cancelUnstarted(Runnable callback) {
        return callback instanceof Task.Starter starter && starter.task.cancel(false) ? starter.task : null;
    }

    /**
     * As {@link #dispatch}, for callbacks of futures: those can arrive after the loop was closed
     * (a response that came too late) and there is no thread left to run them, so they are dropped
     * instead of throwing into the foreign thread that completed the future.
     */
    void dispatchCallback(Runnable callback, CallContext context) {
        if (batching != 0 && Wakeups.defer(this, callback, context, false)) {
            return;
        }
        if (state == CLOSED && !inLoopThread()) {
            log.debug("event loop '{}' is closed; dropped late callback {}", name(), callback);
            return;
        }
        try {
            dispatch(callback, context);
        } catch (RejectedExecutionException closedMeanwhile) {
            log.debug("event loop '{}' is closed; dropped late callback {}", name(), callback);
        }
    }

    /**
     * Runs {@code action} now when called on the loop thread, else hands it to the loop under
     * {@code context} (dropped if the loop is closed, as {@link #dispatchCallback} does): the one way
     * code that may run on any thread gets back onto the loop.
     */
    void runOnLoop(Runnable action, CallContext context) {
        if (inLoopThread()) {
            if (batching == 0 || !Wakeups.defer(this, action, context, true)) {
                action.run();
            }
        } else {
            dispatchCallback(action, context);
        }
    }

    /** Counts a {@link Wakeups} batch opened (+1) or closed (-1) for this loop, on any thread. */
    void batchingChanged(int delta) {
        BATCHING.getAndAdd(this, delta);
    }

    /** The context a callback registered now inherits: the running callback's, or none off the loop. */
    CallContext contextHere() {
        return inLoopThread() ? current : null;
    }

    @Override
    public Optional<Task<?>> currentTask() {
        CallContext context = contextHere();
        return context == null ? Optional.empty() : Optional.ofNullable((Task<?>) context.task());
    }

    private void wake() {
        if (parked && PARKED.compareAndSet(this, true, false)) {
            LockSupport.unpark(owner);
        }
    }

    /** The executor for callbacks registered now: it runs them on this loop under the current context. */
    Executor callbackExecutor() {
        CallContext context = contextHere();
        if (context == null) {
            return contextFreeCallbacks;
        }
        return context.task() instanceof Task<?> task ? task.callbacks() : command -> dispatchCallback(command, context);
    }

    @Override
    public TimerHandle callLater(Duration delay, Runnable callback) {
        Checks.nonNegative(delay, "delay");
        long nanos = Math.min(Checks.saturatedNanos(delay), MAX_DELAY_NANOS);
        return callAt(clock.nanoTime() + nanos, callback);
    }

    @Override
    public TimerHandle callAt(long nanoTime, Runnable callback) {
        Checks.notNull(callback, "callback");
        boolean onLoop = inLoopThread();
        LoopTimer timer = new LoopTimer(this, nanoTime, callback, onLoop ? current : null);
        if (onLoop) {
            timers.add(timer);
        } else {
            dispatch(() -> {
                if (!timer.isCancelled()) {
                    timers.add(timer);
                }
            }, null);
        }
        return timer;
    }

    /** Removes a cancelled timer from the heap at once, on the loop thread. */
    void removeTimer(LoopTimer timer) {
        runOnLoop(() -> timers.remove(timer), null);
    }

    @Override
    public long time() {
        return clock.nanoTime();
    }

    // ------------------------------------------------------------------ running

    @Override
    public <T> T runUntilComplete(AsyncCallable<T> body) {
        Checks.notNull(body, "body");
        return run(null, body, null, null, 0L, null);
    }

    /**
     * {@link #runUntilComplete}, with the main task's name and context, {@code onStart} called with the
     * main task on the loop thread before the first iteration, and, unless {@code onDeadline} is null,
     * a deadline ({@link System#nanoTime()}): the loop parks no later than it and runs
     * {@code onDeadline} once, after an iteration, when it has passed and the main task is not done.
     * A deadline costs no timer object: a per-call run's timeout is checked by the loop itself.
     */
    <T> T run(String name, AsyncCallable<T> body, CallContext context, Consumer<Task<T>> onStart, long deadline,
            Runnable onDeadline) {
        enter("runUntilComplete");
        try {
            Task<T> main = newTask(name, body, context, onStart);
            Runnable expire = onDeadline;
            while (!main.isDone()) {
                if (interrupted) {
                    main.cancel(false);
                    break;
                }
                if (stopRequested) {
                    main.abandon("event loop '" + name() + "' was stopped before it completed");
                    throw new IllegalStateException("event loop '" + name() + "' was stopped before the body completed (task '"
                            + main.name() + "' let go; run the loop again to resume what it awaits)");
                }
                runOnce(expire != null, deadline);
                if (expire != null && !main.isDone() && System.nanoTime() - deadline >= 0) {
                    expire.run(); // may complete main (a timeout cancels it): looked at again above
                    expire = null;
                }
            }
            if (interrupted) {
                throw new AsyncExecutionException("thread '" + Thread.currentThread().getName()
                        + "' was interrupted while running event loop '" + name() + "'; the body (task '" + main.name()
                        + "') was cancelled",
                        new InterruptedException());
            }
            return main.resultOrThrow();
        } finally {
            exit();
        }
    }

    @Override
    public void runForever() {
        enter("runForever");
        try {
            do {
                runOnce();
            } while (!stopRequested && !interrupted);
        } finally {
            exit();
        }
    }

    @Override
    public void stop() {
        stopRequested = true;
        wake();
    }

    /** Claims the loop for the current thread, refusing nesting with the contract's messages. */
    private void enter(String what) {
        int s = state;
        if (s == CLOSED) {
            throw new IllegalStateException("event loop is closed: '" + name() + "'");
        }
        if (s == RUNNING) {
            throw new IllegalStateException("event loop is already running: '" + name() + "' on thread '"
                    + threadName(owner) + "'");
        }
        Object other = LoopGuard.loopOnThisThread();
        if (other != null) {
            throw NestedLoopException.refuse("EventLoop." + what, other);
        }
        if (!STATE.compareAndSet(this, IDLE, RUNNING)) {
            enter(what); // lost a race: report what won it
        }
        owner = Thread.currentThread();
        LoopManager.bindRunning(this);
    }

    private void exit() {
        if (appliedScope != null) {
            appliedScope.close();
            appliedScope = null;
        }
        applied = null;
        current = null;
        LoopManager.unbindRunning();
        owner = null;
        stopRequested = false;
        if (interrupted) {
            interrupted = false;
            Thread.currentThread().interrupt();
        }
        state = IDLE;
    }

    /** One iteration: wait if nothing is ready, then run exactly the callbacks ready at its start. */
    private void runOnce() {
        runOnce(false, 0L);
    }

    /** {@link #runOnce()}, waiting no later than {@code until} ({@link System#nanoTime()}) if {@code bounded}. */
    private void runOnce(boolean bounded, long until) {
        if (ready.isEmpty() && inbox.isEmpty()) {
            awaitWork(bounded, until);
        }
        drainInbox();
        if (!timers.isEmpty()) {
            moveDueTimers(clock.nanoTime());
        }
        runReady(null);
    }

    /**
     * Runs the callbacks ready now, not those they schedule. Given a list, it first cancels each task
     * whose start comes up (its body then never runs) and adds its name, as a closing loop does.
     */
    private void runReady(List<String> cancelledUnstarted) {
        for (int n = ready.size(); n > 0; n--) {
            CallContext context = ready.peekContext();
            Runnable callback = ready.poll();
            if (cancelledUnstarted != null) {
                Task<?> unstarted = cancelUnstarted(callback);
                if (unstarted != null) {
                    cancelledUnstarted.add(unstarted.name());
                }
            }
            runCallback(context, callback);
        }
    }

    /**
     * Parks until the inbox has work, the earliest timer is due, stop() is called or the thread is
     * interrupted; if {@code bounded}, also no later than {@code until} ({@link System#nanoTime()}).
     */
    private void awaitWork(boolean bounded, long until) {
        try {
            while (true) {
                // set before each look at the inbox, since a producer's wake() clears it: one that offers
                // after the look then sees it set and unparks this thread
                parked = true;
                if (!inbox.isEmpty() || stopRequested) {
                    return;
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                    return;
                }
                LoopTimer next = timers.peek();
                long wait = next == null ? Long.MAX_VALUE : next.deadline() - clock.nanoTime();
                if (bounded) {
                    wait = Math.min(wait, until - System.nanoTime());
                }
                if (wait <= 0) {
                    return;
                }
                if (wait == Long.MAX_VALUE) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, wait);
                }
            }
        } finally {
            parked = false;
        }
    }

    private void drainInbox() {
        MpscQueue.Node node;
        while ((node = inbox.poll()) != null) {
            ready.add(node.task(), node.context());
        }
    }

    private void moveDueTimers(long now) {
        LoopTimer timer;
        while ((timer = timers.peek()) != null && timer.deadline() - now <= 0) {
            timers.poll();
            ready.add(timer, timer.context);
        }
    }

    private void runCallback(CallContext context, Runnable callback) {
        CallContext install = context == null ? null : context.propagated();
        if (install != applied) {
            switchContext(install);
        }
        current = context;
        boolean timed = debug || watched;
        long start = timed ? clock.nanoTime() : 0L;
        if (watched) {
            callbackStartedAt = start;
        }
        try {
            callback.run();
        } catch (Throwable t) {
            if (Failures.isFatal(t)) {
                throw (Error) t;
            }
            reportCallbackFailure(String.valueOf(callback), t);
        } finally {
            current = null;
            if (watched) {
                callbackStartedAt = 0L;
            }
        }
        if (debug) {
            long took = clock.nanoTime() - start;
            if (took > slowCallbackNanos) {
                warnSlowCallback(callback, took);
            }
        }
    }

    /** Debug mode's report of a slow callback (apart, so BlockHound lets its logging block). Loop thread. */
    private void warnSlowCallback(Runnable callback, long tookNanos) {
        SlowCallbackEvent.emit(name(), String.valueOf(callback), tookNanos, null);
        log.warn("event loop '{}': callback {} took {} ms (slow-callback threshold {} ms): it held the loop thread,"
                + " delaying every other callback", name(), callback, tookNanos / 1_000_000, slowCallbackNanos / 1_000_000);
    }

    private void switchContext(CallContext context) {
        if (appliedScope != null) {
            appliedScope.close();
            appliedScope = null;
        }
        applied = context;
        if (context != null) {
            appliedScope = context.open();
        }
    }

    void reportCallbackFailure(String callback, Throwable failure) {
        LoopExceptionHandler handler = exceptionHandler;
        String what = shuttingDown ? SHUTDOWN_FAILURE + name() + "': " + callback : callback;
        if (handler == null) {
            if (shuttingDown) {
                log.error("{} threw; the shutdown goes on", what, failure);
            } else {
                log.error("event loop '{}': callback {} threw; the loop goes on", name(), callback, failure);
            }
            return;
        }
        try {
            handler.handle(this, what, failure);
        } catch (Throwable handlerFailure) {
            handlerFailure.addSuppressed(failure);
            log.error("event loop '{}': the exception handler threw while handling a failure of {}", name(), callback,
                    handlerFailure);
        }
    }

    /**
     * Shuts down the loop's work before it is closed, as {@code asyncio.run} does: if
     * {@code stepScheduled}, first runs the callbacks already scheduled once (so a task created in the
     * body's last step takes its first step, up to its first await); then cancels every pending task,
     * and runs what the cancellation schedules, and the timers that come due, while there is any, or a
     * {@link Cleanup} is pending, for at most {@code grace} (real time), so cancellation handlers and
     * async cleanups (also those of a main task cancelled by a timeout or an interrupt) finish before
     * the loop is closed. A stop() or an interrupt ends the grace. A task whose start comes up now is
     * cancelled instead: its body never runs. What a callback throws meanwhile reaches the exception
     * handler as an "unhandled exception during shutdown of loop". Returns the names of the cancelled
     * tasks. Call it on an idle loop, on the thread that will close it.
     */
    List<String> cancelPendingTasks(Duration grace, boolean stepScheduled) {
        if (firstTask == null && ready.isEmpty() && inbox.isEmpty() && cleanups == 0) {
            return List.of();
        }
        enter("cancelPendingTasks");
        shuttingDown = true;
        try {
            long deadline = System.nanoTime() + Checks.saturatedNanos(grace);
            if (stepScheduled) {
                drainInbox();
                runReady(null);
            }
            List<String> names = new ArrayList<>();
            for (Task<?> task : allTasks()) {
                if (task.cancel(false)) {
                    names.add(task.name());
                }
            }
            while ((!ready.isEmpty() || !inbox.isEmpty() || cleanups > 0) && !stopRequested && !interrupted
                    && System.nanoTime() - deadline < 0) {
                if (ready.isEmpty() && inbox.isEmpty()) {
                    awaitWork(true, deadline);
                }
                drainInbox();
                if (!timers.isEmpty()) {
                    moveDueTimers(clock.nanoTime());
                }
                runReady(names);
            }
            return names;
        } finally {
            shuttingDown = false;
            exit();
        }
    }

    /** Counts a {@link Cleanup} started (+1) or finished (-1). Loop thread. */
    void cleanupsChanged(int delta) {
        cleanups += delta;
    }

    @Override
    public void close() {
        for (;;) {
            int s = state;
            if (s == CLOSED) {
                return;
            }
            if (s == RUNNING) {
                throw new IllegalStateException("cannot close event loop '" + name() + "' while it is running on thread '"
                        + threadName(owner) + "': call stop() and let runForever() return first");
            }
            if (STATE.compareAndSet(this, IDLE, CLOSED)) {
                break;
            }
        }
        List<Task<?>> pending = allTasks();
        firstTask = null;
        lastTask = null;
        while (!ready.isEmpty()) {
            cancelUnstarted(ready.poll()); // created from another thread, not started yet
        }
        timers.clear();
        for (Task<?> task : pending) {
            task.cancel(false);
        }
        discardInbox();
    }

    @Override
    public boolean isRunning() {
        return state == RUNNING;
    }

    @Override
    public boolean isClosed() {
        return state == CLOSED;
    }

    @Override
    public boolean inLoopThread() {
        return owner == Thread.currentThread();
    }

    // ------------------------------------------------------------------ tasks

    @Override
    public <T> Task<T> createTask(AsyncCallable<T> body) {
        return createTask(null, body);
    }

    @Override
    public <T> Task<T> createTask(String name, AsyncCallable<T> body) {
        Checks.notNull(body, "body");
        return newTask(name, body, contextHere(), null);
    }

    /**
     * Creates a task that starts in a later iteration, under {@code context}. {@code beforeStart}, if not
     * null, gets the task on this thread before the loop can see it: what it registers on the task (a
     * completion action, say) is in place before the task can run, and nothing races with the loop for it.
     */
    <T> Task<T> newTask(String name, AsyncCallable<T> body, CallContext context, Consumer<Task<T>> beforeStart) {
        Task<T> task = new Task<>(this, name, body, context);
        if (inLoopThread()) {
            register(task);
        }
        if (beforeStart != null) {
            beforeStart.accept(task);
        }
        dispatch(task.starter(), task.context);
        return task;
    }

    /** Links a task into the pending list. Loop thread. */
    void register(Task<?> task) {
        if (task.linked || task.isDone()) {
            return;
        }
        task.linked = true;
        task.prevTask = lastTask;
        if (lastTask == null) {
            firstTask = task;
        } else {
            lastTask.nextTask = task;
        }
        lastTask = task;
    }

    /**
     * Unlinks a completed task: at once on the loop thread (bookkeeping, not a callback, so no wake-up
     * batch orders it and no closure is made); from another thread the unlinking is handed to the loop.
     */
    void taskDone(Task<?> task) {
        if (inLoopThread()) {
            unlink(task);
        } else {
            dispatchCallback(() -> unlink(task), null);
        }
    }

    private void unlink(Task<?> task) {
        if (!task.linked) {
            return;
        }
        task.linked = false;
        if (task.prevTask == null) {
            firstTask = task.nextTask;
        } else {
            task.prevTask.nextTask = task.nextTask;
        }
        if (task.nextTask == null) {
            lastTask = task.prevTask;
        } else {
            task.nextTask.prevTask = task.prevTask;
        }
        task.prevTask = null;
        task.nextTask = null;
    }

    @Override
    public List<Task<?>> allTasks() {
        if (!inLoopThread() && isRunning()) {
            throw new IllegalStateException("allTasks() of event loop '" + name() + "' called on thread '"
                    + Thread.currentThread().getName() + "' while the loop runs on thread '" + threadName(owner)
                    + "': call it from a callback of the loop");
        }
        List<Task<?>> tasks = new ArrayList<>();
        for (Task<?> t = firstTask; t != null; t = t.nextTask) {
            tasks.add(t);
        }
        return tasks;
    }

    @Override
    public <T> LoopFuture<T> createFuture() {
        return new LoopFuture<>(this);
    }

    // ------------------------------------------------------------------ errors and debug

    @Override
    public void setExceptionHandler(LoopExceptionHandler handler) {
        this.exceptionHandler = handler;
    }

    @Override
    public void setDebug(boolean debug) {
        this.debug = debug;
    }

    @Override
    public boolean isDebug() {
        return debug;
    }

    @Override
    public void setSlowCallbackThreshold(Duration threshold) {
        this.slowCallbackNanos = Checks.saturatedNanos(Checks.positive(threshold, "threshold"));
    }

    /** Enables {@link #busySince()} for a watchdog. */
    void setWatched(boolean watched) {
        this.watched = watched;
    }

    /** When the callback running now started (loop clock), or 0 if none runs. Any thread. */
    long busySince() {
        return callbackStartedAt;
    }

    /** The thread running the loop, or null. */
    Thread owner() {
        return owner;
    }

    // ------------------------------------------------------------------ toolkit

    @Override
    public LoopFuture<Void> sleep(Duration delay) {
        return LoopOps.sleep(this, delay);
    }

    @Override
    public <T> LoopFuture<T> await(CompletionStage<T> stage) {
        return LoopOps.await(this, stage, true);
    }

    // ---------------- deadlines and waits (issue 11): one TimeoutScope behind every timeout

    @Override
    public <T> LoopFuture<T> timeout(CompletionStage<T> stage, Duration timeout) {
        Checks.notNull(stage, "stage");
        return new TimeoutScope(this, deadlineAfter(Checks.notNull(timeout, "timeout")), timeout).guard(stage);
    }

    @Override
    public <T> LoopFuture<T> timeoutAt(CompletionStage<T> stage, long deadlineNanos) {
        Checks.notNull(stage, "stage");
        return timeoutScopeAt(deadlineNanos).guard(stage);
    }

    @Override
    public TimeoutScope timeoutScope(Duration budget) {
        return new TimeoutScope(this, deadlineAfter(Checks.notNull(budget, "budget")), budget);
    }

    @Override
    public TimeoutScope timeoutScopeAt(long deadlineNanos) {
        return new TimeoutScope(this, deadlineNanos, null);
    }

    /** The deadline {@code budget} from now, saturated; a spent (zero or negative) budget gives one at or before now. */
    long deadlineAfter(Duration budget) {
        long nanos = Checks.saturatedNanos(budget);
        return clock.nanoTime() + Math.max(-MAX_DELAY_NANOS, Math.min(nanos, MAX_DELAY_NANOS));
    }

    @Override
    public <S extends CompletionStage<?>> LoopFuture<WaitResult<S>> wait(Collection<? extends S> stages, WaitMode mode) {
        return StageWaits.wait(this, stages, mode, null);
    }

    @Override
    public <S extends CompletionStage<?>> LoopFuture<WaitResult<S>> wait(Collection<? extends S> stages, WaitMode mode,
            Duration timeout) {
        return StageWaits.wait(this, stages, mode, Checks.notNull(timeout, "timeout"));
    }

    @Override
    public <T> List<LoopFuture<T>> asCompleted(Collection<? extends CompletionStage<? extends T>> stages) {
        return StageWaits.asCompleted(this, stages);
    }

    // ---------------- end of deadlines and waits

    @Override
    public <T> LoopFuture<T> withCleanup(CompletionStage<T> stage, Supplier<? extends CompletionStage<?>> cleanup) {
        return Cleanup.guard(this, stage, cleanup);
    }

    @Override
    public <T> LoopFuture<T> shield(CompletionStage<T> stage) {
        return LoopOps.await(this, stage, false);
    }

    @Override
    public <T> LoopFuture<List<T>> gather(List<? extends CompletionStage<? extends T>> stages) {
        return LoopOps.gather(this, stages);
    }

    @Override
    public <T> LoopFuture<List<Outcome<T>>> gatherSettled(List<? extends CompletionStage<? extends T>> stages) {
        return LoopOps.gatherSettled(this, stages);
    }

    @Override
    public <T> LoopFuture<T> runInExecutor(Callable<T> work) {
        return LoopOps.runInExecutor(this, BlockingExecutor.get(), work);
    }

    @Override
    public <T> LoopFuture<T> runInExecutor(Executor executor, Callable<T> work) {
        return LoopOps.runInExecutor(this, Checks.notNull(executor, "executor"), work);
    }

    @Override
    public <T> LoopFuture<T> taskGroup(Function<TaskGroup, ? extends CompletionStage<T>> body) {
        return TaskGroup.run(this, body);
    }

    static String threadName(Thread thread) {
        return thread == null ? "none" : thread.getName();
    }

    @Override
    public String toString() {
        int s = state;
        return "EventLoop[" + name() + ", " + (s == IDLE ? "idle" : s == RUNNING ? "running on " + threadName(owner) : "closed")
                + "]";
    }
}
