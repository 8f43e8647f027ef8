package io.loopbridge;

import io.loopbridge.internal.Checks;
import io.loopbridge.internal.Failures;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@link EventLoop#withCleanup}: a {@code finally} that may await. The cleanup is registered on the
 * stage itself, not on a stage derived from it, so it runs however the stage ends, also when the
 * chain around it was cancelled from the top down. While its stage is pending the loop counts it,
 * and a loop being shut down waits for it within the grace (see {@code cancelPendingTasks}).
 * Registration on any thread; the cleanup and the completion of the result on the loop thread.
 */
final class Cleanup {
    private Cleanup() {}

    static <T> LoopFuture<T> guard(DefaultEventLoop loop, CompletionStage<T> stage,
            Supplier<? extends CompletionStage<?>> cleanup) {
        Checks.notNull(stage, "stage");
        Checks.notNull(cleanup, "cleanup");
        loop.checkOpen("withCleanup(stage, cleanup)");
        String what = loop.currentTask().map(t -> "the cleanup of task '" + t.name() + "'").orElse("a cleanup");
        LoopFuture<T> result = new LoopFuture<>(loop);
        result.await(LoopOps.futureOf(stage));
        LoopOps.onLoop(loop, stage, (value, failure) -> start(loop, result, value, failure, cleanup, what));
        return result;
    }

    /** Starts the cleanup once the stage has completed with {@code value} or {@code failure}. Loop thread. */
    private static <T> void start(DefaultEventLoop loop, LoopFuture<T> result, T value, Throwable failure,
            Supplier<? extends CompletionStage<?>> cleanup, String what) {
        CompletionStage<?> done;
        try {
            done = cleanup.get();
            if (done == null) {
                throw new NullPointerException(what + " returned null instead of a stage: return a completed stage"
                        + " (CompletableFuture.completedFuture(null)) when there is nothing to await");
            }
        } catch (Throwable t) {
            if (Failures.isFatal(t)) {
                throw (Error) t;
            }
            finish(loop, result, value, failure, t, what);
            return;
        }
        loop.cleanupsChanged(1);
        LoopOps.onLoop(loop, done, (ignored, cleanupFailure) -> {
            loop.cleanupsChanged(-1);
            finish(loop, result, value, failure, cleanupFailure, what);
        });
    }

    /**
     * Completes the result with the stage's outcome, or with the cleanup's failure (the stage's own
     * failure added as suppressed, as {@code try/finally} replaces it). A cleanup failure nobody can
     * see any more, because the result was cancelled, goes to the loop's exception handler. Loop thread.
     */
    private static <T> void finish(DefaultEventLoop loop, LoopFuture<T> result, T value, Throwable failure,
            Throwable cleanupFailure, String what) {
        if (cleanupFailure == null) {
            LoopOps.complete(result, value, failure);
            return;
        }
        Throwable cause = Failures.unwrap(cleanupFailure);
        Throwable original = failure == null ? null : Failures.unwrap(failure);
        if (original != null && original != cause) {
            cause.addSuppressed(original);
        }
        if (!result.completeExceptionally(cause)) {
            loop.reportCallbackFailure(what, cause);
        }
    }
}
