package io.loopbridge.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread factory of the library: daemon threads named {@code prefix + N} (N from 1), so no
 * thread of loopbridge keeps a JVM or a container from stopping.
 */
public final class DaemonThreads {
    private DaemonThreads() {}

    /** A factory of daemon threads {@code prefix1}, {@code prefix2}, ... Thread-safe. */
    public static ThreadFactory named(String prefix) {
        AtomicInteger ids = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
