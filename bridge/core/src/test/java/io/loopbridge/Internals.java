package io.loopbridge;

import io.loopbridge.internal.TimerHeap;
import java.lang.reflect.Field;

/** Reflective access to internals the contract makes claims about (the timer heap, the callers' slots). */
final class Internals {
    private Internals() {}

    static TimerHeap<?> timerHeap(EventLoop loop) {
        return (TimerHeap<?>) read(loop, DefaultEventLoop.class, "timers");
    }

    /** Timers in the loop's heap. Read it on the loop thread, or while the loop is idle. */
    static int pendingTimers(EventLoop loop) {
        return timerHeap(loop).size();
    }

    /** Length of the heap's backing array: what the heap holds on to, used or not. */
    static int timerHeapCapacity(EventLoop loop) {
        return ((Object[]) read(timerHeap(loop), TimerHeap.class, "nodes")).length;
    }

    /** How many runs in progress a PER_CALL bridge holds for close() to find. */
    static int runsInProgress(LoopBridge bridge) {
        RunSlots runs = (RunSlots) read(bridge.runner, CallerThreadRunner.class, "runs");
        int[] count = {0};
        runs.forEach(call -> count[0]++);
        return count[0];
    }

    private static Object read(Object target, Class<?> type, String field) {
        try {
            Field f = type.getDeclaredField(field);
            f.setAccessible(true);
            return f.get(target);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read " + type.getSimpleName() + "." + field, e);
        }
    }
}
