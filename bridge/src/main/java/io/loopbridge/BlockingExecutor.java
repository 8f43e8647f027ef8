package io.loopbridge;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library-wide default executor of {@link EventLoop#runInExecutor(java.util.concurrent.Callable)}:
 * at most {@code min(32, cores + 4)} threads (Python's default), named {@code loopbridge-blocking-N},
 * daemon, ending after 30 s idle, so an idle application (or an undeployed web app) keeps none.
 * Created on first use.
 */
final class BlockingExecutor {
    static final String THREAD_PREFIX = "loopbridge-blocking-";
    private static final int THREADS = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);

    private BlockingExecutor() {}

    static ThreadPoolExecutor get() {
        return Holder.EXECUTOR;
    }

    private static final class Holder {
        static final ThreadPoolExecutor EXECUTOR = create();

        private static ThreadPoolExecutor create() {
            AtomicInteger ids = new AtomicInteger();
            ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), runnable -> {
                        Thread thread = new Thread(runnable, THREAD_PREFIX + ids.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
            executor.allowCoreThreadTimeOut(true);
            return executor;
        }
    }
}
