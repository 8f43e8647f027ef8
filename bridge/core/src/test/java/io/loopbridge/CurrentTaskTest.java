package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link EventLoop#currentTask()}: the task whose code runs now, as asyncio's current_task(). */
class CurrentTaskTest {

    @Test
    void isTheTaskWhileItsBodyRuns() {
        try (EventLoop loop = EventLoop.create()) {
            AtomicReference<Optional<Task<?>>> seen = new AtomicReference<>();
            Task<?> task = loop.runUntilComplete(l -> {
                Task<Void> t = l.createTask("body", inner -> {
                    seen.set(inner.currentTask());
                    return CompletableFuture.completedFuture(null);
                });
                return t.thenApply(v -> t);
            });
            assertThat(seen.get()).containsSame(task);
        }
    }

    @Test
    void isTheTaskInContinuationsAfterAwaitingATimerOrAFuture() {
        try (EventLoop loop = EventLoop.create()) {
            LoopFuture<String> external = loop.createFuture();
            AtomicReference<Optional<Task<?>>> afterSleep = new AtomicReference<>();
            AtomicReference<Optional<Task<?>>> afterFuture = new AtomicReference<>();
            Task<String> task = loop.createTask("fetch", l -> l.sleep(Duration.ofMillis(1))
                    .thenCompose(v -> {
                        afterSleep.set(l.currentTask());
                        new Thread(() -> external.complete("x")).start();
                        return l.await(external);
                    })
                    .whenComplete((v, e) -> afterFuture.set(l.currentTask())));
            loop.runUntilComplete(l -> task);
            assertThat(afterSleep.get()).containsSame(task);
            assertThat(afterFuture.get()).containsSame(task);
        }
    }

    @Test
    void aNestedTaskIsItsOwnCurrentTaskAndTheParentResumesAsItself() {
        try (EventLoop loop = EventLoop.create()) {
            AtomicReference<Optional<Task<?>>> inChild = new AtomicReference<>();
            AtomicReference<Optional<Task<?>>> parentAfter = new AtomicReference<>();
            AtomicReference<Task<?>> child = new AtomicReference<>();
            Task<Void> parent = loop.createTask("parent", l -> {
                Task<Void> c = l.createTask("child", inner -> {
                    inChild.set(inner.currentTask());
                    return CompletableFuture.completedFuture(null);
                });
                child.set(c);
                return c.thenRun(() -> parentAfter.set(l.currentTask()));
            });
            loop.runUntilComplete(l -> parent);
            assertThat(inChild.get()).containsSame(child.get());
            assertThat(parentAfter.get()).containsSame(parent);
        }
    }

    @Test
    void isEmptyInAPlainCallbackAndOffTheLoopThread() {
        try (EventLoop loop = EventLoop.create()) {
            AtomicReference<Optional<Task<?>>> inCallback = new AtomicReference<>();
            loop.callSoon(() -> inCallback.set(loop.currentTask()));
            loop.callSoon(loop::stop);
            loop.runForever();
            assertThat(inCallback.get()).isEmpty();
            assertThat(loop.currentTask()).isEmpty();
        }
    }

    @Test
    void isEmptyInACallbackRegisteredOutsideTheTaskAfterItCompleted() {
        try (EventLoop loop = EventLoop.create()) {
            AtomicReference<Optional<Task<?>>> onCompletion = new AtomicReference<>();
            Task<Void> task = loop.createTask("done", l -> CompletableFuture.completedFuture(null));
            loop.callSoon(() -> task.whenComplete((v, e) -> onCompletion.set(loop.currentTask())));
            loop.runUntilComplete(l -> task.thenCompose(v -> l.sleep(Duration.ZERO)));
            assertThat(task).isDone();
            assertThat(onCompletion.get()).isEmpty();
            assertThat(loop.currentTask()).isEmpty();
        }
    }
}
