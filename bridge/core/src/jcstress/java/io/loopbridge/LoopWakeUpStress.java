package io.loopbridge;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * callSoonThreadsafe vs the loop going idle: a callback handed over from another thread while the loop
 * is about to park, or parked, must wake it (the producer reads {@code parked} after publishing and the
 * first to clear it unparks the loop; the loop sets {@code parked} before each look at the inbox). A lost
 * wake-up would leave the loop parked with work in its inbox.
 */
public final class LoopWakeUpStress {
    private LoopWakeUpStress() {}

    /**
     * Both sides at once, many times. No time budget decides the verdict (a starved producer thread on a
     * busy machine is not a lost wake-up): a watchdog timer on the loop looks every second whether the
     * producer has handed the callback over ({@code callSoonThreadsafe} returned). If it had at one look
     * and the callback still has not run at the next, the loop slept a whole second with work in its
     * inbox: that is "lost". (The loop drains the inbox before it runs due timers, and checks it before
     * it parks, so a callback handed over before one look runs before the next.)
     */
    @JCStressTest
    @Description("callSoonThreadsafe racing with the loop going idle (parkNanos: a timer is pending)")
    @Outcome(id = "woken", expect = Expect.ACCEPTABLE, desc = "the callback ran: the loop woke up")
    @Outcome(id = "lost", expect = Expect.FORBIDDEN, desc = "lost wake-up: the loop slept with work in its inbox")
    @State
    public static class RacingIdle {
        final EventLoop loop = EventLoop.create();
        final LoopFuture<String> done = loop.createFuture();
        volatile boolean handedOver;

        @Actor
        public void loopThread(L_Result r) {
            r.r1 = loop.runUntilComplete(l -> {
                watch(l, false);
                return done;
            });
        }

        @Actor
        public void otherThread() {
            loop.callSoonThreadsafe(() -> done.complete("woken"));
            handedOver = true;
        }

        /** Every second: if the callback was handed over at the previous look and has not run, it was lost. */
        private void watch(EventLoop l, boolean handedOverAtLastLook) {
            l.callLater(Duration.ofSeconds(1), () -> {
                if (handedOverAtLastLook) {
                    done.complete("lost"); // no-op if the callback ran meanwhile
                } else if (!done.isDone()) {
                    watch(l, handedOver);
                }
            });
        }
    }

    /**
     * Two producers at once against the idle loop: only the first to clear {@code parked} unparks it, so
     * the second's callback must be seen by the loop's next look at its inbox. The two actors are the
     * producers (jcstress pins at most two actors on this 2-CPU machine); the loop runs on a thread of
     * its own, started with the state, so it is starting, going idle or parked when they hand over. The
     * verdict is {@link RacingIdle}'s watchdog over both callbacks; the arbiter waits for the loop's run.
     */
    @JCStressTest
    @Description("two callSoonThreadsafe calls racing each other to wake the idle loop: one unpark for both")
    @Outcome(id = "woken", expect = Expect.ACCEPTABLE, desc = "both callbacks ran")
    @Outcome(id = "lost", expect = Expect.FORBIDDEN, desc = "lost wake-up: the loop slept with work in its inbox")
    @State
    public static class TwoProducers {
        final EventLoop loop = EventLoop.create();
        final LoopFuture<String> done = loop.createFuture();
        final CompletableFuture<String> run = new CompletableFuture<>();
        /** Callbacks run so far; loop thread only. */
        int ran;
        volatile boolean firstHandedOver;
        volatile boolean secondHandedOver;

        public TwoProducers() {
            Thread loopThread = new Thread(() -> run.complete(loop.runUntilComplete(l -> {
                watch(l, false);
                return done;
            })), "stress-loop");
            loopThread.setDaemon(true);
            loopThread.start();
        }

        @Actor
        public void firstProducer() {
            loop.callSoonThreadsafe(this::ranOne);
            firstHandedOver = true;
        }

        @Actor
        public void secondProducer() {
            loop.callSoonThreadsafe(this::ranOne);
            secondHandedOver = true;
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = run.join(); // within about two watchdog periods: the watchdog decides "lost"
        }

        private void ranOne() {
            if (++ran == 2) {
                done.complete("woken");
            }
        }

        /** Every second: if both were handed over at the previous look and not both have run, one was lost. */
        private void watch(EventLoop l, boolean handedOverAtLastLook) {
            l.callLater(Duration.ofSeconds(1), () -> {
                if (handedOverAtLastLook) {
                    done.complete("lost"); // no-op if both ran meanwhile
                } else if (!done.isDone()) {
                    watch(l, firstHandedOver && secondHandedOver);
                }
            });
        }
    }

    /** The loop is parked without a timer (plain park): the signal must end the run. */
    @JCStressTest(Mode.Termination)
    @Description("callSoonThreadsafe to a loop parked with nothing scheduled")
    @Outcome(id = "TERMINATED", expect = Expect.ACCEPTABLE, desc = "the loop woke up and the run ended")
    @Outcome(id = "STALE", expect = Expect.FORBIDDEN, desc = "lost wake-up: the loop stayed parked")
    @State
    public static class Parked {
        final EventLoop loop = EventLoop.create();
        final LoopFuture<String> done = loop.createFuture();

        @Actor
        public void loopThread() {
            loop.runUntilComplete(l -> done);
        }

        @Signal
        public void otherThread() {
            loop.callSoonThreadsafe(() -> done.complete("woken"));
        }
    }
}
