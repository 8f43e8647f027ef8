package io.loopbridge;

import io.loopbridge.internal.Failures;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * A bridge call ends exactly once, whichever thread ends it: the body's outcome (a loop thread) racing
 * with the timeout (the caller or the library timer) or with the caller's cancel. The winner releases
 * the in-flight slot and counts the call once; the outcome the caller sees matches what was counted.
 * This is what makes {@code calls = successes + failures + timeouts + rejections + nestedRefusals} hold.
 */
public final class BridgeCallFinishStress {
    private BridgeCallFinishStress() {}

    /** A call as {@code LoopBridge.run} admits it (one call, one slot) on a bridge of its own, which starts no thread. */
    abstract static class AdmittedCall {
        final LoopBridge bridge = LoopBridge.builder().mode(BridgeMode.PER_CALL).name("jcstress").build();
        final BridgeCall<String> call = new BridgeCall<>(bridge, bridge.runner,
                l -> CompletableFuture.completedFuture("v"), null, Duration.ofSeconds(1));

        AdmittedCall() {
            bridge.counters.calls.increment();
            bridge.counters.inFlight.incrementAndGet();
        }

        /** What the caller sees ("value", "timed out", "cancelled"), then the counts of the bridge. */
        void outcome(LL_Result r) {
            Throwable failure = Failures.failureOf(call.future);
            r.r1 = failure == null ? "value" : failure instanceof LoopTimeoutException ? "timed out"
                    : failure instanceof CancellationException ? "cancelled" : failure.toString();
            BridgeStats s = bridge.stats();
            r.r2 = "s" + s.successes() + " t" + s.timeouts() + " f" + s.failures() + " inFlight" + s.inFlight();
        }
    }

    @JCStressTest
    @Description("the body's value vs the timeout, on two threads")
    @Outcome(id = "value, s1 t0 f0 inFlight0", expect = Expect.ACCEPTABLE, desc = "the body won")
    @Outcome(id = "timed out, s0 t1 f0 inFlight0", expect = Expect.ACCEPTABLE, desc = "the timeout won")
    @Outcome(expect = Expect.FORBIDDEN, desc = "ended twice, not at all, or counted unlike what the caller saw")
    @State
    public static class ValueVsTimeout extends AdmittedCall {
        @Actor
        public void body() {
            call.finish("v", null);
        }

        @Actor
        public void timeout() {
            call.expire();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            outcome(r);
        }
    }

    @JCStressTest
    @Description("the body's value vs the caller cancelling the submit future, on two threads")
    @Outcome(id = "value, s1 t0 f0 inFlight0", expect = Expect.ACCEPTABLE, desc = "the body won")
    @Outcome(id = "cancelled, s0 t0 f1 inFlight0", expect = Expect.ACCEPTABLE, desc = "the cancel won")
    @Outcome(expect = Expect.FORBIDDEN, desc = "ended twice, not at all, or counted unlike what the caller saw")
    @State
    public static class ValueVsCancel extends AdmittedCall {
        @Actor
        public void body() {
            call.finish("v", null);
        }

        @Actor
        public void caller() {
            call.future.cancel(true);
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            outcome(r);
        }
    }
}
