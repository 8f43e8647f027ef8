package io.loopbridge.internal;

import java.util.Map;
import org.slf4j.MDC;

/**
 * An immutable snapshot of a caller's thread-bound context: the SLF4J MDC and, when
 * {@code io.micrometer:context-propagation} is on the class path, every registered
 * {@code ThreadLocalAccessor}. The loop runs each callback under the context of the call it belongs
 * to, so a caller's MDC is visible in every callback of its body and never in another call's.
 *
 * <p>Threads: {@link #capture()} on the thread whose context is taken; {@link #open()} and the
 * returned scope's {@code close()} on the one thread that runs the callback.
 */
public final class CallContext {
    private static final boolean MICROMETER = isPresent("io.micrometer.context.ContextSnapshotFactory");

    private final Map<String, String> mdc;
    /** A {@code io.micrometer.context.ContextSnapshot}, or null; typed Object so the class is optional. */
    private final Object snapshot;
    /** The context installed on the thread for this one: itself, or for a task's context its parent's (may be null). */
    private final CallContext propagated;
    /** The task this context belongs to (an {@code io.loopbridge.Task}, typed Object), or null. */
    private final Object task;

    private CallContext(Map<String, String> mdc, Object snapshot, CallContext propagated, Object task) {
        this.mdc = mdc;
        this.snapshot = snapshot;
        this.propagated = propagated == null && task == null ? this : propagated;
        this.task = task;
    }

    /**
     * The context of {@code task} created under {@code parent} (null for none): it installs what
     * {@code parent} installs and names the task, so callbacks registered under it identify the task
     * without an allocation of their own. Made once per task, on the thread creating it.
     */
    public static CallContext ofTask(CallContext parent, Object task) {
        CallContext installed = parent == null ? null : parent.propagated;
        return installed == null ? new CallContext(null, null, null, task)
                : new CallContext(installed.mdc, installed.snapshot, installed, task);
    }

    /** The context to install on the thread for this one (null: leave the thread's own); any thread. */
    public CallContext propagated() {
        return propagated;
    }

    /** The task this is the context of, or null. */
    public Object task() {
        return task;
    }

    /**
     * The current thread's context, as a new object even when it is empty: each call gets its own, so
     * that what one call's callbacks put into the MDC of a shared loop thread is undone before another
     * call's callback runs there.
     */
    public static CallContext capture() {
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        Object snapshot = MICROMETER ? MicrometerContext.captureOrNull() : null;
        return new CallContext(mdc == null || mdc.isEmpty() ? null : mdc, snapshot, null, null);
    }

    /** A scope that restores what {@link #open()} replaced; closing it never throws. */
    public interface Scope {
        void close();
    }

    /** Installs this context on the current thread until the returned scope is closed. */
    public Scope open() {
        Map<String, String> previousMdc = MDC.getCopyOfContextMap();
        if (mdc == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(mdc);
        }
        AutoCloseable micrometerScope = snapshot == null ? null : MicrometerContext.open(snapshot);
        return () -> {
            if (micrometerScope != null) {
                MicrometerContext.close(micrometerScope);
            }
            if (previousMdc == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(previousMdc);
            }
        };
    }

    /** The captured MDC (empty when none); for diagnostics and tests. */
    public Map<String, String> mdc() {
        return mdc == null ? Map.of() : mdc;
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, CallContext.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }
}
