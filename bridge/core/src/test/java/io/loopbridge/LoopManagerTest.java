package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Per-thread loop manager: current() and running(); run(body) creates, runs and closes a
 * fresh loop, restores the previous binding, refuses nesting; after a call returns the thread keeps
 * no reference to the loop.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopManagerTest {

    @AfterEach
    void clearBinding() {
        LoopManager.reset();
    }

    /** Runs {@code action} on a new thread (no thread-locals of earlier tests) and returns its result. */
    private static <T> T onFreshThread(Callable<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(action.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "fresh-thread");
        t.start();
        return result.get(10, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ current() and running()

    @Test
    void current_onFreshThread_isEmpty() throws Exception {
        Optional<EventLoop> current = onFreshThread(LoopManager::current);

        assertThat(current).isEmpty();
    }

    @Test
    void running_outsideAnyLoop_throwsNoRunningLoopException() throws Exception {
        Throwable thrown = onFreshThread(() -> catchThrowable(LoopManager::running));

        assertThat(thrown).isExactlyInstanceOf(NoRunningLoopException.class)
                .hasMessageStartingWith("no running event loop");
    }

    @Test
    void running_insideCallbackOfALoop_returnsThatLoop() {
        EventLoop loop = EventLoop.create();

        EventLoop[] seen = loop.runUntilComplete(l -> {
            CompletableFuture<EventLoop> fromCallback = new CompletableFuture<>();
            l.callSoon(() -> fromCallback.complete(LoopManager.running()));
            CompletableFuture<EventLoop> fromTimer = new CompletableFuture<>();
            l.callLater(Duration.ofMillis(1), () -> fromTimer.complete(LoopManager.running()));
            return l.await(fromCallback).thenCombine(fromTimer, (a, b) -> new EventLoop[] {LoopManager.running(), a, b});
        });

        assertThat(seen).containsExactly(loop, loop, loop);
        loop.close();
    }

    @Test
    void running_insideBodyOfRun_returnsTheLoopPassedToTheBody() {
        EventLoop[] seen = LoopManager.run(l -> CompletableFuture.completedFuture(
                new EventLoop[] {l, LoopManager.running()}));

        assertThat(seen[1]).isSameAs(seen[0]);
    }

    @Test
    void running_afterLoopReturned_throwsAgain() {
        EventLoop loop = EventLoop.create();
        loop.runUntilComplete(l -> CompletableFuture.completedFuture(null));

        assertThatThrownBy(LoopManager::running).isInstanceOf(NoRunningLoopException.class);
        loop.close();
    }

    @Test
    void current_insideRunningLoop_returnsIt() {
        EventLoop loop = EventLoop.create();

        Optional<EventLoop> current = loop.runUntilComplete(l -> CompletableFuture.completedFuture(
                LoopManager.current()));

        assertThat(current).containsSame(loop);
        loop.close();
    }

    @Test
    void set_bindsLoopForCurrentUntilReset() {
        EventLoop loop = EventLoop.create();

        LoopManager.set(loop);
        Optional<EventLoop> bound = LoopManager.current();
        LoopManager.reset();

        assertThat(bound).containsSame(loop);
        assertThat(LoopManager.current()).isEmpty();
        assertThatThrownBy(LoopManager::running).as("a bound loop is not a running one")
                .isInstanceOf(NoRunningLoopException.class);
        loop.close();
    }

    // ------------------------------------------------------------------ run(body)

    @Test
    void run_body_runsOnCallingThreadOnAFreshLoopThatIsClosedAfterwards() {
        Thread caller = Thread.currentThread();
        AtomicReference<EventLoop> used = new AtomicReference<>();

        Thread bodyThread = LoopManager.run(l -> {
            used.set(l);
            return l.sleep(Duration.ofMillis(1)).thenApply(x -> Thread.currentThread());
        });

        assertThat(bodyThread).isSameAs(caller);
        assertThat(used.get().isClosed()).isTrue();
    }

    @Test
    void run_calledTwice_usesTwoDifferentLoops() {
        EventLoop first = LoopManager.run(l -> CompletableFuture.completedFuture(l));
        EventLoop second = LoopManager.run(l -> CompletableFuture.completedFuture(l));

        assertThat(second).isNotSameAs(first);
    }

    @Test
    void run_bodyValue_isReturned() {
        int value = LoopManager.run(l -> l.sleep(Duration.ofMillis(1)).thenApply(x -> 42));

        assertThat(value).isEqualTo(42);
    }

    @Test
    void run_bodyFailsWithRuntimeException_throwsSameInstance() {
        IllegalStateException boom = new IllegalStateException("boom");

        Throwable thrown = catchThrowable(() -> LoopManager.run(l -> CompletableFuture.failedFuture(boom)));

        assertThat(thrown).isSameAs(boom);
    }

    @Test
    void run_bodyFailsWithCheckedException_wrapsItInAsyncExecutionException() {
        IOException boom = new IOException("boom");

        Throwable thrown = catchThrowable(() -> LoopManager.run(l -> CompletableFuture.failedFuture(boom)));

        assertThat(thrown).isExactlyInstanceOf(AsyncExecutionException.class).hasCauseReference(boom);
    }

    @Test
    void run_tasksLeftPendingByBody_areCancelled() {
        AtomicReference<Task<Void>> leftover = new AtomicReference<>();

        LoopManager.run(l -> {
            leftover.set(l.createTask("leftover", in -> in.sleep(Duration.ofHours(1))));
            return CompletableFuture.completedFuture(null);
        });

        assertThat(leftover.get().isCancelled()).isTrue();
    }

    @Test
    void run_previousBinding_isRestoredAfterwards() {
        EventLoop bound = EventLoop.create();
        LoopManager.set(bound);

        EventLoop inside = LoopManager.run(l -> CompletableFuture.completedFuture(LoopManager.current().orElseThrow()));

        assertThat(inside).as("inside the call, current() is the running loop").isNotSameAs(bound);
        assertThat(LoopManager.current()).containsSame(bound);
        bound.close();
    }

    @Test
    void run_bodyFails_previousBindingIsStillRestored() {
        EventLoop bound = EventLoop.create();
        LoopManager.set(bound);

        catchThrowable(() -> LoopManager.run(l -> {
            throw new IllegalStateException("boom");
        }));

        assertThat(LoopManager.current()).containsSame(bound);
        assertThatThrownBy(LoopManager::running).isInstanceOf(NoRunningLoopException.class);
        bound.close();
    }

    @Test
    void run_fromCallbackOfRunningLoop_throwsNestedLoopExceptionNamingThreadLoopAndFix() {
        EventLoop loop = EventLoop.builder().name("outer-loop").build();

        Throwable refused = loop.runUntilComplete(l -> CompletableFuture.completedFuture(
                catchThrowable(() -> LoopManager.run(inner -> CompletableFuture.completedFuture(1)))));

        assertThat(refused).isExactlyInstanceOf(NestedLoopException.class)
                .hasMessageContaining("LoopManager.run")
                .hasMessageContaining("'" + Thread.currentThread().getName() + "'")
                .hasMessageContaining("'outer-loop'")
                .hasMessageContaining("Fix:")
                .hasMessageContaining("compose");
        loop.close();
    }

    @Test
    void run_nestedInsideRun_throwsNestedLoopException() {
        Throwable refused = LoopManager.run(l -> CompletableFuture.completedFuture(
                catchThrowable(() -> LoopManager.run(inner -> CompletableFuture.completedFuture(1)))));

        assertThat(refused).isExactlyInstanceOf(NestedLoopException.class);
    }

    @Test
    void run_nestedRefusal_leavesOuterLoopRunningAndBound() {
        String result = LoopManager.run(l -> {
            catchThrowable(() -> LoopManager.run(inner -> CompletableFuture.completedFuture(1)));
            EventLoop stillRunning = LoopManager.running();
            return l.sleep(Duration.ofMillis(1)).thenApply(x -> stillRunning == l ? "outer intact" : "broken");
        });

        assertThat(result).isEqualTo("outer intact");
    }

    @Test
    void run_nestedRefusal_isImmediateEvenInsideRunForever() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            Throwable refused = lt.call(() -> catchThrowable(
                    () -> LoopManager.run(inner -> inner.sleep(Duration.ofHours(1)))));

            assertThat(refused).isExactlyInstanceOf(NestedLoopException.class).hasMessageContaining(loop.name());
        }
    }

    @Test
    void runUntilComplete_ofAnotherLoopFromCallback_throwsNestedLoopException() {
        EventLoop outer = EventLoop.builder().name("outer").build();
        EventLoop other = EventLoop.builder().name("other").build();

        Throwable refused = outer.runUntilComplete(l -> CompletableFuture.completedFuture(
                catchThrowable(() -> other.runUntilComplete(o -> CompletableFuture.completedFuture(1)))));

        assertThat(refused).isExactlyInstanceOf(NestedLoopException.class).hasMessageContaining("'outer'");
        assertThat(other.isRunning()).isFalse();
        outer.close();
        other.close();
    }

    @Test
    void run_nullBody_throwsNpeNamingBody() {
        assertThatThrownBy(() -> LoopManager.run(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("body must not be null");
    }

    // ------------------------------------------------------------------ no thread-local leaks

    @Test
    void run_afterReturning_currentIsEmptyAndRunningThrows() throws Exception {
        Object[] after = onFreshThread(() -> {
            LoopManager.run(l -> l.sleep(Duration.ofMillis(1)));
            return new Object[] {LoopManager.current(), catchThrowable(LoopManager::running)};
        });

        assertThat(after[0]).isEqualTo(Optional.empty());
        assertThat(after[1]).isInstanceOf(NoRunningLoopException.class);
    }

    @Test
    void run_afterReturning_pooledThreadKeepsNoReferenceToTheLoop() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(); // the thread lives on, as a container's would
        try {
            WeakReference<EventLoop> loop = pool.submit(() -> LoopManager.run(
                    l -> l.sleep(Duration.ofMillis(1)).thenApply(x -> new WeakReference<>(l)))).get(10, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                System.gc();
                return loop.refersTo(null);
            });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void run_afterReturning_noThreadLocalOfTheThreadHoldsALoop() throws Exception {
        List<String> leaks = onFreshThread(() -> {
            LoopManager.run(l -> l.createTask(in -> in.sleep(Duration.ofMillis(1))));
            return loopThreadLocalValues(Thread.currentThread());
        });

        assertThat(leaks).isEmpty();
    }

    @Test
    void runUntilComplete_afterReturning_noThreadLocalOfTheThreadHoldsALoop() throws Exception {
        List<String> leaks = onFreshThread(() -> {
            EventLoop loop = EventLoop.create();
            loop.runUntilComplete(l -> l.sleep(Duration.ofMillis(1)));
            loop.close();
            return loopThreadLocalValues(Thread.currentThread());
        });

        assertThat(leaks).isEmpty();
    }

    /**
     * The values left in {@code thread}'s thread-local map that could pin a loop: any value of
     * LoopManager's thread-locals, and any loop held by any thread-local. (An entry whose value is
     * null pins nothing: the map references its key, the ThreadLocal, only weakly.) java.lang is not
     * opened to tests, so the map is read through sun.misc.Unsafe (jdk.unsupported).
     */
    private static List<String> loopThreadLocalValues(Thread thread) throws Exception {
        Field theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        theUnsafe.setAccessible(true);
        sun.misc.Unsafe unsafe = (sun.misc.Unsafe) theUnsafe.get(null);
        Object map = unsafe.getObject(thread, unsafe.objectFieldOffset(Thread.class.getDeclaredField("threadLocals")));
        List<String> found = new ArrayList<>();
        if (map == null) {
            return found;
        }
        Class<?> mapClass = Class.forName("java.lang.ThreadLocal$ThreadLocalMap");
        Class<?> entryClass = Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry");
        Object[] table = (Object[]) unsafe.getObject(map, unsafe.objectFieldOffset(mapClass.getDeclaredField("table")));
        long valueOffset = unsafe.objectFieldOffset(entryClass.getDeclaredField("value"));
        List<Object> managerLocals = new ArrayList<>();
        for (Field f : LoopManager.class.getDeclaredFields()) {
            if (ThreadLocal.class.isAssignableFrom(f.getType())) {
                f.setAccessible(true);
                managerLocals.add(f.get(null));
            }
        }
        assertThat(managerLocals).as("LoopManager's thread-locals").isNotEmpty();
        for (Object entry : table) {
            if (entry == null) {
                continue;
            }
            Object key = ((Reference<?>) entry).get();
            Object value = unsafe.getObject(entry, valueOffset);
            if ((managerLocals.contains(key) && value != null) || value instanceof EventLoop) {
                found.add("thread-local " + key + " = " + value);
            }
        }
        return found;
    }
}
