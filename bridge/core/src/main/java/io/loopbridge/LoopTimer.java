package io.loopbridge;

import io.loopbridge.internal.CallContext;
import io.loopbridge.internal.TimerHeap;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A scheduled callback: a node of the loop's timer heap, and the runnable the loop queues when the
 * deadline is reached. Its state moves once, PENDING to FIRED (on the loop thread, when it runs) or
 * PENDING to CANCELLED (from any thread), by compare-and-set, so a timer cancelled after it was
 * queued but before it ran never runs.
 */
final class LoopTimer extends TimerHeap.Node implements TimerHandle, Runnable {
    private static final int PENDING = 0;
    private static final int FIRED = 1;
    private static final int CANCELLED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(LoopTimer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final DefaultEventLoop loop;
    /** Context the timer was scheduled under; the callback runs under it. */
    final CallContext context;
    /** The callback; read only by the loop thread after winning PENDING to FIRED. */
    private final Runnable callback;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    LoopTimer(DefaultEventLoop loop, long deadline, Runnable callback, CallContext context) {
        super(deadline);
        this.loop = loop;
        this.callback = callback;
        this.context = context;
    }

    @Override
    public void run() {
        if (STATE.compareAndSet(this, PENDING, FIRED)) {
            callback.run();
        }
    }

    @Override
    public boolean cancel() {
        if (!STATE.compareAndSet(this, PENDING, CANCELLED)) {
            return false;
        }
        loop.removeTimer(this);
        return true;
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public long when() {
        return deadline();
    }

    @Override
    public String toString() {
        return "timer(" + callback + ")";
    }
}
