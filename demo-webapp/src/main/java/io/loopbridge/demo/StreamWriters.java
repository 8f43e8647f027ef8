package io.loopbridge.demo;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that write the streams' events to their clients: {@code demo-stream-writer-N}, daemon, ending
 * after 10 s idle, stopped when the web app is undeployed. Without them the streams would write on
 * loopbridge's default executor for blocking work, which the {@code blocking} scenario fills for as long as
 * a bridge timeout: every event would wait behind it, and a stream of valid parameters would outlive its
 * bridge call and be cut short (found by BadInputFuzzIT).
 *
 * <p>Threads: {@link #execute} from any thread (a stream's pump calls it on the loop thread).
 */
final class StreamWriters implements Executor, AutoCloseable {
    /** A write blocks only while its client reads slowly: a few threads serve every stream. */
    private static final int THREADS = 4;
    private final ThreadPoolExecutor pool;

    StreamWriters() {
        AtomicInteger ids = new AtomicInteger();
        pool = new ThreadPoolExecutor(THREADS, THREADS, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), write -> {
            Thread thread = new Thread(write, "demo-stream-writer-" + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable write) {
        pool.execute(write);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
