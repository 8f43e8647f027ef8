package io.loopbridge;

import io.loopbridge.internal.TimerHeap;
import java.lang.reflect.Field;
import java.util.Set;

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

    /** How many caller threads' slots a PER_CALL bridge holds (dropping those of threads that ended). */
    static int callerSlots(LoopBridge bridge) {
        Set<?> slots = (Set<?>) read(bridge.runner, CallerThreadRunner.class, "callerSlots");
        synchronized (slots) {
            return slots.size();
        }
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
