package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Loop: debug mode: a callback slower than a threshold (default 100 ms) is logged with its
 * name and duration; a task that failed and was never awaited is reported; allTasks() lists the
 * loop's pending tasks by name.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DebugModeTest {

    /** A callback named {@code name} that "takes" {@code took} on the fake clock. */
    private static Runnable slow(String name, FakeClock clock, Duration took) {
        return new Runnable() {
            @Override
            public void run() {
                clock.advance(took);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    private static void runCallback(EventLoop loop, Runnable callback) {
        loop.runUntilComplete(l -> {
            l.callSoon(callback);
            LoopFuture<Void> done = l.createFuture();
            l.callSoon(() -> done.complete(null));
            return done;
        });
    }

    // ------------------------------------------------------------------ slow callbacks

    @Test
    void debug_callbackSlowerThanDefaultThreshold_isLoggedWithNameAndDuration() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().name("debug-loop").clock(clock).debug(true).build();

        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            runCallback(loop, slow("parse-big-json", clock, Duration.ofMillis(150)));

            List<String> warnings = log.messages(Level.WARN);
            assertThat(warnings).singleElement().asString()
                    .contains("debug-loop", "parse-big-json", "took 150 ms", "threshold 100 ms");
        }
        loop.close();
    }

    @Test
    void debug_callbackAtDefaultThreshold_isNotLogged() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).debug(true).build();

        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            runCallback(loop, slow("quick-enough", clock, Duration.ofMillis(100)));

            assertThat(log.events(Level.WARN)).isEmpty();
        }
        loop.close();
    }

    @Test
    void debug_customThreshold_logsCallbacksSlowerThanIt() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).debug(true).build();
        loop.setSlowCallbackThreshold(Duration.ofMillis(10));

        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            runCallback(loop, slow("eleven-ms", clock, Duration.ofMillis(11)));

            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("eleven-ms", "took 11 ms", "threshold 10 ms");
        }
        loop.close();
    }

    @Test
    void debug_slowTaskStep_isLoggedWithTheTaskName() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).debug(true).build();

        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            loop.runUntilComplete(l -> l.createTask("report-builder", in -> {
                clock.advance(Duration.ofMillis(250));
                return CompletableFuture.completedFuture(null);
            }));

            assertThat(log.messages(Level.WARN)).anySatisfy(m -> assertThat(m)
                    .contains("task 'report-builder'", "took 250 ms"));
        }
        loop.close();
    }

    @Test
    void debugOff_slowCallback_isNotLogged() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();

        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            runCallback(loop, slow("unwatched", clock, Duration.ofSeconds(5)));

            assertThat(loop.isDebug()).isFalse();
            assertThat(log.events()).isEmpty();
        }
        loop.close();
    }

    @Test
    void setDebug_onRunningLoop_takesEffect() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();

        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            loop.runUntilComplete(l -> {
                l.setDebug(true);
                l.callSoon(slow("after-switch", clock, Duration.ofMillis(200)));
                return l.sleep(Duration.ZERO).thenCompose(x -> l.sleep(Duration.ZERO));
            });

            assertThat(loop.isDebug()).isTrue();
            assertThat(log.messages(Level.WARN)).anySatisfy(m -> assertThat(m).contains("after-switch"));
        }
        loop.close();
    }

    // ------------------------------------------------------------------ never-retrieved task failures

    @Test
    void debug_failedTaskNeverRetrieved_isReportedWhenCollected() {
        EventLoop loop = EventLoop.builder().name("gc-loop").debug(true).build();

        try (LogCapture log = LogCapture.of(Task.class)) {
            WeakReference<Task<?>> orphan = loop.runUntilComplete(l -> {
                Task<Object> t = l.createTask("orphan-task", in -> CompletableFuture.failedFuture(
                        new IllegalStateException("nobody looked")));
                WeakReference<Task<?>> ref = new WeakReference<>(t);
                return l.sleep(Duration.ofMillis(1)).thenApply(x -> ref);
            });
            assertThat(orphan.refersTo(null)).isFalse();

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                System.gc();
                return !log.events(Level.ERROR).isEmpty();
            });

            ILoggingEvent report = log.events(Level.ERROR).get(0);
            assertThat(report.getFormattedMessage()).contains("gc-loop", "orphan-task", "never retrieved");
            assertThat(report.getThrowableProxy().getMessage()).isEqualTo("nobody looked");
            assertThat(orphan.refersTo(null)).isTrue();
        }
        loop.close();
    }

    @Test
    void debug_failedTaskRetrievedAfterFailing_isNotReported() {
        EventLoop loop = EventLoop.builder().debug(true).build();

        try (LogCapture log = LogCapture.of(Task.class)) {
            WeakReference<?>[] refs = loop.runUntilComplete(l -> {
                Task<Object> retrieved = l.createTask("retrieved-task", in -> CompletableFuture.failedFuture(
                        new IllegalStateException("looked at")));
                Task<Object> sentinel = l.createTask("sentinel-task", in -> CompletableFuture.failedFuture(
                        new IllegalStateException("sentinel")));
                WeakReference<?>[] r = {new WeakReference<>(retrieved), new WeakReference<>(sentinel)};
                return l.sleep(Duration.ofMillis(1)).thenApply(x -> {
                    assertThat(retrieved.exceptionNow()).hasMessage("looked at"); // retrieved after it failed
                    return r;
                });
            });

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                System.gc();
                return refs[0].refersTo(null) && refs[1].refersTo(null)
                        && log.messages(Level.ERROR).stream().anyMatch(m -> m.contains("sentinel-task"));
            });

            assertThat(log.messages(Level.ERROR)).noneMatch(m -> m.contains("retrieved-task"));
        }
        loop.close();
    }

    /** The ways of retrieving a task's outcome that debug mode counts (issue 10: get(timeout) and getNow included). */
    enum Retrieval {
        GET_NOW(t -> t.getNow(null)),
        TIMED_GET(t -> t.get(1, TimeUnit.MILLISECONDS)),
        GET(Task::get),
        JOIN(Task::join),
        EXCEPTION_NOW(Task::exceptionNow),
        COMPOSE(t -> t.handle((v, e) -> e));

        final Retrieve retrieve;

        Retrieval(Retrieve retrieve) {
            this.retrieve = retrieve;
        }

        interface Retrieve {
            Object from(Task<Object> task) throws Exception;
        }
    }

    @ParameterizedTest
    @EnumSource(Retrieval.class)
    void debug_failedTaskRetrievedAnyWay_isNotReported(Retrieval retrieval) {
        EventLoop loop = EventLoop.builder().debug(true).build();

        try (LogCapture log = LogCapture.of(Task.class)) {
            WeakReference<?>[] refs = loop.runUntilComplete(l -> {
                Task<Object> retrieved = l.createTask("retrieved-" + retrieval, in -> CompletableFuture.failedFuture(
                        new IllegalStateException("looked at")));
                Task<Object> sentinel = l.createTask("sentinel-" + retrieval, in -> CompletableFuture.failedFuture(
                        new IllegalStateException("sentinel")));
                WeakReference<?>[] r = {new WeakReference<>(retrieved), new WeakReference<>(sentinel)};
                return l.sleep(Duration.ofMillis(1)).thenCompose(x -> {
                    catchThrowable(() -> retrieval.retrieve.from(retrieved)); // it failed: most ways throw
                    return l.sleep(Duration.ZERO).thenApply(y -> r); // a composed stage's callback runs first
                });
            });

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                System.gc();
                return refs[0].refersTo(null) && refs[1].refersTo(null)
                        && log.messages(Level.ERROR).stream().anyMatch(m -> m.contains("sentinel-" + retrieval));
            });

            assertThat(log.messages(Level.ERROR)).noneMatch(m -> m.contains("retrieved-" + retrieval));
        }
        loop.close();
    }

    @Test
    void debugOff_retrievingOutcome_keepsNoBookkeeping() {
        // With debug off, observing a task writes nothing (one read of the debug flag): no cost per call.
        EventLoop loop = EventLoop.create();

        Task<?> task = loop.runUntilComplete(l -> {
            Task<Object> t = l.createTask("plain", in -> CompletableFuture.completedFuture("v"));
            return t.thenApply(v -> t);
        });
        task.getNow(null);
        task.join();

        assertThat(readField(task, "observed")).isEqualTo(false);
        loop.close();
    }

    @Test
    void debugOff_failedTaskNeverRetrieved_isNotTracked() {
        // Without debug mode no Cleaner report is registered at all (it would cost every failed task).
        EventLoop loop = EventLoop.create();

        Task<?> task = loop.runUntilComplete(l -> {
            Task<Object> t = l.createTask("quiet", in -> CompletableFuture.failedFuture(new IllegalStateException()));
            return l.sleep(Duration.ofMillis(1)).thenApply(x -> t);
        });

        assertThat(task.isCompletedExceptionally()).isTrue();
        assertThat(readUnobserved(task)).isNull();
        loop.close();
    }

    private static Object readUnobserved(Task<?> task) {
        return readField(task, "unobserved");
    }

    private static Object readField(Task<?> task, String name) {
        try {
            var f = Task.class.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(task);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ allTasks

    @Test
    void allTasks_listsPendingTasksByNameInCreationOrder() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            lt.run(() -> {
                loop.createTask("alpha", l -> l.createFuture());
                loop.createTask("done-at-once", l -> CompletableFuture.completedFuture(null));
                loop.createTask("beta", l -> l.sleep(Duration.ofHours(1)));
            });
            lt.run(() -> {}); // let them start (and one finish)

            List<String> names = lt.call(() -> loop.allTasks().stream().map(Task::name).toList());

            assertThat(names).containsExactly("alpha", "beta");
        }
    }

    @Test
    void allTasks_cancelledTask_isNoLongerListed() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            Task<Object> doomed = lt.call(() -> loop.createTask("doomed", l -> l.createFuture()));
            lt.call(() -> loop.createTask("kept", l -> l.createFuture()));

            doomed.cancel(false);

            await().atMost(Duration.ofSeconds(5)).until(
                    () -> lt.call(() -> loop.allTasks().stream().map(Task::name).toList()), names -> names.equals(
                            List.of("kept")));
        }
    }

    @Test
    void allTasks_fromAnotherThreadWhileRunning_throwsIllegalState() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            await().atMost(Duration.ofSeconds(5)).until(loop::isRunning);

            assertThatThrownBy(loop::allTasks).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(loop.name());
        }
    }

    @Test
    void allTasks_ofIdleLoop_listsTasksLeftPending() {
        EventLoop loop = EventLoop.create();
        loop.runUntilComplete(l -> {
            l.createTask("left-pending", in -> in.createFuture());
            return l.sleep(Duration.ofMillis(1));
        });

        assertThat(loop.allTasks()).extracting(Task::name).containsExactly("left-pending");
        loop.close();
    }
}
