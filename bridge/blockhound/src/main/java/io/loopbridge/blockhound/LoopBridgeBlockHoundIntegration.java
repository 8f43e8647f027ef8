package io.loopbridge.blockhound;

import io.loopbridge.LoopManager;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Teaches BlockHound about loopbridge: a thread is non-blocking while it runs an event loop
 * ({@link LoopManager#isLoopThread()}: the shared loop thread, and a caller's or worker's thread for
 * the length of a per-call run), so a blocking call in a loop callback ({@code Thread.sleep}, a JDBC
 * query, a blocking HTTP client) fails with BlockHound's {@code BlockingOperationError} and its stack;
 * loopbridge's own waits are allowed: the loop parking for work, and the logging of a failed or (in
 * debug mode) slow callback. A caller parked in a bridge's {@code run} is not a loop thread, so it may wait.
 *
 * <p>Found by {@code BlockHound.install()} through {@link java.util.ServiceLoader}: add this artifact
 * in test scope. Threads: BlockHound calls the predicates on the thread making the blocking call;
 * since any thread may start a loop ({@code LoopManager.run}, a per-call bridge), every thread's
 * status is dynamic, checked at each of its blocking calls.
 */
public final class LoopBridgeBlockHoundIntegration implements BlockHoundIntegration {
    /** The loop class whose methods may block: they wait for work or write a log. */
    static final String LOOP_CLASS = "io.loopbridge.DefaultEventLoop";

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.addDynamicThreadPredicate(thread -> true);
        builder.nonBlockingThreadPredicate(others -> others.or(thread -> LoopManager.isLoopThread()));
        builder.allowBlockingCallsInside(LOOP_CLASS, "awaitWork");
        builder.allowBlockingCallsInside(LOOP_CLASS, "reportCallbackFailure");
        builder.allowBlockingCallsInside(LOOP_CLASS, "warnSlowCallback");
    }
}
