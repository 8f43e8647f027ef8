package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Bridge: PER_CALL (and PER_CALL_POOLED, a fresh loop per call too): tasks still pending
 * when the body completes are cancelled and awaited briefly (their cancellation handlers run), then
 * the loop is closed; their count shows in the stats; a warning names them, once per bridge.
 */
class PerCallLeftoversTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();
    @RegisterExtension
    final LogCapture log = LogCapture.of(LoopBridge.class);

    /**
     * A body that starts a task named {@code name}, which waits forever and records (on the loop)
     * how its wait ended; the body completes once the task has started.
     */
    private static AsyncCallable<String> leavesTaskBehind(String name, List<String> handlers,
            AtomicReference<Task<Object>> task) {
        return l -> {
            LoopFuture<Void> taskStarted = l.createFuture();
            task.set(l.createTask(name, t -> {
                LoopFuture<Object> forever = t.createFuture();
                forever.whenComplete((v, e) -> handlers.add(name + ":" + (e instanceof CancellationException
                        ? "cancelled" : String.valueOf(e)) + (t.inLoopThread() ? " on loop" : " off loop")));
                taskStarted.complete(null);
                return forever;
            }));
            return taskStarted.thenApply(x -> "body done");
        };
    }

    // ------------------------------------------------------------------ leftovers are cancelled

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"PER_CALL", "PER_CALL_POOLED"})
    void leftoverTask_isCancelledWhenBodyCompletes(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));
        AtomicReference<Task<Object>> task = new AtomicReference<>();

        String value = bridge.run(leavesTaskBehind("fetch-prices", new CopyOnWriteArrayList<>(), task));

        assertThat(value).isEqualTo("body done");
        assertThat(task.get()).isCancelled();
    }

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"PER_CALL", "PER_CALL_POOLED"})
    void leftoverTask_cancellationHandlerRunsOnLoopBeforeRunReturns(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));
        List<String> handlers = new CopyOnWriteArrayList<>();

        bridge.run(leavesTaskBehind("fetch-prices", handlers, new AtomicReference<>()));

        assertThat(handlers).containsExactly("fetch-prices:cancelled on loop");
    }

    @Test
    void perCallSubmit_leftoverTaskCancelledAndHandlerRun() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL, b -> b.timeout(TIMEOUT));
        List<String> handlers = new CopyOnWriteArrayList<>();
        AtomicReference<Task<Object>> task = new AtomicReference<>();

        CompletableFuture<String> future = bridge.submit(leavesTaskBehind("audit", handlers, task));

        assertThat(future).succeedsWithin(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> bridge.stats().loopsClosed() == 1);
        assertThat(task.get()).isCancelled();
        assertThat(handlers).containsExactly("audit:cancelled on loop");
    }

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"PER_CALL", "PER_CALL_POOLED"})
    void leftoverTasks_loopClosedAfterwards(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));
        AtomicReference<EventLoop> loop = new AtomicReference<>();

        bridge.run(l -> {
            loop.set(l);
            return leavesTaskBehind("t", new CopyOnWriteArrayList<>(), new AtomicReference<>()).call(l);
        });

        assertThat(loop.get().isClosed()).isTrue();
        assertThat(bridge.stats().loopsClosed()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ counted and reported

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"PER_CALL", "PER_CALL_POOLED"})
    void leftoverTasks_countedInStats(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(TIMEOUT));

        bridge.run(l -> {
            leavesTaskBehind("a", new CopyOnWriteArrayList<>(), new AtomicReference<>()).call(l);
            return leavesTaskBehind("b", new CopyOnWriteArrayList<>(), new AtomicReference<>()).call(l);
        });
        bridge.run(leavesTaskBehind("c", new CopyOnWriteArrayList<>(), new AtomicReference<>()));

        assertThat(bridge.stats().leftoverTasksCancelled()).isEqualTo(3);
    }

    @Test
    void noLeftovers_nothingCountedOrLogged() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL, b -> b.timeout(TIMEOUT));

        bridge.run(l -> l.createTask("awaited", t -> t.sleep(Duration.ofMillis(1))));

        assertThat(bridge.stats().leftoverTasksCancelled()).isZero();
        assertThat(log.events(Level.WARN)).isEmpty();
    }

    @Test
    void leftoverTasks_warnedOnceWithTaskNames() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL, b -> b.timeout(TIMEOUT));

        bridge.run(leavesTaskBehind("send-email", new CopyOnWriteArrayList<>(), new AtomicReference<>()));
        bridge.run(leavesTaskBehind("send-email", new CopyOnWriteArrayList<>(), new AtomicReference<>()));
        bridge.run(leavesTaskBehind("warm-cache", new CopyOnWriteArrayList<>(), new AtomicReference<>()));

        List<String> warnings = log.messages(Level.WARN);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains(bridge.name()).contains("send-email").contains("1 task(s)");
    }

    @Test
    void shared_taskLeftByCall_isNotCancelled() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT));
        AtomicReference<Task<Object>> task = new AtomicReference<>();

        bridge.run(leavesTaskBehind("background", new CopyOnWriteArrayList<>(), task));
        String next = bridge.run(l -> CompletableFuture.completedFuture("next"));

        assertThat(next).isEqualTo("next");
        assertThat(task.get()).isNotDone();
        assertThat(bridge.stats().leftoverTasksCancelled()).isZero();
    }
}
