package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Loop: a blocking wait (get, join) on a loop future from that loop's thread throws
 * NestedLoopException at once. (Without the guard each of these would deadlock: the junit timeout is
 * the backstop, the latency bound below the proof of "at once".)
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NestedBlockingTest {

    /** Runs {@code block} on the loop thread against a future made by {@code make}, returns what it threw. */
    private static Throwable blockOnLoopThread(EventLoop loop, Function<EventLoop, LoopFuture<?>> make,
            Function<LoopFuture<?>, ThrowingCallable> block) {
        return loop.runUntilComplete(l -> {
            LoopFuture<?> f = make.apply(l);
            long start = System.nanoTime();
            Throwable thrown = catchThrowable(block.apply(f));
            long took = System.nanoTime() - start;
            assertThat(Duration.ofNanos(took)).as("refused at once").isLessThan(Duration.ofSeconds(1));
            return CompletableFuture.completedFuture(thrown);
        });
    }

    // ------------------------------------------------------------------ refused

    @Test
    void join_unfinishedLoopFutureOnLoopThread_throwsNestedLoopException() {
        EventLoop loop = EventLoop.create();

        Throwable thrown = blockOnLoopThread(loop, EventLoop::createFuture, f -> f::join);

        assertThat(thrown).isExactlyInstanceOf(NestedLoopException.class);
        loop.close();
    }

    @Test
    void get_unfinishedLoopFutureOnLoopThread_throwsNestedLoopException() {
        EventLoop loop = EventLoop.create();

        Throwable thrown = blockOnLoopThread(loop, EventLoop::createFuture, f -> f::get);

        assertThat(thrown).isExactlyInstanceOf(NestedLoopException.class);
        loop.close();
    }

    @Test
    void getWithTimeout_unfinishedLoopFutureOnLoopThread_throwsNestedLoopException() {
        EventLoop loop = EventLoop.create();

        Throwable thrown = blockOnLoopThread(loop, EventLoop::createFuture, f -> () -> f.get(30, TimeUnit.SECONDS));

        assertThat(thrown).isExactlyInstanceOf(NestedLoopException.class);
        loop.close();
    }

    @Test
    void join_unfinishedTaskOnLoopThread_throwsNestedLoopException() {
        EventLoop loop = EventLoop.create();

        Throwable thrown = blockOnLoopThread(loop, l -> l.createTask(in -> in.sleep(Duration.ofMillis(1))),
                f -> f::join);

        assertThat(thrown).isExactlyInstanceOf(NestedLoopException.class);
        loop.close();
    }

    @Test
    void join_unfinishedSleepViaToCompletableFuture_throwsNestedLoopException() {
        EventLoop loop = EventLoop.create();

        Throwable thrown = blockOnLoopThread(loop, l -> l.sleep(Duration.ofMillis(1)),
                f -> () -> f.toCompletableFuture().join());

        assertThat(thrown).isExactlyInstanceOf(NestedLoopException.class);
        loop.close();
    }

    @Test
    void join_refused_messageNamesThreadLoopAndFix() {
        EventLoop loop = EventLoop.builder().name("blocking-loop").build();

        Throwable thrown = blockOnLoopThread(loop, EventLoop::createFuture, f -> f::join);

        assertThat(thrown).hasMessageContaining("join()")
                .hasMessageContaining("'" + Thread.currentThread().getName() + "'")
                .hasMessageContaining("'blocking-loop'")
                .hasMessageContaining("Fix:");
        loop.close();
    }

    @Test
    void join_unfinishedFutureOfAnotherLoopWhileThisLoopRuns_throwsNestedLoopException() {
        EventLoop loop = EventLoop.create();
        EventLoop other = EventLoop.create();

        Throwable thrown = blockOnLoopThread(loop, l -> other.createFuture(), f -> f::join);

        assertThat(thrown).isExactlyInstanceOf(NestedLoopException.class);
        loop.close();
        other.close();
    }

    @Test
    void join_refused_futureCanStillCompleteNormallyLater() {
        EventLoop loop = EventLoop.create();

        String value = loop.runUntilComplete(l -> {
            LoopFuture<String> f = l.createFuture();
            catchThrowable(f::join);
            l.callSoon(() -> f.complete("later"));
            return f;
        });

        assertThat(value).isEqualTo("later");
        loop.close();
    }

    // ------------------------------------------------------------------ allowed

    @Test
    void join_finishedFutureOnLoopThread_returnsValueAtOnce() {
        EventLoop loop = EventLoop.create();

        String value = loop.runUntilComplete(l -> {
            LoopFuture<String> f = l.createFuture();
            f.complete("ready");
            return CompletableFuture.completedFuture(f.join());
        });

        assertThat(value).isEqualTo("ready");
        loop.close();
    }

    @Test
    void get_fromThreadNotRunningALoop_blocksUntilCompleted() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            LoopFuture<String> f = lt.call(() -> {
                LoopFuture<String> future = loop.createFuture();
                loop.callLater(Duration.ofMillis(20), () -> future.complete("v"));
                return future;
            });

            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("v");
        }
    }
}
