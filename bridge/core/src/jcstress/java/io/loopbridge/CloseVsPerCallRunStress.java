package io.loopbridge;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * {@code close()} vs a PER_CALL {@code run} starting on another thread, whose body never completes. The
 * run writes its thread's slot and then reads {@code closed}; close() writes {@code closed} and then reads
 * the slots: the run is either refused (it saw the close first), or cancelled (by close(), or by itself on
 * seeing the close; the reason's message tells which). A run that neither saw the close nor was found by
 * it would wait out its timeout.
 */
@JCStressTest
@Description("close() vs a PER_CALL run on another thread: refused or cancelled, never left to its timeout")
@Outcome(id = "refused, inFlight0", expect = Expect.ACCEPTABLE, desc = "run saw the bridge closed: refused")
@Outcome(id = "cancelled by close, inFlight0", expect = Expect.ACCEPTABLE, desc = "close() found the run in its slot")
@Outcome(id = "cancelled as it started, inFlight0", expect = Expect.ACCEPTABLE,
        desc = "the run, in its slot, then saw the bridge closed")
@Outcome(id = "timed out, .*", expect = Expect.FORBIDDEN, desc = "close() missed a run in flight")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class CloseVsPerCallRunStress {
    final LoopBridge bridge = LoopBridge.builder().mode(BridgeMode.PER_CALL).name("jcstress")
            .timeout(Duration.ofSeconds(5)).build();
    volatile String outcome;

    @Actor
    public void caller() {
        try {
            bridge.run(l -> l.createFuture());
            outcome = "completed";
        } catch (CancellationException cancelled) { // before its supertype IllegalStateException
            String reason = String.valueOf(cancelled.getCause() == null ? null : cancelled.getCause().getMessage());
            outcome = reason.endsWith("as the call started") ? "cancelled as it started" : "cancelled by close";
        } catch (IllegalStateException closed) {
            outcome = "refused";
        } catch (LoopTimeoutException late) {
            outcome = "timed out";
        }
    }

    @Actor
    public void closer() {
        bridge.close();
    }

    @Arbiter
    public void arbiter(LL_Result r) {
        r.r1 = outcome;
        r.r2 = "inFlight" + bridge.stats().inFlight();
    }
}
