package io.loopbridge;

import io.loopbridge.internal.DaemonThreads;
import io.loopbridge.internal.Failures;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BridgeMode#SHARED}: the bridge's long-lived loop, on one loop thread, the single worker of
 * a {@link ThreadPoolExecutor} (which replaces the thread if it dies). Each loop is a
 * {@link Generation}; when one dies, its pending tasks are cancelled (so calls in flight fail fast
 * with {@link LoopTerminatedException}) and the next call starts a new generation. A call is a task
 * handed to the loop; the caller waits with its timeout, so it returns on time even if the loop is
 * stuck.
 *
 * <p>Threads: {@link #hand} and {@link #current()} from any caller; {@link #drive} on the loop
 * thread {@code loopbridge-<bridge>-loop-N}.
 */
final class SharedLoopRunner extends CallRunner {
    private static final Logger log = LoggerFactory.getLogger(LoopBridge.class);

    /** One loop and, once it died, why. */
    static final class Generation {
        final DefaultEventLoop loop;
        /** Set (before the loop is closed) when the loop ended without the bridge closing it. */
        volatile Throwable deathCause;

        Generation(DefaultEventLoop loop) {
            this.loop = loop;
        }

        /** A call's failure as its caller sees it: a cancellation by the loop's death says so. */
        Throwable explain(Throwable failure, LoopBridge bridge) {
            Throwable death = deathCause;
            if (death == null || !(Failures.unwrap(failure) instanceof CancellationException)) {
                return failure;
            }
            return new LoopTerminatedException("the shared loop '" + loop.name() + "' of bridge '" + bridge.name()
                    + "' died while the call was in flight (" + death + "); the next call runs on a new loop thread",
                    death);
        }
    }

    private final ThreadPoolExecutor executor;
    private final Watchdog.Registration watchdog;
    /** The live generation, or null before the first call; replaced under this object's lock. */
    private volatile Generation current;
    private int generations;
    private volatile boolean closing;
    /** How long the cancelled tasks' handlers may run when the bridge closes the loop; set by close(). */
    private volatile Duration handlerGrace = Duration.ZERO;

    SharedLoopRunner(LoopBridge bridge, Duration watchdogThreshold) {
        super(bridge);
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.named("loopbridge-" + bridge.name() + "-loop-"));
        this.watchdog = Watchdog.watch(this::currentLoop,
                watchdogThreshold != null ? watchdogThreshold : LoopBridge.DEFAULT_WATCHDOG_THRESHOLD, bridge.name());
    }

    /** Hands the call to the live loop as a task; the task's end finishes the call. Any thread. */
    @Override
    void hand(BridgeCall<?> call) {
        start(call, current());
    }

    /**
     * The call's task, its end wired to the call before the loop can start it: the task's completion runs
     * {@code finish} on the loop thread, with no caller racing the loop to register it.
     */
    private static <T> void start(BridgeCall<T> call, Generation g) {
        g.loop.newTask(null, call, call.context, task -> {
            call.attach(task);
            task.whenCompleteInline((value, failure) -> call.finish(value, failure == null ? null
                    : g.explain(failure, call.bridge)));
        });
    }

    /** At once, from any thread: a task still queued on the loop then never starts. */
    @Override
    void cancelTask(Task<?> task) {
        task.cancel(false);
    }

    /** The live generation, starting one if there is none or the last one died. */
    Generation current() {
        Generation g = current;
        if (g != null && g.deathCause == null) {
            return g;
        }
        synchronized (this) {
            g = current;
            if (g == null || g.deathCause != null) {
                if (closing) {
                    throw bridge.closedException();
                }
                if (generations == 0) {
                    LoopLagEvents.watch(bridge); // from the first call on: the bridge is fully built
                }
                DefaultEventLoop loop = new DefaultEventLoop(bridge.name() + "-shared-" + ++generations,
                        LoopClock.system());
                loop.setWatched(true);
                bridge.counters.loopsCreated.increment();
                g = new Generation(loop);
                Generation started = g;
                executor.execute(() -> drive(started));
                current = g;
            }
            return g;
        }
    }

    @Override
    Throwable deadLoopCause() {
        Generation g = current;
        return g == null || closing ? null : g.deathCause;
    }

    private DefaultEventLoop currentLoop() {
        Generation g = current;
        return g == null ? null : g.loop;
    }

    /** Runs a generation's loop until the bridge closes it, or it dies. Loop thread. */
    private void drive(Generation g) {
        Throwable failure = null;
        try {
            g.loop.runForever();
        } catch (Throwable t) {
            failure = t;
        } finally {
            if (!closing) {
                g.deathCause = failure != null ? failure : new IllegalStateException("the loop returned from"
                        + " runForever() (stop() called by code on it, or its thread was interrupted)");
                log.error("bridge '{}': shared loop '{}' died; calls in flight on it fail, the next call starts a new"
                        + " loop thread", bridge.name(), g.loop.name(), g.deathCause);
            }
            try {
                if (closing && failure == null) {
                    // closed by the bridge: the tasks in flight are cancelled (their calls finish at once) and
                    // their cancellation handlers get a short grace; calls still queued never start
                    g.loop.cancelPendingTasks(handlerGrace, false);
                }
            } finally {
                g.loop.close(); // cancels whatever is left (a dead loop gets no grace: its successor would wait)
                bridge.counters.loopsClosed.increment();
            }
        }
        if (failure instanceof Error error && Failures.isFatal(error)) {
            throw error; // the thread may be damaged: let the pool replace it
        }
    }

    /** Stops the loop (its pending calls are cancelled) and its thread, waiting up to {@code grace}. */
    @Override
    void close(Duration grace) throws InterruptedException {
        Duration half = grace.dividedBy(2); // the rest of the close grace is for the thread to stop
        handlerGrace = half.compareTo(LoopManager.LEFTOVER_GRACE) < 0 ? half : LoopManager.LEFTOVER_GRACE;
        closing = true;
        watchdog.cancel();
        LoopLagEvents.unwatch(bridge);
        Generation g;
        synchronized (this) {
            g = current;
        }
        if (g != null) {
            g.loop.stop();
        }
        executor.shutdown();
        if (g != null && g.loop.inLoopThread()) {
            return; // closed by code on the loop itself: it stops when that callback returns
        }
        if (!executor.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
            executor.shutdownNow();
            log.warn("bridge '{}': the shared loop thread did not stop within {} (a callback is stuck?); it was"
                    + " interrupted and left to end as a daemon", bridge.name(), grace);
        }
    }
}
