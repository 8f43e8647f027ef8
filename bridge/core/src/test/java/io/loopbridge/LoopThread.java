package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a loop with {@code runForever()} on a thread of its own, for tests that talk to a running loop
 * from another thread. {@link #close()} stops it, joins the thread and closes the loop.
 */
final class LoopThread implements AutoCloseable {
    final EventLoop loop;
    final Thread thread;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private LoopThread(EventLoop loop, String threadName) {
        this.loop = loop;
        this.thread = new Thread(() -> {
            try {
                loop.runForever();
                ended.complete(null);
            } catch (Throwable t) {
                ended.completeExceptionally(t);
            }
        }, threadName);
        thread.setDaemon(true);
    }

    static LoopThread start(EventLoop loop) {
        LoopThread lt = new LoopThread(loop, "test-loop-" + loop.name());
        lt.thread.start();
        return lt;
    }

    /** Runs {@code action} on the loop thread and returns its result (waits at most 5 s). */
    <T> T call(Callable<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.callSoonThreadsafe(() -> {
            try {
                result.complete(action.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get(5, TimeUnit.SECONDS);
    }

    void run(Runnable action) throws Exception {
        call(() -> {
            action.run();
            return null;
        });
    }

    /** Completes when runForever() has returned (exceptionally if it threw). */
    CompletableFuture<Void> ended() {
        return ended;
    }

    @Override
    public void close() throws Exception {
        loop.stop();
        thread.join(5_000);
        assertThat(thread.isAlive()).as("loop thread ended after stop()").isFalse();
        loop.close();
    }
}
