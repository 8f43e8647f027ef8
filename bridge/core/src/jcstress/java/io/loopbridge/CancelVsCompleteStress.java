package io.loopbridge;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;
import org.openjdk.jcstress.infra.results.LLL_Result;

/** Cancellation from another thread racing with completion, on tasks and on loop futures. */
public final class CancelVsCompleteStress {
    private CancelVsCompleteStress() {}

    /**
     * A task settling on the loop thread vs {@code task.cancel()} from another thread: exactly one
     * wins, cancel() says which, and either way the task leaves the loop's pending list (a cancelled
     * task unlinks itself through a callback handed to the loop).
     */
    @JCStressTest
    @Description("task settles on the loop thread vs task.cancel() from another thread")
    @Outcome(id = "cancel won, cancelled, unlinked", expect = Expect.ACCEPTABLE, desc = "cancelled before it settled")
    @Outcome(id = "cancel lost, value, unlinked", expect = Expect.ACCEPTABLE, desc = "settled before the cancel")
    @Outcome(id = ".*, still listed", expect = Expect.FORBIDDEN, desc = "a finished task leaks in the loop's pending list")
    @Outcome(id = "cancel won, value, .*", expect = Expect.FORBIDDEN, desc = "cancel() returned true but the value stuck")
    @Outcome(id = "cancel lost, cancelled, .*", expect = Expect.FORBIDDEN, desc = "cancel() returned false but it is cancelled")
    @State
    public static class TaskSettle {
        final EventLoop loop = EventLoop.create();
        final io.loopbridge.Task<String> task = loop.createTask(l -> l.await(CompletableFuture.completedFuture("v")));
        volatile boolean cancelWon;

        @Actor
        public void loopThread() {
            loop.runUntilComplete(l -> l.gatherSettled(List.of(task)));
        }

        @Actor
        public void canceller() {
            cancelWon = task.cancel(false);
        }

        @Arbiter
        public void outcome(LLL_Result r) {
            StressSupport.drain(loop);
            r.r1 = cancelWon ? "cancel won" : "cancel lost";
            r.r2 = StressSupport.state(task);
            r.r3 = loop.allTasks().isEmpty() ? "unlinked" : "still listed";
        }
    }

    /**
     * {@code loop.await(external)} vs cancelling the mirror: the external future is completed on one
     * thread (the mirror follows inline), the mirror cancelled on another (propagating to the external
     * one). The mirror never ends with a value when cancel() returned true, and never stays pending.
     */
    @JCStressTest
    @Description("external.complete() vs loop.await(external).cancel(), on two threads")
    @Outcome(id = "value, value", expect = Expect.ACCEPTABLE, desc = "completed and relayed before the cancel")
    @Outcome(id = "value, cancelled", expect = Expect.ACCEPTABLE, desc = "mirror cancelled, external completed anyway")
    @Outcome(id = "cancelled, cancelled", expect = Expect.ACCEPTABLE, desc = "cancel propagated before the completion")
    @Outcome(id = "cancelled, value", expect = Expect.FORBIDDEN, desc = "the mirror has a value its source never had")
    @Outcome(id = ".*pending.*", expect = Expect.FORBIDDEN, desc = "left pending")
    @State
    public static class AwaitMirror {
        final EventLoop loop = EventLoop.create();
        final CompletableFuture<String> external = new CompletableFuture<>();
        final LoopFuture<String> mirror = loop.await(external);

        @Actor
        public void completer() {
            external.complete("v");
        }

        @Actor
        public void canceller() {
            mirror.cancel(true);
        }

        @Arbiter
        public void outcome(LL_Result r) {
            r.r1 = StressSupport.state(external);
            r.r2 = StressSupport.state(mirror);
        }
    }
}
