package io.loopbridge;

/**
 * Recognises a thread that runs another framework's event loop, where a blocking loopbridge entry
 * (a bridge's {@code run}, {@link LoopManager#run}, {@link EventLoop#runUntilComplete}, a blocking
 * wait on an unfinished loop future) would stall that loop or deadlock it; the entry then throws
 * {@link NestedLoopException}, naming the framework, the thread and {@link #fix()}, as it does on
 * loopbridge's own loop threads.
 *
 * <p>loopbridge detects Reactor's non-blocking threads, Netty's event executors and Vert.x's event
 * loops itself, by reflection, when those frameworks are on its class path. Further detectors are
 * found with {@link java.util.ServiceLoader} (a {@code META-INF/services/io.loopbridge.ForeignLoopDetector}
 * file, or {@code provides} in a module), once, on the first guarded entry. The system property
 * {@value #DISABLE_PROPERTY} lists frameworks ({@link #framework()}, case-insensitive, comma-separated)
 * whose detector is switched off, for an application that truly must block there.
 *
 * <p>Threads: {@link #isLoopThread} is called on the thread about to block, on every guarded entry:
 * it must be cheap, must not block and should not throw (a detector that throws is switched off and
 * logged).
 */
public interface ForeignLoopDetector {
    /** The system property listing frameworks whose detector is off: {@code -Dloopbridge.guard.disable=netty,vertx}. */
    String DISABLE_PROPERTY = "loopbridge.guard.disable";

    /** The framework's name, as messages and {@value #DISABLE_PROPERTY} give it: {@code "Reactor"}. */
    String framework();

    /** Whether {@code thread}, the current thread, runs this framework's event loop. */
    boolean isLoopThread(Thread thread);

    /** What to do instead of blocking there, for the refusal's message. */
    default String fix() {
        return "return the framework's future (or compose it on the loop with loop.await) instead of blocking,"
                + " or start the call with bridge.submit(...) and compose its CompletableFuture";
    }
}
