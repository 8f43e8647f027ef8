package io.loopbridge.spring.boot;

import io.loopbridge.spring.LoopBridges;
import org.springframework.context.SmartLifecycle;

/**
 * Closes the bridges when the context stops, in a phase after the web server's: with
 * {@code server.shutdown=graceful}, the server first stops taking requests and lets those in flight
 * finish (their bridge calls too) within {@code spring.lifecycle.timeout-per-shutdown-phase}; only
 * then are the bridges closed, cancelling what is left. It also runs before the beans the bodies use
 * (HTTP and Redis clients) are destroyed. Runs on the thread that closes the context.
 */
final class LoopBridgeLifecycle implements SmartLifecycle {
    /**
     * Below Boot's web server phases (graceful shutdown at {@code DEFAULT_PHASE - 1024}, the server's
     * stop at {@code DEFAULT_PHASE - 2048}; a higher phase stops first).
     */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
    private final LoopBridges bridges;
    private volatile boolean running;

    LoopBridgeLifecycle(LoopBridges bridges) {
        this.bridges = bridges;
    }

    @Override
    public void start() {
        running = true;
    }

    /** Closes every bridge (each waits up to its close grace); idempotent, as {@link LoopBridges#close()}. */
    @Override
    public void stop() {
        running = false;
        bridges.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
