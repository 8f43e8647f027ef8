package io.loopbridge;

import io.loopbridge.internal.Checks;
import java.time.Duration;
import java.util.Optional;

/**
 * Which event loop belongs to, or runs on, the current thread; and {@link #run}, the
 * {@code asyncio.run} of Java.
 *
 * <p>Threads: every method acts on the calling thread only. When a run ends its binding is set to
 * null, so a container's pooled threads keep no reference to a loop (or to the web app's class
 * loader) after a call returns; {@link #reset()} removes a {@link #set} binding.
 */
public final class LoopManager {
    /** The loop running on this thread, set by the loop itself for the duration of a run. */
    private static final ThreadLocal<DefaultEventLoop> RUNNING = new ThreadLocal<>();
    /** The loop bound by {@link #set}, for code that wants a loop without running one. */
    private static final ThreadLocal<EventLoop> BOUND = new ThreadLocal<>();
    /** How long tasks left pending by {@link #run} get to handle their cancellation. */
    private static final long LEFTOVER_GRACE_MS = 100;
    static final Duration LEFTOVER_GRACE = Duration.ofMillis(LEFTOVER_GRACE_MS);

    private LoopManager() {}

    /** The loop running on this thread, or else the one bound by {@link #set}; empty on a fresh thread. */
    public static Optional<EventLoop> current() {
        EventLoop running = RUNNING.get();
        return Optional.ofNullable(running != null ? running : BOUND.get());
    }

    /**
     * The loop running on this thread: inside one of its callbacks, the loop that runs it.
     *
     * @throws NoRunningLoopException "no running event loop" when no loop runs on this thread
     */
    public static EventLoop running() {
        EventLoop running = RUNNING.get();
        if (running == null) {
            throw new NoRunningLoopException("no running event loop on thread '" + Thread.currentThread().getName()
                    + "': call this from a callback of a loop, or start one with LoopManager.run(body)");
        }
        return running;
    }

    /**
     * Whether a loop runs on this thread now (one of its callbacks runs, or the loop waits for work):
     * where a blocking call stalls every callback of the loop. For tools that watch non-blocking
     * threads, such as {@code loopbridge-blockhound}. Any thread; one thread-local read.
     */
    public static boolean isLoopThread() {
        return RUNNING.get() != null;
    }

    /** Binds {@code loop} to this thread (see {@link #current()}) until {@link #reset()}. */
    public static void set(EventLoop loop) {
        BOUND.set(Checks.notNull(loop, "loop"));
    }

    /** Removes this thread's binding. */
    public static void reset() {
        BOUND.remove();
    }

    /**
     * Runs {@code body} on a fresh loop on this thread, then shuts the loop down as {@code asyncio.run}
     * does and closes it: what the body's last step scheduled runs once (a task created then takes its
     * first step), the tasks it left pending are cancelled, and their cancellation handlers and
     * {@link EventLoop#withCleanup} cleanups get up to {@value #LEFTOVER_GRACE_MS} ms to finish (a
     * failure meanwhile reaches the loop's exception handler as an "unhandled exception during shutdown"). The thread's previous
     * binding is untouched. Returns the body's value or throws its failure as
     * {@link EventLoop#runUntilComplete} does.
     *
     * <h2>Pitfalls</h2>
     * Calling it from async code would block the running loop, so it is refused at once:
     * <pre>{@code
     * LoopManager.run(loop -> {
     *     LoopManager.run(inner -> inner.sleep(ONE_MS));  // do not: throws NestedLoopException
     *     return loop.sleep(ONE_MS);                      // do: compose on the running loop
     * });}</pre>
     * prints {@code NestedLoopException: LoopManager.run called on thread 'main', which is running
     * event loop 'loop-1': blocking here would stall or deadlock that loop. Fix: ...}
     *
     * @throws NestedLoopException if this thread is running a loop
     */
    public static <T> T run(AsyncCallable<T> body) {
        Checks.notNull(body, "body");
        Object running = LoopGuard.loopOnThisThread();
        if (running != null) {
            throw NestedLoopException.refuse("LoopManager.run", running);
        }
        DefaultEventLoop loop = new DefaultEventLoop(null, LoopClock.system());
        try {
            return loop.runUntilComplete(body);
        } finally {
            loop.cancelPendingTasks(LEFTOVER_GRACE, true);
            loop.close();
        }
    }

    static DefaultEventLoop runningLoop() {
        return RUNNING.get();
    }

    static void bindRunning(DefaultEventLoop loop) {
        RUNNING.set(loop);
    }

    /**
     * Clears the running binding. It stores null rather than removing the entry: the value is what
     * could pin a loop (or a web app's class loader), and the thread-local itself is only weakly
     * referenced by the thread, so keeping the entry leaks nothing and saves re-inserting it on the
     * next call.
     */
    static void unbindRunning() {
        RUNNING.set(null);
    }
}
