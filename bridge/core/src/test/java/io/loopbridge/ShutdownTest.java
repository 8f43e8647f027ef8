package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Event loop and Bridge: a loop shut down by {@code LoopManager.run} or a per-call bridge
 * call runs what the body's last step scheduled once (a leftover takes its first step), then cancels
 * the leftovers and waits for their async cleanups within the grace; a cleanup failing meanwhile
 * reaches the exception handler as an "unhandled exception during shutdown of loop"; a shared
 * bridge's {@code close()} waits for the cleanups of the calls it cancels.
 */
class ShutdownTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Duration ONE_MS = Duration.ofMillis(1);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    /** The ways to run a body on a fresh loop that is shut down afterwards. */
    enum FreshLoop {
        LOOP_MANAGER, PER_CALL, PER_CALL_POOLED;

        String run(BridgeFixture fx, AsyncCallable<String> body) {
            if (this == LOOP_MANAGER) {
                return LoopManager.run(body);
            }
            return fx.bridge(BridgeMode.valueOf(name()), b -> b.timeout(TIMEOUT)).run(body);
        }
    }

    /** A body that leaves task 'audit' behind, created in its last step, guarded by {@code cleanup}. */
    private static AsyncCallable<String> leavesAudit(List<String> events, AtomicReference<Task<Object>> audit,
            Supplier<CompletionStage<?>> cleanup) {
        return l -> {
            audit.set(l.createTask("audit", t -> {
                events.add("first step");
                return t.withCleanup(t.createFuture(), cleanup);
            }));
            return CompletableFuture.completedFuture("body done");
        };
    }

    @ParameterizedTest
    @EnumSource(FreshLoop.class)
    void aLeftoverCreatedInTheLastStep_takesItsFirstStep_thenItsCleanupRunsOnCancellation(FreshLoop how) {
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicReference<Task<Object>> audit = new AtomicReference<>();

        String value = how.run(fx, leavesAudit(events, audit, () -> {
            events.add("cleanup");
            return CompletableFuture.completedFuture(null);
        }));

        assertThat(value).isEqualTo("body done");
        assertThat(events).containsExactly("first step", "cleanup");
        assertThat(audit.get()).isCancelled();
    }

    @ParameterizedTest
    @EnumSource(FreshLoop.class)
    void aLeftoversAsyncCleanup_isAwaitedBeforeTheLoopCloses(FreshLoop how) {
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicReference<EventLoop> loop = new AtomicReference<>();

        how.run(fx, l -> {
            loop.set(l);
            return leavesAudit(events, new AtomicReference<>(),
                    () -> l.sleep(ONE_MS).thenRun(() -> events.add("cleaned after a timer"))).call(l);
        });

        assertThat(events).containsExactly("first step", "cleaned after a timer");
        assertThat(loop.get().isClosed()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(FreshLoop.class)
    void aCleanupFailingDuringShutdown_reachesTheExceptionHandler(FreshLoop how) {
        List<String> reports = new CopyOnWriteArrayList<>();
        AtomicReference<String> loopName = new AtomicReference<>();

        how.run(fx, l -> {
            loopName.set(l.name());
            l.setExceptionHandler((loop, callback, failure) -> reports.add(callback + " -> " + failure.getMessage()));
            return leavesAudit(new CopyOnWriteArrayList<>(), new AtomicReference<>(),
                    () -> CompletableFuture.failedFuture(new IllegalStateException("lease not released"))).call(l);
        });

        assertThat(reports).containsExactly("unhandled exception during shutdown of loop '" + loopName.get()
                + "': the cleanup of task 'audit' -> lease not released");
    }

    @Test
    void aCleanupThatNeverEnds_holdsTheShutdownNoLongerThanTheGrace() {
        List<String> events = new CopyOnWriteArrayList<>();

        String value = assertTimeoutPreemptively(TIMEOUT, () -> LoopManager.run(leavesAudit(events,
                new AtomicReference<>(), () -> {
                    events.add("cleanup started");
                    return new CompletableFuture<>();
                })));

        assertThat(value).isEqualTo("body done");
        assertThat(events).containsExactly("first step", "cleanup started");
    }

    @Test
    void sharedClose_waitsForTheAsyncCleanupOfACallItCancels() throws InterruptedException {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        bridge.submit(l -> {
            started.countDown();
            return l.withCleanup(l.<String>createFuture(),
                    () -> l.sleep(ONE_MS).thenRun(() -> events.add("cleaned on " + Thread.currentThread().getName())));
        });
        assertThat(started.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        bridge.close();

        assertThat(events).singleElement().asString().startsWith("cleaned on ").contains(bridge.name());
    }
}
