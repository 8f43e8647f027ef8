package io.loopbridge.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event {@code io.loopbridge.SlowCallback}: a callback held a loop thread too long, reported where
 * the log reports it: by a SHARED bridge's watchdog while the callback still runs (with the loop
 * thread's stack at that moment), or by a debug-mode loop after the callback returned (with the
 * callback's description). Committed by the watchdog's timer thread or the loop thread.
 */
@Name(SlowCallbackEvent.NAME)
@Label("loopbridge Slow Callback")
@Category("loopbridge")
@Description("A callback held an event loop's thread longer than the watchdog or slow-callback threshold")
@StackTrace(false)
public final class SlowCallbackEvent extends Event {
    public static final String NAME = "io.loopbridge.SlowCallback";

    @Label("Loop")
    String loop;

    @Label("Callback")
    String callback;

    @Label("Held")
    @Timespan(Timespan.NANOSECONDS)
    long held;

    @Label("Loop Stack")
    @Description("The loop thread's stack while the callback held it (watchdog reports only)")
    String loopStack;

    /** Commits one event if a recording enables it. Any thread. */
    public static void emit(String loop, String callback, long heldNanos, String loopStack) {
        SlowCallbackEvent event = new SlowCallbackEvent();
        if (!event.isEnabled()) {
            return;
        }
        event.loop = loop;
        event.callback = callback;
        event.held = heldNanos;
        event.loopStack = loopStack;
        event.commit();
    }
}
