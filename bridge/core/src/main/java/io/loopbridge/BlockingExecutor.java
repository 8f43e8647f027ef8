package io.loopbridge;

import io.loopbridge.internal.DaemonThreads;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The library-wide default executor of {@link EventLoop#runInExecutor(java.util.concurrent.Callable)}:
 * at most {@code min(32, cores + 4)} threads (Python's default), named {@code loopbridge-blocking-N},
 * daemon, ending after 30 s idle. Created on first use.
 *
 * <p>It is also shut down when the last open {@link LoopBridge} closes: its idle threads end at once,
 * running work finishes, and the next use creates a new pool. So an undeployed web app (whose bridges
 * close with its Spring context) keeps no {@code loopbridge-blocking-N} thread, and so no reference to
 * its class loader, instead of keeping them up to 30 s (issue 4: the redeploy test of the demo WAR).
 * Work handed to a pool that was just shut down that way goes to the new pool instead of being refused.
 *
 * <p>Threads: every method may be called from any thread.
 */
final class BlockingExecutor {
    static final String THREAD_PREFIX = "loopbridge-blocking-";
    private static final int THREADS = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
    /** One factory for every pool, so thread names stay unique across pools. */
    private static final ThreadFactory THREADS_FACTORY = DaemonThreads.named(THREAD_PREFIX);
    private static final Object LOCK = new Object();
    /** The current pool, or null before first use and after the last bridge closed. Written under LOCK. */
    private static volatile ThreadPoolExecutor pool;
    /** Bridges constructed and not yet closed. Guarded by LOCK. */
    private static int openBridges;

    private BlockingExecutor() {}

    static ThreadPoolExecutor get() {
        ThreadPoolExecutor p = pool;
        if (p != null) {
            return p;
        }
        synchronized (LOCK) {
            if (pool == null) {
                pool = new Pool();
            }
            return pool;
        }
    }

    /** A bridge was constructed. */
    static void bridgeOpened() {
        synchronized (LOCK) {
            openBridges++;
        }
    }

    /** A bridge was closed (once per bridge): the last one shuts the pool down. */
    static void bridgeClosed() {
        ThreadPoolExecutor retired = null;
        synchronized (LOCK) {
            if (--openBridges == 0) {
                retired = pool;
                pool = null;
            }
        }
        if (retired != null) {
            retired.shutdown();
        }
    }

    /** The pool; after it was retired by {@link #bridgeClosed}, new work goes to the current pool. */
    private static final class Pool extends ThreadPoolExecutor {
        Pool() {
            super(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), THREADS_FACTORY);
            allowCoreThreadTimeOut(true);
        }

        @Override
        public void execute(Runnable command) {
            try {
                super.execute(command);
            } catch (RejectedExecutionException refused) {
                if (!isShutdown()) {
                    throw refused;
                }
                BlockingExecutor.get().execute(command); // retired meanwhile: a new pool takes it
            }
        }
    }
}
