package io.loopbridge;

import io.loopbridge.internal.MpscQueue;
import io.loopbridge.internal.TimerHeap;
import java.lang.reflect.Field;
import java.util.concurrent.CompletableFuture;

/**
 * Helpers of the jcstress tests (src/jcstress/java, profile {@code jcstress}): reading a loop's
 * internals after the actors are done (from an arbiter, which happens-after them), naming outcomes.
 */
final class StressSupport {
    private static final Field TIMERS = field("timers");
    private static final Field INBOX = field("inbox");

    private StressSupport() {}

    private static Field field(String name) {
        try {
            Field f = DefaultEventLoop.class.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Timers left in the loop's heap. Call it while the loop is idle (an arbiter). */
    static int pendingTimers(EventLoop loop) {
        try {
            return ((TimerHeap<?>) TIMERS.get(loop)).size();
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /** Whether callbacks handed over from other threads are still held by the loop. Idle loop only. */
    static boolean inboxEmpty(EventLoop loop) {
        try {
            return ((MpscQueue) INBOX.get(loop)).isEmpty();
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs the callbacks other threads handed to an idle loop (a cancelled task's unlinking, say). */
    static void drain(EventLoop loop) {
        for (int i = 0; i < 3; i++) {
            loop.runUntilComplete(l -> CompletableFuture.completedFuture(null));
        }
    }

    /** "value", "cancelled", "failed" or "pending". */
    static String state(CompletableFuture<?> future) {
        if (!future.isDone()) {
            return "pending";
        }
        if (future.isCancelled()) {
            return "cancelled";
        }
        return future.isCompletedExceptionally() ? "failed" : "value";
    }
}
