package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Loop: task groups: the group completes when all children have; the first failure cancels
 * the siblings; every failure is reported (first as the exception, the rest suppressed).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskGroupTest {

    // ------------------------------------------------------------------ completion

    @Test
    void taskGroup_bodyDoneFirst_completesOnlyWhenEveryChildHas() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        List<String> log = new ArrayList<>();

        String value = loop.runUntilComplete(l -> {
            LoopFuture<String> group = l.taskGroup(g -> {
                g.spawn(in -> in.sleep(Duration.ofMillis(10)).thenRun(() -> log.add("child 10")));
                g.spawn(in -> in.sleep(Duration.ofMillis(30)).thenRun(() -> log.add("child 30")));
                return CompletableFuture.completedFuture("body value");
            });
            l.callSoon(() -> l.callSoon(() -> log.add(group.isDone() ? "done early" : "pending after body")));
            l.callSoon(() -> l.callSoon(() -> clock.advance(Duration.ofSeconds(1))));
            return group.thenApply(v -> {
                log.add("group");
                return v;
            });
        });

        assertThat(value).isEqualTo("body value");
        assertThat(log).containsExactly("pending after body", "child 10", "child 30", "group");
        loop.close();
    }

    @Test
    void taskGroup_childrenDoneFirst_completesWhenBodyStageDoes() {
        EventLoop loop = EventLoop.create();

        Object[] result = loop.runUntilComplete(l -> {
            AtomicReference<Task<String>> child = new AtomicReference<>();
            LoopFuture<String> group = l.taskGroup(g -> {
                child.set(g.spawn(in -> CompletableFuture.completedFuture("quick")));
                return l.sleep(Duration.ofMillis(5)).thenApply(x -> "body");
            });
            return group.thenApply(v -> new Object[] {v, child.get().join()});
        });

        assertThat(result).containsExactly("body", "quick");
        loop.close();
    }

    @Test
    void taskGroup_childSpawnsSibling_groupWaitsForItToo() {
        EventLoop loop = EventLoop.create();
        List<String> log = new ArrayList<>();

        loop.runUntilComplete(l -> l.taskGroup(g -> {
            g.spawn(in -> {
                g.spawn(in2 -> in2.sleep(Duration.ofMillis(5)).thenRun(() -> log.add("grandchild")));
                return CompletableFuture.completedFuture(null);
            });
            return CompletableFuture.completedFuture(null);
        }).thenRun(() -> log.add("group")));

        assertThat(log).containsExactly("grandchild", "group");
        loop.close();
    }

    // ------------------------------------------------------------------ failures

    @Test
    void taskGroup_childFails_siblingsAreCancelled() {
        EventLoop loop = EventLoop.create();
        List<Task<?>> siblings = new ArrayList<>();
        CompletableFuture<String> awaitedBySibling = new CompletableFuture<>();

        loop.runUntilComplete(l -> l.taskGroup(g -> {
            siblings.add(g.spawn("sleeper", in -> in.sleep(Duration.ofHours(1))));
            siblings.add(g.spawn("awaiter", in -> in.await(awaitedBySibling)));
            g.spawn("failing", in -> in.sleep(Duration.ofMillis(2)).thenApply(x -> {
                throw new IllegalStateException("boom");
            }));
            return CompletableFuture.completedFuture(null);
        }).handle((v, e) -> null));

        assertThat(siblings).allSatisfy(t -> assertThat(t.isCancelled()).as(t.name()).isTrue());
        assertThat(awaitedBySibling.isCancelled()).isTrue();
        assertThat(Internals.pendingTimers(loop)).isZero();
        loop.close();
    }

    @Test
    void taskGroup_childFails_bodyStageIsCancelled() {
        EventLoop loop = EventLoop.create();
        AtomicReference<LoopFuture<Void>> bodyStage = new AtomicReference<>();

        loop.runUntilComplete(l -> l.taskGroup(g -> {
            g.spawn(in -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
            bodyStage.set(l.sleep(Duration.ofHours(1)));
            return bodyStage.get();
        }).handle((v, e) -> null));

        assertThat(bodyStage.get().isCancelled()).isTrue();
        loop.close();
    }

    @Test
    void taskGroup_childFails_groupFailsWithThatException() {
        EventLoop loop = EventLoop.create();
        IOException boom = new IOException("boom");

        Throwable failure = loop.runUntilComplete(l -> l.taskGroup(g -> {
            g.spawn(in -> in.sleep(Duration.ofHours(1)));
            g.spawn(in -> in.sleep(Duration.ofMillis(1)).thenCompose(x -> CompletableFuture.failedFuture(boom)));
            return CompletableFuture.completedFuture(null);
        }).handle((v, e) -> e));

        assertThat(failure).isSameAs(boom);
        assertThat(failure.getSuppressed()).as("cancelled siblings are not failures").isEmpty();
        loop.close();
    }

    @Test
    void taskGroup_laterFailures_areAddedAsSuppressed() {
        // The body's stage cannot be cancelled (a minimal stage), so it still fails after the
        // first failure: that later failure must be reported too, as suppressed.
        EventLoop loop = EventLoop.create();
        IllegalStateException first = new IllegalStateException("first");
        IOException later = new IOException("later");
        CompletableFuture<Void> uncancellable = new CompletableFuture<>();

        Throwable failure = loop.runUntilComplete(l -> l.taskGroup(g -> {
            g.spawn(in -> in.sleep(Duration.ofMillis(1)).thenApply(x -> {
                l.callSoon(() -> uncancellable.completeExceptionally(later));
                throw first;
            }));
            return uncancellable.minimalCompletionStage();
        }).handle((v, e) -> e));

        assertThat(failure).isSameAs(first);
        assertThat(failure.getSuppressed()).containsExactly(later);
        loop.close();
    }

    @Test
    void taskGroup_bodyThrows_spawnedChildrenAreCancelledAndGroupFails() {
        EventLoop loop = EventLoop.create();
        IllegalStateException boom = new IllegalStateException("boom");
        AtomicReference<Task<Void>> child = new AtomicReference<>();

        Throwable failure = loop.runUntilComplete(l -> l.taskGroup(g -> {
            child.set(g.spawn(in -> in.sleep(Duration.ofHours(1))));
            throw boom;
        }).handle((v, e) -> e));

        assertThat(failure).isSameAs(boom);
        assertThat(child.get().isCancelled()).isTrue();
        loop.close();
    }

    @Test
    void taskGroup_childCancelledByUser_isNotAFailure() {
        EventLoop loop = EventLoop.create();

        String value = loop.runUntilComplete(l -> l.taskGroup(g -> {
            Task<Void> child = g.spawn(in -> in.sleep(Duration.ofHours(1)));
            g.spawn(in -> CompletableFuture.completedFuture("sibling"));
            l.callSoon(() -> child.cancel(false));
            return CompletableFuture.completedFuture("ok");
        }));

        assertThat(value).isEqualTo("ok");
        loop.close();
    }

    // ------------------------------------------------------------------ cancellation of the group

    @Test
    void taskGroup_cancelled_cancelsEveryChild() {
        EventLoop loop = EventLoop.create();
        List<Task<?>> children = new ArrayList<>();

        loop.runUntilComplete(l -> {
            LoopFuture<Object> group = l.taskGroup(g -> {
                children.add(g.spawn(in -> in.sleep(Duration.ofHours(1))));
                children.add(g.spawn(in -> in.createFuture()));
                return l.createFuture();
            });
            return l.sleep(Duration.ofMillis(1)).thenApply(x -> group.cancel(false));
        });

        assertThat(children).hasSize(2).allSatisfy(t -> assertThat(t.isCancelled()).isTrue());
        loop.close();
    }

    @Test
    void taskGroup_cancelledFromAnotherThread_cancelsEveryChild() throws Exception {
        EventLoop loop = EventLoop.create();
        List<Task<?>> children = new ArrayList<>();
        try (LoopThread lt = LoopThread.start(loop)) {
            LoopFuture<Object> group = lt.call(() -> loop.taskGroup(g -> {
                children.add(g.spawn(in -> in.sleep(Duration.ofHours(1))));
                return loop.createFuture();
            }));

            group.cancel(false);

            Task<?> child = lt.call(() -> children.get(0));
            child.handle((v, e) -> null).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(child.isCancelled()).isTrue();
        }
    }

    // ------------------------------------------------------------------ spawn rules

    @Test
    void spawn_offLoopThread_throwsIllegalState() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            AtomicReference<TaskGroup> leaked = new AtomicReference<>();
            lt.run(() -> loop.taskGroup(g -> {
                leaked.set(g);
                return loop.createFuture();
            }));

            assertThatThrownBy(() -> leaked.get().spawn(in -> CompletableFuture.completedFuture(1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(Thread.currentThread().getName())
                    .hasMessageContaining(loop.name());
        }
    }

    @Test
    void spawn_afterGroupCompleted_throwsIllegalState() {
        EventLoop loop = EventLoop.create();
        AtomicReference<TaskGroup> leaked = new AtomicReference<>();

        Throwable refused = loop.runUntilComplete(l -> l.taskGroup(g -> {
            leaked.set(g);
            return CompletableFuture.completedFuture(null);
        }).thenApply(x -> catchThrowable(() -> leaked.get().spawn(in -> CompletableFuture.completedFuture(1)))));

        assertThat(refused).isInstanceOf(IllegalStateException.class).hasMessageContaining("completed");
        loop.close();
    }

    @Test
    void spawn_nullBody_throwsNpeNamingBody() {
        EventLoop loop = EventLoop.create();

        Throwable refused = loop.runUntilComplete(l -> l.taskGroup(g -> CompletableFuture.completedFuture(
                catchThrowable(() -> g.spawn(null)))));

        assertThat(refused).isInstanceOf(NullPointerException.class).hasMessage("body must not be null");
        loop.close();
    }

    @Test
    void taskGroup_bodyReturnsStage_resultIsStageOfSameLoop() {
        EventLoop loop = EventLoop.create();

        CompletionStage<String> group = loop.runUntilComplete(l -> CompletableFuture.completedFuture(
                l.taskGroup(g -> CompletableFuture.completedFuture("x"))));

        assertThat(group).isInstanceOfSatisfying(LoopFuture.class, f -> assertThat(f.loop()).isSameAs(loop));
        loop.close();
    }
}
