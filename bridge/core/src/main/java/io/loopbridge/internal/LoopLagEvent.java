package io.loopbridge.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event {@code io.loopbridge.LoopLag}: periodic (every second by default), one per open SHARED
 * bridge: how long calls wait from admission until their body starts on the loop thread. Committed by
 * JFR's periodic-task thread.
 */
@Name(LoopLagEvent.NAME)
@Label("loopbridge Loop Lag")
@Category("loopbridge")
@Description("A SHARED bridge's loop lag: smoothed and largest delay from a call's admission to its body starting")
@StackTrace(false)
@Period("1 s")
public final class LoopLagEvent extends Event {
    public static final String NAME = "io.loopbridge.LoopLag";

    @Label("Bridge")
    String bridge;

    @Label("Lag")
    @Timespan(Timespan.NANOSECONDS)
    long lag;

    @Label("Max Lag")
    @Timespan(Timespan.NANOSECONDS)
    long maxLag;

    @Label("In Flight")
    long inFlight;

    /** Commits one event (the periodic hook runs only while a recording enables it). */
    public static void emit(String bridge, long lagNanos, long maxLagNanos, long inFlight) {
        LoopLagEvent event = new LoopLagEvent();
        event.bridge = bridge;
        event.lag = lagNanos;
        event.maxLag = maxLagNanos;
        event.inFlight = inFlight;
        event.commit();
    }
}
