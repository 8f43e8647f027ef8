package io.loopbridge.demo;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delays without holding a thread, for the parts of the demo that do not run on a loop (the
 * downstream service, the {@code direct} baseline): one daemon thread {@code demo-timer}, stopped
 * when the web app is undeployed. (The JDK's {@code CompletableFuture.delayedExecutor} would start a
 * JVM-wide thread that outlives the web app.)
 *
 * <p>Threads: {@link #delay} and {@link #within} from any thread; the returned futures complete on the
 * timer thread.
 */
final class DemoTimer implements AutoCloseable {
    private final ScheduledThreadPoolExecutor timer;

    DemoTimer() {
        timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "demo-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Completes after {@code delay}. */
    CompletableFuture<Void> delay(Duration delay) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledFuture<?> scheduled = timer.schedule(() -> done.complete(null), delay.toNanos(), TimeUnit.NANOSECONDS);
        done.whenComplete((v, e) -> scheduled.cancel(false));
        return done;
    }

    /** The outcome of {@code stage}, or a {@link TimeoutException} after {@code timeout}, which cancels {@code stage}. */
    <T> CompletableFuture<T> within(CompletableFuture<T> stage, Duration timeout) {
        CompletableFuture<T> result = new CompletableFuture<>();
        stage.whenComplete((v, e) -> {
            if (e == null) {
                result.complete(v);
            } else {
                result.completeExceptionally(e);
            }
        });
        ScheduledFuture<?> expiry = timer.schedule(() -> {
            if (result.completeExceptionally(new TimeoutException("no answer within " + timeout.toMillis() + " ms"))) {
                stage.cancel(true); // aborts the HTTP exchange
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((v, e) -> expiry.cancel(false));
        return result;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
