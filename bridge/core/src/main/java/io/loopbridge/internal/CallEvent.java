package io.loopbridge.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event {@code io.loopbridge.Call}: one admitted bridge call ended. Committed by the thread that
 * ended it, at its end; {@link #elapsed} is from admission to end. When no recording enables it, emitting
 * costs an allocation the JIT removes and a flag read.
 */
@Name(CallEvent.NAME)
@Label("loopbridge Call")
@Category("loopbridge")
@Description("A bridge call ended: its bridge, mode, outcome, time from admission to end, and the thread its body ran on")
@StackTrace(false)
public final class CallEvent extends Event {
    public static final String NAME = "io.loopbridge.Call";

    @Label("Bridge")
    String bridge;

    @Label("Mode")
    String mode;

    @Label("Outcome")
    String outcome;

    @Label("Elapsed")
    @Timespan(Timespan.NANOSECONDS)
    long elapsed;

    @Label("Ran On")
    @Description("The thread the body ran on (the caller's in PER_CALL, a worker, the shared loop thread); null if it never started")
    Thread ranOn;

    /** Commits one event if a recording enables it. Any thread. */
    public static void emit(String bridge, String mode, String outcome, long admittedAtNanos, Thread ranOn) {
        CallEvent event = new CallEvent();
        if (!event.isEnabled()) {
            return;
        }
        event.bridge = bridge;
        event.mode = mode;
        event.outcome = outcome;
        event.elapsed = System.nanoTime() - admittedAtNanos;
        event.ranOn = ranOn;
        event.commit();
    }
}
