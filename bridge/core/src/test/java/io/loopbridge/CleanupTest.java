package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Contract, Event loop: {@code withCleanup(stage, cleanup)} is a {@code try/finally} whose
 * {@code finally} may await; it runs however the stage ends, also on cancellation from the top down
 * (the {@link Task} javadoc's do / do-not example).
 */
class CleanupTest {
    private static final Duration ONE_HOUR = Duration.ofHours(1);
    private static final Duration ONE_MS = Duration.ofMillis(1);

    @Test
    void theResultWaitsForTheCleanupAndKeepsTheStagesValue() {
        List<String> events = new CopyOnWriteArrayList<>();

        String value = LoopManager.run(l -> l.withCleanup(l.sleep(ONE_MS).thenApply(v -> "value"),
                () -> l.sleep(ONE_MS).thenRun(() -> events.add("cleaned")))
                .whenComplete((v, e) -> events.add("result " + v)));

        assertThat(value).isEqualTo("value");
        assertThat(events).containsExactly("cleaned", "result value");
    }

    @Test
    void aFailedStage_runsTheCleanupAndKeepsItsFailure() {
        IllegalStateException boom = new IllegalStateException("boom");
        List<String> events = new CopyOnWriteArrayList<>();

        Throwable thrown = catchThrowable(() -> LoopManager.run(l -> l.withCleanup(
                CompletableFuture.<String>failedFuture(boom),
                () -> l.sleep(ONE_MS).thenRun(() -> events.add("cleaned")))));

        assertThat(thrown).isSameAs(boom);
        assertThat(events).containsExactly("cleaned");
    }

    @Test
    void aFailingCleanup_replacesTheOutcome_withTheStagesFailureSuppressed() {
        IllegalStateException boom = new IllegalStateException("boom");
        UncheckedIOException cleanupFailed = new UncheckedIOException(new IOException("release failed"));

        Throwable thrown = catchThrowable(() -> LoopManager.run(l -> l.withCleanup(
                CompletableFuture.<String>failedFuture(boom),
                () -> CompletableFuture.failedFuture(cleanupFailed))));

        assertThat(thrown).isSameAs(cleanupFailed);
        assertThat(cleanupFailed.getSuppressed()).containsExactly(boom);
    }

    @Test
    void aCleanupReturningNull_failsTheResult_namingTheTaskAndTheFix() {
        Throwable thrown = catchThrowable(() -> LoopManager.run(l -> l.createTask("release-lease",
                in -> in.withCleanup(CompletableFuture.completedFuture("v"), () -> null))));

        assertThat(thrown).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("the cleanup of task 'release-lease' returned null")
                .hasMessageContaining("CompletableFuture.completedFuture(null)");
    }

    @Test
    void cancellation_skipsAStageDerivedInTheChain_butRunsTheCleanup() {
        List<String> events = new CopyOnWriteArrayList<>();

        List<Task<String>> tasks = LoopManager.run(l -> {
            LoopFuture<Void> released = l.createFuture();
            Task<String> t1 = l.createTask(in -> in.sleep(ONE_HOUR)
                    .handle((v, e) -> {
                        events.add("handled");
                        return "done";
                    }));
            Task<String> t2 = l.createTask(in -> in.withCleanup(in.sleep(ONE_HOUR).thenApply(v -> "done"),
                    () -> in.sleep(ONE_MS).thenRun(() -> {
                        events.add("released on " + (in.inLoopThread() ? "the loop" : "another thread"));
                        released.complete(null);
                    })));
            return l.sleep(ONE_MS).thenCompose(started -> {
                t1.cancel(false);
                t2.cancel(false);
                return released;
            }).thenApply(v -> List.of(t1, t2));
        });

        assertThat(tasks).allMatch(Task::isCancelled);
        assertThat(events).containsExactly("released on the loop");
    }

    @Test
    void aCleanupFailingAfterCancellation_reachesTheExceptionHandler() {
        List<String> reports = new CopyOnWriteArrayList<>();
        IllegalStateException cleanupFailed = new IllegalStateException("release failed");

        LoopManager.run(l -> {
            l.setExceptionHandler((loop, callback, failure) -> reports.add(callback + " -> " + failure.getMessage()));
            LoopFuture<Void> reported = l.createFuture();
            Task<String> task = l.createTask("lease", in -> in.withCleanup(in.sleep(ONE_HOUR).thenApply(v -> "done"),
                    () -> {
                        l.callSoon(() -> reported.complete(null));
                        return CompletableFuture.failedFuture(cleanupFailed);
                    }));
            return l.sleep(ONE_MS).thenCompose(started -> {
                task.cancel(false);
                return reported;
            });
        });

        assertThat(reports).containsExactly("the cleanup of task 'lease' -> release failed");
    }

    @Test
    void cancellingTheResult_cancelsTheStage() {
        try (EventLoop loop = EventLoop.create()) {
            LoopFuture<String> inner = loop.createFuture();
            LoopFuture<String> result = loop.withCleanup(inner, () -> CompletableFuture.completedFuture(null));

            result.cancel(false);

            assertThat(inner).isCancelled();
        }
    }

    @Test
    void onAClosedLoop_isRefused() {
        EventLoop loop = EventLoop.create();
        loop.close();

        Throwable thrown = catchThrowable(() -> loop.withCleanup(new CompletableFuture<>(),
                () -> CompletableFuture.completedFuture(null)));

        assertThat(thrown).isInstanceOf(java.util.concurrent.RejectedExecutionException.class)
                .hasMessageContaining("is closed").hasMessageContaining("withCleanup");
    }

    @Test
    void theStagesCancellation_isTheOutcomeWhenTheCleanupSucceeds() {
        Throwable thrown = catchThrowable(() -> LoopManager.run(l -> {
            LoopFuture<String> inner = l.createFuture();
            LoopFuture<String> guarded = l.withCleanup(inner, () -> l.sleep(ONE_MS));
            inner.cancel(false);
            return guarded;
        }));

        assertThat(thrown).isInstanceOf(CancellationException.class);
    }
}
