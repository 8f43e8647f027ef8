package io.loopbridge;

import io.loopbridge.internal.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BridgeMode#PER_CALL_POOLED}: each call runs on a fresh loop on a worker of a bounded pool
 * (Python's thread pool plus {@code new_event_loop()}), created on first use. When every worker is
 * busy, calls wait for one in FIFO order; workers idle for {@value #IDLE_SECONDS} s end.
 *
 * <p>Threads: {@link #hand} on callers' threads; each call's loop on a worker
 * {@code loopbridge-<bridge>-worker-N}.
 */
sealed class WorkerPoolRunner extends CallRunner permits CallerThreadRunner {
    private static final Logger log = LoggerFactory.getLogger(LoopBridge.class);
    private static final int IDLE_SECONDS = 30;

    private final int poolSize;
    /** The workers, created on first use under this object's lock; null before. */
    private volatile ThreadPoolExecutor workers;

    WorkerPoolRunner(LoopBridge bridge, Integer poolSize) {
        super(bridge);
        this.poolSize = poolSize != null ? poolSize : LoopBridge.defaultPoolSize();
    }

    @Override
    void hand(BridgeCall<?> call) {
        workers().execute(call);
    }

    private ThreadPoolExecutor workers() {
        ThreadPoolExecutor pool = workers;
        if (pool == null) {
            synchronized (this) {
                if (bridge.isClosed()) { // read under the lock close() takes: no pool starts after close
                    throw bridge.closedException();
                }
                pool = workers;
                if (pool == null) {
                    pool = new ThreadPoolExecutor(poolSize, poolSize, IDLE_SECONDS, TimeUnit.SECONDS,
                            new LinkedBlockingQueue<>(), DaemonThreads.named("loopbridge-" + bridge.name() + "-worker-"));
                    pool.allowCoreThreadTimeOut(true);
                    workers = pool;
                }
            }
        }
        return pool;
    }

    /**
     * Interrupts the running per-call loops (they cancel their tasks) and cancels the queued calls
     * (they never start), then waits up to {@code grace} for the workers.
     */
    @Override
    void close(Duration grace) throws InterruptedException {
        ThreadPoolExecutor pool;
        synchronized (this) {
            pool = workers;
        }
        if (pool == null) {
            return;
        }
        for (Runnable queued : pool.shutdownNow()) {
            ((BridgeCall<?>) queued).cancel(new CancellationException("bridge '" + bridge.name() + "' was closed"
                    + " before the call started"));
        }
        if (!pool.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
            log.warn("bridge '{}': workers did not stop within {} (a callback is stuck?); they end as daemons",
                    bridge.name(), grace);
        }
    }
}
