package io.loopbridge;

import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * A due timer firing on the loop thread vs {@code cancel()} from another thread: the timer's state
 * moves once (PENDING to FIRED or to CANCELLED), so it fires exactly when cancel() returned false, and
 * a cancelled timer does not stay in the heap.
 */
public final class TimerCancelVsFireStress {
    private TimerCancelVsFireStress() {}

    @JCStressTest
    @Description("a due timer fires on the loop thread vs cancel() from another thread")
    @Outcome(id = "cancelled, not fired, heap empty", expect = Expect.ACCEPTABLE, desc = "cancel won")
    @Outcome(id = "too late, fired, heap empty", expect = Expect.ACCEPTABLE, desc = "fired first; cancel() returned false")
    @Outcome(id = "cancelled, fired, .*", expect = Expect.FORBIDDEN, desc = "a cancelled timer fired")
    @Outcome(id = "too late, not fired, .*", expect = Expect.FORBIDDEN, desc = "cancel() lost but the timer never fired")
    @Outcome(id = ".*, heap holds timers", expect = Expect.FORBIDDEN, desc = "a finished timer leaks in the heap")
    @State
    public static class Race {
        final EventLoop loop = EventLoop.create();
        int fired; // loop thread only; read by the arbiter, which happens-after the actors
        final TimerHandle timer = loop.callLater(Duration.ZERO, () -> fired++);
        volatile boolean cancelled;

        @Actor
        public void loopThread() {
            loop.runUntilComplete(l -> l.sleep(Duration.ZERO)); // due after the timer: it has fired or is cancelled
        }

        @Actor
        public void canceller() {
            cancelled = timer.cancel();
        }

        @Arbiter
        public void outcome(LLL_Result r) {
            StressSupport.drain(loop); // runs the heap removal a cancel from another thread hands to the loop
            r.r1 = cancelled ? "cancelled" : "too late";
            r.r2 = fired == 1 ? "fired" : fired == 0 ? "not fired" : "fired " + fired + " times";
            r.r3 = StressSupport.pendingTimers(loop) == 0 ? "heap empty" : "heap holds timers";
        }
    }
}
