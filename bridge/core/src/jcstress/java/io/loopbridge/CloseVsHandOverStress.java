package io.loopbridge;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * close() of an idle loop vs another thread handing it work. {@code DefaultEventLoop.dispatch} offers
 * to the inbox and then re-checks the state: a producer that raced with close() either is refused with
 * RejectedExecutionException or its work is discarded by close() (a task cancelled, so whoever waits
 * for it is released); nothing stays in the inbox of a closed loop, and no task is left pending.
 */
public final class CloseVsHandOverStress {
    private CloseVsHandOverStress() {}

    @JCStressTest
    @Description("close() vs createTask from another thread: the task is refused or cancelled, never left pending")
    @Outcome(id = "rejected, inbox empty", expect = Expect.ACCEPTABLE, desc = "createTask saw the close: refused")
    @Outcome(id = "cancelled, inbox empty", expect = Expect.ACCEPTABLE, desc = "accepted, then cancelled by close()")
    @Outcome(id = "pending, .*", expect = Expect.FORBIDDEN, desc = "a task of a closed loop left pending forever")
    @Outcome(id = ".*, inbox holds work", expect = Expect.FORBIDDEN, desc = "a closed loop keeps work it will never run")
    @State
    public static class CreateTask {
        final EventLoop loop = EventLoop.create();
        volatile Task<String> task;
        volatile boolean rejected;

        @Actor
        public void closer() {
            loop.close();
        }

        @Actor
        public void producer() {
            try {
                task = loop.createTask(l -> CompletableFuture.completedFuture("ran"));
            } catch (RejectedExecutionException closed) {
                rejected = true;
            }
        }

        @Arbiter
        public void outcome(LL_Result r) {
            r.r1 = rejected ? "rejected" : StressSupport.state(task);
            r.r2 = StressSupport.inboxEmpty(loop) ? "inbox empty" : "inbox holds work";
        }
    }

    @JCStressTest
    @Description("close() vs callSoonThreadsafe from another thread: refused, or accepted and dropped by close()")
    @Outcome(id = "rejected, not run, inbox empty", expect = Expect.ACCEPTABLE, desc = "callSoonThreadsafe saw the close")
    @Outcome(id = "accepted, not run, inbox empty", expect = Expect.ACCEPTABLE,
            desc = "scheduled before the close, which drops it (as documented)")
    @Outcome(id = ".*, inbox holds work", expect = Expect.FORBIDDEN, desc = "a closed loop keeps a callback it will never run")
    @State
    public static class CallSoonThreadsafe {
        final EventLoop loop = EventLoop.create();
        volatile boolean rejected;
        volatile boolean ran;

        @Actor
        public void closer() {
            loop.close();
        }

        @Actor
        public void producer() {
            try {
                loop.callSoonThreadsafe(() -> ran = true);
            } catch (RejectedExecutionException closed) {
                rejected = true;
            }
        }

        @Arbiter
        public void outcome(LL_Result r) {
            r.r1 = (rejected ? "rejected" : "accepted") + (ran ? ", run" : ", not run");
            r.r2 = StressSupport.inboxEmpty(loop) ? "inbox empty" : "inbox holds work";
        }
    }
}
